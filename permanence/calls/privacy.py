"""Callers' personal data: erasing it after the retention period, or on request.

What ``purge`` erases from a record older than ``retention_months``: the
caller's name, phone and e-mail; the reason fields that may hold personal
data (kinds text, long_text, phone and email; every field of a reason the
guide no longer knows); and, in the answer, the note and the fields kept,
the caller's own name, number and address and anything shaped like a phone
number or an e-mail address. It keeps the reason, the dates, the
volunteer, choices, numbers, dates and yes/no answers, and the follow-up.

``forget`` erases one person's data from every record where they are the
caller, and scrubs their name, number or address from every other
record's texts. Both replace erased text with ``[***]``, flag the changed
records for their sheet rows to be rewritten, and leave an audit line
that says when, who, what and how many, never the erased data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from permanence.adapters.callstore import CallStore
from permanence.calls.contact import parse_email, parse_phone, scrub_any_contact
from permanence.calls.contact import scrub_phone as scrub_phone_text
from permanence.calls.reasons import GuideReasons
from permanence.calls.record import CallQuery, CallRecord, fold
from permanence.workspace import Workspace

MASK = "[***]"
PERSONAL_KINDS = ("text", "long_text", "phone", "email")
AUDIT_FILE = "audit.log"
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Person:
    """The person to forget, as given by the volunteer (normalised)."""

    phone: str = ""  # E.164
    email: str = ""
    name: str = ""


@dataclass(frozen=True)
class PrivacyReport:
    """What a purge or a forget changed (or would change, in a dry run)."""

    action: str
    changed: list[CallRecord]  # the records as they were before
    dry_run: bool


def retention_cutoff(now: datetime, months: int) -> datetime:
    """Return the moment ``months`` months before ``now`` (day clamped)."""
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    day = min(now.day, _days_in_month(year, month + 1))
    return now.replace(year=year, month=month + 1, day=day)


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


def scrub_name(text: str, name: str) -> str:
    """Return ``text`` with ``name`` masked (accents and case ignored)."""
    wanted = WORD.findall(fold(name))
    if not wanted or not text:
        return text
    words = list(WORD.finditer(text))
    spans = []
    index = 0
    while index + len(wanted) <= len(words):
        window = words[index : index + len(wanted)]
        if [fold(word.group(0)) for word in window] == wanted:
            spans.append((window[0].start(), window[-1].end()))
            index += len(wanted)
        else:
            index += 1
    for start, end in reversed(spans):
        text = text[:start] + MASK + text[end:]
    return text


def scrub_email(text: str, email: str) -> str:
    """Return ``text`` with ``email`` masked (case ignored)."""
    if not email:
        return text
    return re.sub(re.escape(email), MASK, text, flags=re.IGNORECASE)


Scrubber = Callable[[str], str]


def _scrub_texts(record: CallRecord, scrub: Scrubber) -> CallRecord:
    return record._replace(
        answer=scrub(record.answer),
        note=scrub(record.note),
        fields={name: scrub(value) for name, value in record.fields.items()},
    )


def _person_scrubber(person: Person, region: str) -> Scrubber:
    def scrub(text: str) -> str:
        if person.phone:
            text = scrub_phone_text(text, person.phone, region, MASK)
        if person.email:
            text = scrub_email(text, person.email)
        if person.name:
            text = scrub_name(text, person.name)
        return text

    return scrub


def _kept_fields(record: CallRecord, guide: GuideReasons) -> dict[str, str]:
    reason = None if record.reason_is_new else guide.find(record.reason)
    if reason is None:
        return {}
    kinds = {f.name: f.kind for f in reason.fields}
    return {
        name: value
        for name, value in record.fields.items()
        if kinds.get(name, "text") not in PERSONAL_KINDS
    }


def anonymizer(guide: GuideReasons, region: str) -> Callable[[CallRecord], CallRecord]:
    """Return the function erasing a record's personal data (see module doc)."""

    def erase(record: CallRecord) -> CallRecord:
        caller = Person(record.caller_phone, record.caller_email, record.caller_name)
        scrub_caller = _person_scrubber(caller, region)

        def scrub(text: str) -> str:
            return scrub_any_contact(scrub_caller(text), region, MASK)

        kept = record._replace(fields=_kept_fields(record, guide))
        return _scrub_texts(kept, scrub)._replace(
            caller_name="",
            caller_phone="",
            caller_email="",
        )

    return erase


