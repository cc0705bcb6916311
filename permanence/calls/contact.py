"""Callers' phone numbers and e-mail addresses: checked and normalised.

Phone numbers are stored in E.164 (``+33612345678``), parsed with the
association's default region so that ``06 12 34 56 78`` works; addresses
are checked for their syntax only (no network look-up) and stored in their
normalised form. The parsing libraries are imported only when a number or
an address is actually given.
"""

from __future__ import annotations

import re

from permanence.i18n import _

# Digit runs that may be a phone number inside free text.
PHONE_IN_TEXT = re.compile(r"\+?\(?\d[\d .\-/()]{6,}\d")
EMAIL_IN_TEXT = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


class ContactError(ValueError):
    """A phone number or an address that cannot be used; says what to fix."""


def parse_phone(text: str, region: str) -> str:
    """Return ``text`` as an E.164 number; raise ``ContactError`` if invalid."""
    import phonenumbers

    try:
        number = phonenumbers.parse(text.strip(), region or None)
    except phonenumbers.NumberParseException as error:
        message = _("'{value}' is not a phone number: type it as 06 12 34 56 78")
        raise ContactError(message.format(value=text)) from error
    if not phonenumbers.is_valid_number(number):
        message = _(
            "'{value}' is not a valid phone number: check the digits "
            "(international numbers start with +)"
        )
        raise ContactError(message.format(value=text))
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def parse_email(text: str) -> str:
    """Return ``text`` as a normalised address; raise ``ContactError`` if invalid."""
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        # The library explains in English only: say what to type instead.
        message = _("'{value}' is not an e-mail address: type it as name@example.org")
        raise ContactError(message.format(value=text)) from error
    return str(checked.normalized)


def phone_in_text_matches(candidate: str, e164: str, region: str) -> bool:
    """True when ``candidate`` (found in free text) is the number ``e164``."""
    digits = re.sub(r"\D", "", candidate)
    if digits and digits[-6:] not in e164:
        return False  # cheap rejection before parsing
    try:
        return parse_phone(candidate, region) == e164
    except ContactError:
        return False


def scrub_phone(text: str, e164: str, region: str, mask: str) -> str:
    """Return ``text`` with every way of writing ``e164`` replaced by ``mask``."""

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        return mask if phone_in_text_matches(found, e164, region) else found

    return PHONE_IN_TEXT.sub(replace, text)


def scrub_any_contact(text: str, region: str, mask: str) -> str:
    """Return ``text`` with anything shaped like a phone number or address masked."""

    def replace_phone(match: re.Match[str]) -> str:
        found = match.group(0)
        try:
            parse_phone(found, region)
        except ContactError:
            return found
        return mask

    text = EMAIL_IN_TEXT.sub(mask, text)
    return PHONE_IN_TEXT.sub(replace_phone, text)
