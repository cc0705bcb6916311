"""Mailing the invitations: what to send to whom, saying what changed.

Each volunteer affected gets at most two messages: one METHOD:REQUEST
holding their new and changed events, one METHOD:CANCEL holding their
cancellations (one iCalendar object has one METHOD). The history records
a message's events as sent only once the server has accepted it, so an
interrupted run leaves the rest for the next one and sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from permanence.errors import UserInputError
from permanence.i18n import _, ngettext
from permanence.invitations.plan import Change, Invitation, Plan, Recipient
from permanence.invitations.state import journal_sent, write_history
from permanence.settings import Settings, SmtpSettings
from permanence.workspace import Workspace


@dataclass(frozen=True)
class Outgoing:
    """One message to send: a volunteer, a METHOD and the events it carries."""

    recipient: Recipient
    method: str  # REQUEST or CANCEL
    invitations: list[Invitation]

    def count(self, change: Change) -> int:
        """Return how many of the events are of this kind of change."""
        return sum(1 for i in self.invitations if i.change is change)


@dataclass
class SendResult:
    """What a run of ``send`` did."""

    sent: list[Outgoing] = field(default_factory=list)
    refused: list[tuple[Outgoing, str]] = field(default_factory=list)


def outgoing_messages(
    plan: Plan, only: Iterable[str] = ()
) -> tuple[list[Outgoing], list[Recipient]]:
    """Return the messages to send, and the volunteers left out for lack of email."""
    chosen = _chosen(plan, set(only))
    messages: list[Outgoing] = []
    without_email: list[Recipient] = []
    for recipient in chosen:
        changed = recipient.changed()
        cancelled = recipient.cancellations_unsent()
        if not (changed or cancelled):
            continue
        if not recipient.email:
            without_email.append(recipient)
            continue
        if changed:
            messages.append(Outgoing(recipient, "REQUEST", changed))
        if cancelled:
            messages.append(Outgoing(recipient, "CANCEL", cancelled))
    return messages, without_email


def _chosen(plan: Plan, only: set[str]) -> list[Recipient]:
    if not only:
        return plan.recipients
    known = {recipient.id for recipient in plan.recipients}
    unknown = sorted(only - known)
    if unknown:
        message = _("unknown volunteer(s): {ids}; the ids are in {file}")
        raise UserInputError(message.format(ids=", ".join(unknown), file="shifts.yaml"))
    return [recipient for recipient in plan.recipients if recipient.id in only]


def send_invitations(
    workspace: Workspace,
    settings: Settings,
    plan: Plan,
    messages: list[Outgoing],
    on_progress: Callable[[int], None] | None = None,
) -> SendResult:
    """Send ``messages``; record each one's events as sent once accepted."""
    from permanence.adapters.mail import send_messages, smtp_password
    from permanence.userconfig import user_value

    smtp = _smtp_settings(settings)
    password = smtp_password(smtp, user_value("smtp_password_env"))
    stamp = datetime.now(ZoneInfo("UTC"))
    emails = [compose(item, plan, settings, stamp) for item in messages]
    result = SendResult()

    def accepted(index: int) -> None:
        item = messages[index]
        sent = [(i.event.uid, i.version) for i in item.invitations]
        journal_sent(workspace, sent)
        for uid, version in sent:
            plan.history.send(uid, version)
        recipient = item.recipient
        plan.history.remember(recipient.id, recipient.name, recipient.email)
        result.sent.append(item)
        if on_progress is not None:
            on_progress(len(result.sent))

    try:
        report = send_messages(smtp, password, emails, on_sent=accepted)
    finally:
        if result.sent:
            write_history(workspace, plan.history, plan.window.start)
    result.refused = [(messages[index], reason) for index, reason in report.refused]
    return result


def _smtp_settings(settings: Settings) -> SmtpSettings:
    smtp = settings.smtp
    if smtp is None or not smtp.host:
        message = _(
            "no mail server configured: add an 'smtp' block (host, port, "
            "security, user, sender) to the settings in {file}"
        )
        raise UserInputError(message.format(file="shifts.yaml"))
    return smtp