def write_audit(
    store: CallStore, workspace: Workspace, action: str, who: str, count: int,
    at: datetime,
) -> None:  # fmt: skip
    """Add the audit line to the store and to ``.permanence/audit.log``."""
    store.audit(action, who, count, at)
    line = f"{at.isoformat()}\t{who}\t{action}\t{count}\n"
    path = workspace.ensure_state_dir() / AUDIT_FILE
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line)


@dataclass(frozen=True)
class PrivacyRequest:
    """Who asks, when, and whether to change anything."""

    workspace: Workspace
    guide: GuideReasons
    region: str
    who: str
    now: datetime
    dry_run: bool = False


def purge(store: CallStore, request: PrivacyRequest, months: int) -> PrivacyReport:
    """Anonymise the records older than ``months`` months."""
    erase = anonymizer(request.guide, request.region)
    old = store.older_than(retention_cutoff(request.now, months))
    changed = [record for record in old if erase(record) != record]
    if not request.dry_run:
        store.anonymize([r.id for r in changed], request.now, erase)
        _audit(store, request, "purge", len(changed))
    return PrivacyReport("purge", changed, request.dry_run)


def normalise_person(phone: str, email: str, name: str, region: str) -> Person:
    """Return the person to forget with a parsed number and address."""
    parsed_phone = parse_phone(phone, region) if phone.strip() else ""
    parsed_email = ""
    if email.strip():
        try:
            parsed_email = parse_email(email)
        except ValueError:
            parsed_email = email.strip()  # still erase what was stored as typed
    return Person(parsed_phone, parsed_email.lower(), name.strip())


def _records_of(store: CallStore, person: Person) -> dict[str, CallRecord]:
    found: dict[str, CallRecord] = {}
    if person.phone or person.email:
        for record in store.by_contact(person.phone, person.email, limit=-1):
            found[record.id] = record
    if person.name:
        found.update((r.id, r) for r in store.by_name(person.name))
    return found


def _mentioning(store: CallStore, person: Person) -> list[CallRecord]:
    if person.phone:
        # Numbers are written in many ways: every record's texts are checked.
        return store.search(CallQuery(limit=None, newest_first=False))
    records: dict[str, CallRecord] = {}
    for value in (person.email, person.name):
        if value:
            records.update((r.id, r) for r in store.containing(value))
    return list(records.values())


def forget(store: CallStore, request: PrivacyRequest, person: Person) -> PrivacyReport:
    """Erase ``person``'s data from every record of the call log."""
    scrub = _person_scrubber(person, request.region)
    erase_caller = anonymizer(request.guide, request.region)
    own = _records_of(store, person)

    def erase(record: CallRecord) -> CallRecord:
        return _scrub_texts(erase_caller(record), scrub)

    mentioned = [
        record
        for record in _mentioning(store, person)
        if record.id not in own and _scrub_texts(record, scrub) != record
    ]
    if not request.dry_run:
        store.anonymize(list(own), request.now, erase)
        store.replace_records([_scrub_texts(r, scrub) for r in mentioned])
        _audit(store, request, "forget", len(own) + len(mentioned))
    changed = sorted([*own.values(), *mentioned], key=lambda r: r.time)
    return PrivacyReport("forget", changed, request.dry_run)


def _audit(store: CallStore, request: PrivacyRequest, action: str, count: int) -> None:
    write_audit(store, request.workspace, action, request.who, count, request.now)
