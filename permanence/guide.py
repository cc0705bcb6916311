"""The guide as the commands use it: finding pages and the phone menu."""

from __future__ import annotations

from typing import Any

from permanence.errors import UserInputError
from permanence.i18n import _
from permanence.knowledge import GuidePage, Loaded, load_guide
from permanence.workspace import Workspace


def load(workspace: Workspace) -> Loaded[GuidePage]:
    """Read the workspace's guide (the folder must exist), cached."""
    from permanence.adapters.filecache import files_stamp, load_cached

    guide_dir = workspace.require_dir(workspace.guide_dir)
    stamp = files_stamp([guide_dir], [])
    cache_file = workspace.cache_file("guide.pickle")
    return load_cached(cache_file, stamp, lambda: load_guide(guide_dir))


def find_page(pages: list[GuidePage], wanted: str) -> GuidePage:
    """Return the page whose id or reason code is ``wanted``."""
    key = wanted.strip().lower()
    for page in pages:
        if page.id.lower() == key or (page.reason and page.reason.code.lower() == key):
            return page
    choices = ", ".join(page.reason.code if page.reason else page.id for page in pages)
    message = _("no guide page or reason '{wanted}': choose one of {choices}")
    raise UserInputError(message.format(wanted=wanted, choices=choices))


def menu_script(association: str, pages: list[GuidePage]) -> str:
    """Return the phone-menu script to record, one line per menu digit."""
    entries = sorted(
        (
            page.reason
            for page in pages
            if page.reason and page.reason.digit is not None
        ),
        key=lambda reason: reason.digit or 0,
    )
    if not entries:
        raise UserInputError(
            _("no call reason has a 'digit': add 'digit: 1' to a reason page")
        )
    lines = []
    if association:
        lines.append(_("Hello, you have reached {name}.").format(name=association))
    for reason in entries:
        text = _("For {label}, press {digit}.")
        lines.append(
            text.format(label=_lowercase_first(reason.label), digit=reason.digit)
        )
    lines.append(_("To hear this menu again, stay on the line."))
    return "\n".join(lines)


def _lowercase_first(label: str) -> str:
    """Turn a label ("Devenir bénévole") into mid-sentence text."""
    if len(label) > 1 and label[1].isupper():  # an acronym such as "RGPD"
        return label
    return label[:1].lower() + label[1:]


def page_summary(page: GuidePage) -> dict[str, Any]:
    """Return the JSON-ready summary of a page."""
    reason = page.reason
    summary: dict[str, Any] = {
        "id": page.id,
        "path": str(page.path),
        "title": page.title,
    }
    if reason is not None:
        summary["reason"] = {
            "code": reason.code,
            "label": reason.label,
            "digit": reason.digit,
            "owner": reason.owner._asdict() if reason.owner else None,
            "fields": [field._asdict() for field in reason.fields],
            "faq_tags": list(reason.faq_tags),
        }
    return summary
