"""Typed values a volunteer types: dates, times, numbers, choices, yes/no.

Each parser returns the value as stored in the call log, or raises
``ValueError`` with a message saying what to type instead.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from permanence.calls.contact import parse_email, parse_phone
from permanence.calls.record import fold
from permanence.i18n import _
from permanence.knowledge import ReasonField

YES = ("oui", "o", "yes", "y")
NO = ("non", "n", "no")
STORED_YES, STORED_NO = "oui", "non"
DATE_FR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
SPAN = re.compile(r"^(\d+)\s*([hdjwsm])$")
SPAN_UNITS = {"h": 1 / 24, "d": 1, "j": 1, "w": 7, "s": 7, "m": 30}


def parse_date(text: str) -> date:
    """Return the date written JJ/MM/AAAA or AAAA-MM-JJ."""
    typed = text.strip()
    found = DATE_FR.match(typed)
    try:
        if found:
            day, month, year = (int(part) for part in found.groups())
            return date(year, month, day)
        return date.fromisoformat(typed)
    except ValueError as error:
        message = _("'{value}' is not a date: type it as DD/MM/YYYY, e.g. 24/12/2026")
        raise ValueError(message.format(value=text)) from error


def parse_moment(text: str, zone: ZoneInfo) -> datetime:
    """Return the date and time written, in ``zone`` unless an offset is given."""
    typed = text.strip().replace("T", " ")
    day_part, _sep, time_part = typed.partition(" ")
    try:
        day = parse_date(day_part)
        if not time_part:
            raise ValueError(time_part)
        moment = datetime.fromisoformat(f"{day.isoformat()}T{time_part.strip()}")
    except ValueError as error:
        message = _(
            "'{value}' is not a date and time: type it as "
            "'DD/MM/YYYY HH:MM', e.g. '03/12/2026 14:05'"
        )
        raise ValueError(message.format(value=text)) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def parse_span(text: str) -> timedelta:
    """Return the length written like ``7d``, ``2w``, ``12h`` or ``3m``."""
    found = SPAN.match(text.strip().lower())
    if not found:
        message = _("'{value}' is not a length of time: type e.g. 7d, 2w, 12h or 3m")
        raise ValueError(message.format(value=text))
    return timedelta(days=int(found.group(1)) * SPAN_UNITS[found.group(2)])


def parse_yes_no(text: str) -> bool:
    """Return True for oui/yes, False for non/no."""
    typed = fold(text)
    if typed in YES:
        return True
    if typed in NO:
        return False
    raise ValueError(
        _("'{value}' is not yes or no: type oui or non").format(value=text)
    )


def parse_number(text: str) -> str:
    """Return the number written (a comma is a decimal point)."""
    typed = text.strip().replace(" ", "").replace(",", ".")
    try:
        value = float(typed)
    except ValueError as error:
        message = _("'{value}' is not a number: type digits, e.g. 3 or 12,5")
        raise ValueError(message.format(value=text)) from error
    return str(int(value)) if value.is_integer() and "." not in typed else typed


def parse_choice(text: str, choices: tuple[str, ...]) -> str:
    """Return the choice designated by its number, its text or its first letters."""
    typed = fold(text)
    if typed.isdigit() and 1 <= int(typed) <= len(choices):
        return choices[int(typed) - 1]
    exact = [choice for choice in choices if fold(choice) == typed]
    starting = [choice for choice in choices if fold(choice).startswith(typed)]
    found = exact or starting
    if typed and len(found) == 1:
        return found[0]
    listed = ", ".join(f"{n}. {choice}" for n, choice in enumerate(choices, 1))
    message = _(
        "'{value}' is not one of the choices: type a number or a text among {choices}"
    )
    raise ValueError(message.format(value=text, choices=listed))


def parse_field(reason_field: ReasonField, text: str, region: str) -> str:
    """Return the value of a reason field as stored; raise ``ValueError``."""
    kind = reason_field.kind
    if kind == "date":
        return parse_date(text).isoformat()
    if kind == "phone":
        return parse_phone(text, region)
    if kind == "email":
        return parse_email(text)
    if kind == "number":
        return parse_number(text)
    if kind == "choice" and reason_field.choices:
        return parse_choice(text, reason_field.choices)
    if kind == "yes_no":
        return STORED_YES if parse_yes_no(text) else STORED_NO
    return text.strip()
