"""The interactive ``permanence log``: one question at a time, on stderr.

A value that cannot be used is asked again on its own, so nothing already
typed needs typing again. Ctrl-C or end of input before the confirmation
raises ``KeyboardInterrupt`` or ``EOFError``: the command then says that
nothing was saved.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime

from permanence.calls.contact import parse_email, parse_phone
from permanence.calls.reasons import GuideReasons, faq_for_reason, is_other
from permanence.calls.reasons import match_reasons as find_reasons
from permanence.calls.record import CallRecord
from permanence.calls.recording import (
    CallInput,
    build_record,
    contact_defaults,
    default_owner,
)
from permanence.calls.values import parse_date, parse_field, parse_yes_no
from permanence.cli import output
from permanence.cli.calls_render import short
from permanence.i18n import _
from permanence.knowledge import CallReason, ReasonField
from permanence.settings import Settings
from permanence.workspace import Workspace


def read_answer(label: str, default: str = "") -> str:
    """Print ``label`` on stderr and return the line typed (EOF ends the call).

    Click's prompt writes a space on stdout, which carries data only; the
    prompt is therefore written here, and ``input()`` keeps line editing.
    """
    shown = f"{label} [{default}]: " if default else f"{label}: "
    sys.stderr.write(shown)
    sys.stderr.flush()
    typed = input()
    return typed.strip() or default


def ask(
    label: str,
    check: Callable[[str], str] | None = None,
    required: bool = False,
    default: str = "",
) -> str:
    """Ask until the answer passes ``check``; return it as checked."""
    while True:
        text = read_answer(label, default)
        if not text:
            if not required:
                return ""
            output.say(_("This one is required."))
            continue
        try:
            return check(text) if check else text
        except ValueError as error:
            output.say(str(error))


def ask_yes_no(label: str, default: bool) -> bool:
    """Ask a oui/non question."""
    hint = "O/n" if default else "o/N"
    answer = ask(f"{label} [{hint}]", lambda text: "y" if parse_yes_no(text) else "n")
    return default if not answer else answer == "y"


class Dialogue:
    """Asks the questions of one call and builds its record."""

    def __init__(
        self, workspace: Workspace, settings: Settings, guide: GuideReasons
    ) -> None:
        self.workspace = workspace
        self.settings = settings
        self.guide = guide
        self.given = CallInput()

    def run(self, volunteer: str, started: datetime) -> CallRecord | None:
        """Ask everything; return the record, or None if not confirmed."""
        if self.guide.greeting:
            output.say(self.guide.greeting + "\n")
        reason = self.ask_reason()
        if reason is not None:
            self.show_faq(reason)
            self.ask_fields(reason)
        self.ask_contact(reason)
        self.show_history()
        self.given.answer = ask(_("What was answered"))
        self.given.note = ask(_("Note to pass on (for the next volunteer)"))
        self.ask_follow_up(reason)
        self.given.volunteer = volunteer or ask(
            _("Your name (volunteer)"), required=True
        )
        record = build_record(self.given, self.guide, self.settings, started)
        show_summary(record)
        return record if ask_yes_no(_("Save this call?"), True) else None

    def ask_reason(self) -> CallReason | None:
        output.say(_("Reason of the call:"))
        for number, reason in enumerate(self.guide.reasons, 1):
            output.say(f"  {number}. {reason.label} ({reason.code})")
        output.say("  " + _("autre: a reason not in the guide"))
        while True:
            typed = ask(_("Reason (number or a few letters)"), required=True)
            if is_other(typed):
                label = _("New reason, in a few words")
                self.given.new_reason = ask(label, required=True)
                return None
            found = find_reasons(typed, self.guide.reasons)
            if len(found) == 1:
                self.given.reason = found[0].code
                output.say(_("Reason: {label}").format(label=found[0].label))
                return found[0]
            self.say_candidates(typed, found)

    def say_candidates(self, typed: str, found: list[CallReason]) -> None:
        if not found:
            message = _(
                "No reason matches '{value}': type its number, a few letters, "
                "or 'autre'."
            )
            output.say(message.format(value=typed))
            return
        output.say(_("Several reasons fit '{value}':").format(value=typed))
        for reason in found:
            number = self.guide.reasons.index(reason) + 1
            output.say(f"  {number}. {reason.label} ({reason.code})")

    def show_faq(self, reason: CallReason) -> None:
        from permanence.knowledge import load_faq

        if not self.workspace.faq_dir.is_dir():
            return
        entries = faq_for_reason(reason, load_faq(self.workspace.faq_dir).items)
        if not entries:
            return
        output.say(_("Answers that may help:"))
        for entry in entries:
            first = short(" ".join(entry.answer.split()), 160)
            output.say(f"  • {entry.question}\n    {first}")

    def ask_fields(self, reason: CallReason) -> None:
        region = self.settings.phone_region
        for reason_field in reason.fields:
            self.show_field_help(reason_field)

            def check(text: str, f: ReasonField = reason_field) -> str:
                return parse_field(f, text, region)

            label = reason_field.label + (" *" if reason_field.required else "")
            self.given.fields[reason_field.name] = ask(
                label, check, reason_field.required
            )

    def show_field_help(self, reason_field: ReasonField) -> None:
        if reason_field.help:
            output.say(f"  ({reason_field.help})")
        if reason_field.kind == "choice":
            for number, choice in enumerate(reason_field.choices, 1):
                output.say(f"    {number}. {choice}")
        hints = {"date": _("DD/MM/YYYY"), "yes_no": _("oui/non")}
        if reason_field.kind in hints:
            output.say(f"  ({hints[reason_field.kind]})")

    def ask_contact(self, reason: CallReason | None) -> None:
        found = contact_defaults(reason, self.given.fields)
        region = self.settings.phone_region
        name, phone, email = found["caller"], found["phone"], found["email"]
        self.given.caller = ask(_("Caller's name"), None, name.required, name.value)
        self.given.phone = ask(
            _("Caller's phone"),
            lambda text: parse_phone(text, region),
            phone.required,
            phone.value,
        )
        self.given.email = ask(
            _("Caller's e-mail"), parse_email, email.required, email.value
        )

    def show_history(self) -> None:
        from permanence.adapters.callstore import CallStore, CallStoreError

        if not (self.given.phone or self.given.email):
            return
        try:
            with CallStore.open(self.workspace) as store:
                earlier = store.by_contact(self.given.phone, self.given.email, limit=5)
        except CallStoreError as error:
            output.warn(error.message)
            return
        if not earlier:
            return
        output.say(_("This caller called before:"))
        for record in earlier:
            state = ""
            if record.has_open_follow_up and record.follow_up:
                state = " — " + _("open follow-up: {owner}").format(
                    owner=record.follow_up.owner
                )
            note = short(" ".join((record.note or record.answer).split()), 60)
            output.say(f"  {record.time:%d/%m/%Y} {record.reason}{state} {note}")

    def ask_follow_up(self, reason: CallReason | None) -> None:
        self.given.follow_up = ask_yes_no(_("Follow-up needed?"), False)
        if not self.given.follow_up:
            return
        owner, _email = default_owner(reason)
        typed = ask(_("Who follows up"), None, True, owner)
        self.given.owner = "" if typed == owner else typed
        self.given.due = ask(
            _("Due date (optional)"), lambda t: parse_date(t).isoformat()
        )


def show_summary(record: CallRecord) -> None:
    """Print the call about to be saved, on stderr."""
    reason = record.reason + (f" ({_('new')})" if record.reason_is_new else "")
    lines = [
        _("Summary:"),
        f"  {_('When')}: {record.time:%d/%m/%Y %H:%M} ({record.volunteer})",
        f"  {_('Reason')}: {reason}",
    ]
    contact = ", ".join(
        part
        for part in (record.caller_name, record.caller_phone, record.caller_email)
        if part
    )
    if contact:
        lines.append(f"  {_('Caller')}: {contact}")
    lines += [f"  {name}: {value}" for name, value in record.fields.items()]
    if record.answer:
        lines.append(f"  {_('Answer')}: {record.answer}")
    if record.note:
        lines.append(f"  {_('Note')}: {record.note}")
    if record.follow_up:
        due = f" ({record.follow_up.due:%d/%m/%Y})" if record.follow_up.due else ""
        lines.append(f"  {_('Follow-up')}: {record.follow_up.owner}{due}")
    output.say("\n".join(lines))
