"""Turning what a volunteer gave (options, JSON, answers) into call records.

Every value is checked against the guide's reason before anything is
saved; problems are collected, each with the key it concerns, so that the
volunteer can fix them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from permanence.calls.contact import parse_email, parse_phone
from permanence.calls.reasons import GuideReasons, is_other, match_reasons
from permanence.calls.record import CallRecord, FollowUp, new_call_id
from permanence.calls.values import parse_date, parse_field, parse_moment
from permanence.errors import PermanenceError
from permanence.i18n import _
from permanence.knowledge import CallReason
from permanence.settings import Settings
from permanence.workspace import Workspace

MAX_FUTURE = timedelta(minutes=5)
INPUT_KEYS = (
    "reason", "new_reason", "caller", "phone", "email", "fields", "answer",
    "note", "follow_up", "owner", "due", "as", "at",
)  # fmt: skip


@dataclass
class CallInput:
    """The raw values of one call, as typed (options, JSON or answers)."""

    reason: str = ""
    new_reason: str = ""
    caller: str = ""
    phone: str = ""
    email: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    answer: str = ""
    note: str = ""
    follow_up: bool = False
    owner: str = ""
    due: str = ""
    volunteer: str = ""
    at: str = ""


class InputProblem(NamedTuple):
    """One value to fix: which key, and what is wrong."""

    key: str
    message: str


class CallInputError(ValueError):
    """The values of a call have problems; nothing was saved."""

    def __init__(self, problems: list[InputProblem]) -> None:
        super().__init__("; ".join(f"{p.key}: {p.message}" for p in problems))
        self.problems = problems


def choose_reason(text: str, guide: GuideReasons) -> CallReason:
    """Return the one reason ``text`` designates; raise ``ValueError`` if not."""
    found = match_reasons(text, guide.reasons)
    if len(found) == 1:
        return found[0]
    codes = ", ".join(r.code for r in (found or guide.reasons))
    if found:
        message = _("'{value}' fits several reasons: {codes}; type more letters")
    else:
        message = _(
            "unknown reason '{value}': use one of {codes}, or a new reason "
            "with --new-reason TEXT"
        )
    raise ValueError(message.format(value=text, codes=codes))


def check_fields(
    reason: CallReason, given: dict[str, str], region: str
) -> tuple[dict[str, str], list[InputProblem]]:
    """Return the reason's fields parsed, and every problem found."""
    known = {f.name: f for f in reason.fields}
    allowed = ", ".join(known) or _("(none)")
    problems: list[InputProblem] = []
    values: dict[str, str] = {}
    for name, text in given.items():
        reason_field = known.get(name)
        if reason_field is None:
            message = _("reason '{code}' has no field '{name}': use one of {allowed}")
            formatted = message.format(code=reason.code, name=name, allowed=allowed)
            problems.append(InputProblem(f"fields.{name}", formatted))
            continue
        if not text.strip():
            continue
        try:
            values[name] = parse_field(reason_field, text, region)
        except ValueError as error:
            problems.append(InputProblem(f"fields.{name}", str(error)))
    for reason_field in reason.fields:
        if reason_field.required and reason_field.name not in values:
            if f"fields.{reason_field.name}" in {p.key for p in problems}:
                continue
            message = _("'{name}' ({label}) is required for this reason")
            text = message.format(name=reason_field.name, label=reason_field.label)
            problems.append(InputProblem(f"fields.{reason_field.name}", text))
    return values, problems


NAME_FIELDS = ("nom", "name", "nom_prenom", "prenom_nom")


class ContactDefault(NamedTuple):
    """A caller detail as given in the reason's fields, and if it is required."""

    value: str = ""
    required: bool = False


def contact_defaults(
    reason: CallReason | None, values: dict[str, str]
) -> dict[str, ContactDefault]:
    """Return the caller's name, phone and email found in the reason's fields.

    A reason asking for the caller's name (a field named ``nom``/``name``),
    phone or e-mail (fields of those kinds) fills the caller's contact, and
    makes it required when the field is.
    """
    found = {"caller": ContactDefault(), "phone": ContactDefault()}
    found["email"] = ContactDefault()
    for reason_field in reason.fields if reason else ():
        key = {"phone": "phone", "email": "email"}.get(reason_field.kind)
        if reason_field.kind == "text" and reason_field.name in NAME_FIELDS:
            key = "caller"
        if key and not found[key].value and not found[key].required:
            value = values.get(reason_field.name, "")
            found[key] = ContactDefault(value, reason_field.required)
    return found


def default_owner(reason: CallReason | None) -> tuple[str, str]:
    """Return who a follow-up of ``reason`` goes to by default (name, email)."""
    if reason is None or reason.owner is None:
        return "", ""
    owner = reason.owner
    return owner.name or owner.role, owner.email


