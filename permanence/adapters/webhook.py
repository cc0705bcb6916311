"""Posting a message to a Mattermost- or Slack-compatible incoming webhook.

Both accept a JSON body ``{"text": "..."}`` whose text is rendered as
markdown. Only the standard library is used, so posting costs no import
of an HTTP client library. The address is never printed: it holds the
webhook's secret token.
"""

from __future__ import annotations

import json
import urllib.parse

from permanence.errors import UnavailableError, UserInputError
from permanence.i18n import _

TIMEOUT_SECONDS = 10.0


def check_webhook_url(url: str) -> str:
    """Return ``url`` if it can be a webhook address; raise a clear error if not."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        # The address itself is not printed: it holds the webhook's secret.
        message = _(
            "the webhook address is not valid: give the full https://… address "
            "of the team chat's incoming webhook"
        )
        raise UserInputError(message)
    return url.strip()


def post_markdown(url: str, text: str, timeout: float = TIMEOUT_SECONDS) -> None:
    """POST ``{"text": text}`` to the webhook; raise UnavailableError on failure."""
    # Imported here: urllib.request costs about 20 ms, paid only when posting.
    import urllib.error
    import urllib.request

    body = json.dumps({"text": text}, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        check_webhook_url(url),
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    host = urllib.parse.urlsplit(url).netloc
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:
        message = _(
            "the team chat at {host} refused the message (HTTP {status}): {hint}"
        )
        hint = _status_hint(error.code)
        raise UnavailableError(
            message.format(host=host, status=error.code, hint=hint)
        ) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        message = _("the team chat at {host} could not be reached ({reason})")
        raise UnavailableError(message.format(host=host, reason=reason)) from error


def _status_hint(status: int) -> str:
    if status in (401, 403, 404):
        return _("check the webhook address in 'settings.webhook' or --webhook")
    if status == 400:
        return _("the chat did not accept the message's format")
    return _("try again later")
