"""One-line summaries of the commands, for ``permanence --help``.

Kept apart from the commands so that the root help lists them all without
importing every command module: ``--help`` stays as quick as a command.
"""

from __future__ import annotations

from permanence.i18n import N_

SUMMARIES = {
    "faq": N_("Find the answer to a caller's question."),
    "guide": N_("Show the guide, a call reason or the phone menu."),
    "log": N_("Record a call."),
    "calls": N_("List and search the recorded calls."),
    "followups": N_("List the open follow-ups, by owner."),
    "done": N_("Close a follow-up."),
    "purge": N_("Anonymise callers' details past the retention period."),
    "forget": N_("Erase one person's data, on request."),
    "sync": N_("Send the waiting calls to the shared sheet."),
    "sheet": N_("Check the shared Google Sheet."),
    "who": N_("Show who is on duty now, and who is next."),
    "schedule": N_("Check and show the shifts; write and send the invitations."),
    "handoff": N_("Start or end a shift, with what is pending."),
    "stats": N_("Show figures on the calls of a period."),
    "config": N_("Show the effective settings and where they come from."),
}