class _Builder:
    """Checks one ``CallInput``, collecting problems."""

    def __init__(self, guide: GuideReasons, settings: Settings) -> None:
        self.guide = guide
        self.settings = settings
        self.problems: list[InputProblem] = []

    def attempt(self, key: str, parse: Any, text: str) -> Any:
        if not text.strip():
            return ""
        try:
            return parse(text)
        except ValueError as error:
            self.problems.append(InputProblem(key, str(error)))
            return ""

    def reason(self, given: CallInput) -> tuple[str, bool, CallReason | None]:
        if given.new_reason.strip():
            return given.new_reason.strip(), True, None
        if not given.reason.strip() or is_other(given.reason):
            message = _(
                "a call needs a reason: give --reason CODE or --new-reason TEXT"
            )
            self.problems.append(InputProblem("reason", message))
            return "", False, None
        reason = self.attempt(
            "reason", lambda t: choose_reason(t, self.guide), given.reason
        )
        return (reason.code, False, reason) if reason else ("", False, None)

    def moment(self, text: str, now: datetime) -> datetime:
        zone = self.settings.zone
        moment = self.attempt("at", lambda t: parse_moment(t, zone), text)
        if not moment:
            return now
        if moment - now > MAX_FUTURE:
            message = _("'{value}' is in the future: give the time the call took place")
            self.problems.append(InputProblem("at", message.format(value=text)))
        return moment  # type: ignore[no-any-return]

    def follow_up(self, given: CallInput, reason: CallReason | None) -> FollowUp | None:
        if not given.follow_up:
            return None
        owner, owner_email = default_owner(reason)
        if given.owner.strip():
            owner, owner_email = given.owner.strip(), ""
        if not owner:
            message = _("a follow-up needs someone to do it: give --owner NAME")
            self.problems.append(InputProblem("owner", message))
        due = self.attempt("due", parse_date, given.due)
        return FollowUp(owner, owner_email, due if isinstance(due, date) else None)


def build_record(
    given: CallInput, guide: GuideReasons, settings: Settings, now: datetime
) -> CallRecord:
    """Return the checked record of ``given``; raise ``CallInputError``."""
    builder = _Builder(guide, settings)
    code, is_new, reason = builder.reason(given)
    fields: dict[str, str] = {}
    if reason is not None:
        fields, problems = check_fields(reason, given.fields, settings.phone_region)
        builder.problems += problems
    elif given.fields:
        fields = {k: v.strip() for k, v in given.fields.items() if v.strip()}
    region = settings.phone_region
    defaults = contact_defaults(reason, fields)
    phone = builder.attempt("phone", lambda t: parse_phone(t, region), given.phone)
    email = builder.attempt("email", parse_email, given.email)
    caller = given.caller.strip() or defaults["caller"].value
    moment = builder.moment(given.at, now)
    follow_up = builder.follow_up(given, reason)
    if not given.volunteer.strip():
        builder.problems.append(InputProblem("as", unknown_volunteer_message()))
    if builder.problems:
        raise CallInputError(builder.problems)
    return CallRecord(
        id=new_call_id(moment),
        time=moment,
        volunteer=given.volunteer.strip(),
        reason=code,
        reason_is_new=is_new,
        caller_name=caller,
        caller_phone=phone or defaults["phone"].value,
        caller_email=email or defaults["email"].value,
        fields=fields,
        answer=given.answer.strip(),
        note=given.note.strip(),
        follow_up=follow_up,
    )


def unknown_volunteer_message() -> str:
    """Return the message asking the volunteer to say who they are."""
    return _("tell me who you are: --as NAME or 'volunteer:' in your config")


def current_volunteer(
    workspace: Workspace, settings: Settings, at: datetime
) -> str | None:
    """Return the volunteer on duty at ``at`` according to the schedule, if known.

    Only a single volunteer on duty is used: when two are, the call log
    cannot tell which one is typing, and asks.
    """
    from permanence.schedule import load_schedule, on_duty

    try:
        found = on_duty(load_schedule(workspace), at)
    except PermanenceError as error:
        import logging  # only here: logging costs start-up time

        logger = logging.getLogger(__name__)
        logger.debug("the schedule cannot tell who is on duty: %s", error)
        return None
    return found[0].name if len(found) == 1 else None


def resolve_volunteer(
    explicit: str | None, workspace: Workspace, settings: Settings, at: datetime
) -> str:
    """Return who is logging: ``--as``, the user's config, or the schedule."""
    if explicit and explicit.strip():
        return explicit.strip()
    from permanence.userconfig import user_value  # reads YAML: only when needed

    configured = user_value("volunteer").strip()
    if configured:
        return configured
    return current_volunteer(workspace, settings, at) or ""


def input_from_json(data: Any) -> tuple[CallInput, list[InputProblem]]:
    """Return the ``CallInput`` of one JSON object, and its shape problems."""
    if not isinstance(data, dict):
        return CallInput(), [InputProblem("-", _("each record must be a JSON object"))]
    problems = [
        InputProblem(
            str(key),
            _("unknown key: use one of {keys}").format(keys=", ".join(INPUT_KEYS)),
        )
        for key in data
        if key not in INPUT_KEYS
    ]
    fields = data.get("fields") or {}
    if not isinstance(fields, dict):
        problems.append(
            InputProblem("fields", _("'fields' must be an object of name: value"))
        )
        fields = {}
    follow_up = data.get("follow_up", False)
    if not isinstance(follow_up, bool):
        problems.append(
            InputProblem("follow_up", _("'follow_up' must be true or false"))
        )
        follow_up = False
    text = {key: "" if data.get(key) is None else str(data[key]) for key in INPUT_KEYS}
    given = CallInput(
        reason=text["reason"], new_reason=text["new_reason"], caller=text["caller"],
        phone=text["phone"], email=text["email"],
        fields={str(k): "" if v is None else str(v) for k, v in fields.items()},
        answer=text["answer"], note=text["note"], follow_up=follow_up,
        owner=text["owner"], due=text["due"], volunteer=text["as"], at=text["at"],
    )  # fmt: skip
    return given, problems