def sender_of(settings: Settings) -> tuple[str, str]:
    """Return the From name and address: the SMTP sender, else the coordinator."""
    smtp = settings.smtp
    if smtp is not None and smtp.sender:
        name, address = parseaddr(smtp.sender)
        if address:
            return name, address
    coordinator = settings.coordinator
    if coordinator is not None and coordinator.email:
        return coordinator.name, coordinator.email
    return settings.name, smtp.user if smtp else ""


def compose(
    item: Outgoing, plan: Plan, settings: Settings, stamp: datetime
) -> EmailMessage:
    """Return the email for one message: text, calendar part, .ics attachment."""
    from permanence.adapters.ical import render_calendar
    from permanence.adapters.mail import compose_message
    from permanence.invitations.files import CANCELLED_SUFFIX

    recipient = item.recipient
    events = [invitation.event for invitation in item.invitations]
    span = (plan.window.start, plan.window.end)  # one VTIMEZONE for every mail
    zone = plan.schedule.timezone
    calendar = render_calendar(events, zone, item.method, stamp, span=span)
    suffix = CANCELLED_SUFFIX if item.method == "CANCEL" else ""
    return compose_message(
        sender_of(settings),
        (recipient.name, recipient.email),
        _subject(item, settings.name),
        message_body(item, plan, settings),
        calendar,
        method=item.method,
        filename=f"{recipient.id}{suffix}.ics",
    )


def _subject(item: Outgoing, association: str) -> str:
    if item.method == "CANCEL":
        subject = _("Shift cancelled")
    elif item.count(Change.CHANGED):
        subject = _("Changes to your shifts")
    else:
        subject = _("Your phone line shifts")
    return f"{subject} \u2013 {association}" if association else subject


def message_body(item: Outgoing, plan: Plan, settings: Settings) -> str:
    """Return the plain-text body: greeting, one line per event, the links."""
    zone = plan.schedule.zone
    count = len(item.invitations)
    if item.method == "CANCEL":
        intro = ngettext(
            "This shift is cancelled:", "These shifts are cancelled:", count
        )
    else:
        intro = ngettext(
            "Here is your phone line shift, to add to your calendar:",
            "Here are your phone line shifts, to add to your calendar:",
            count,
        )
    lines = [_("Hello {name},").format(name=item.recipient.name), "", intro, ""]
    lines += [f"- {change_line(i, zone)}" for i in item.invitations]
    description = item.invitations[0].event.description
    if description and item.method != "CANCEL":
        lines += ["", description]
    if item.method == "REQUEST":
        lines += ["", _("Your calendar app offers to accept or decline each shift.")]
    lines += ["", settings.name or ""]
    return "\n".join(lines).rstrip() + "\n"


def change_line(invitation: Invitation, zone: ZoneInfo) -> str:
    """Return what happened to one event, in a few words for the volunteer."""
    event = invitation.event
    start, end = event.start.astimezone(zone), event.end.astimezone(zone)
    values = {"day": f"{start:%d/%m}", "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
    if invitation.change is Change.CANCELLED:
        return _("shift of {day} at {start} cancelled").format(**values)
    if invitation.change is Change.NEW or invitation.previous is None:
        return _("new shift: {day} from {start} to {end}").format(**values)
    previous = invitation.previous
    old_start, old_end = (
        datetime.fromisoformat(moment).astimezone(zone)
        for moment in (previous.start, previous.end)
    )
    values.update(old_day=f"{old_start:%d/%m}", old_start=f"{old_start:%H:%M}")
    if old_start.date() != start.date():
        text = _("shift of {old_day} at {old_start} moved to {day} at {start}")
    elif old_start != start:
        text = _("shift of {day} moved from {old_start} to {start}")
    elif old_end != end:
        text = _("shift of {day} now from {start} to {end}")
    else:
        text = _("shift of {day} at {start}: details updated")
    return text.format(**values)
