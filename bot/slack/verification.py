"""Slack's request signature, timestamp and body shape, checked before Bolt reads a request."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier

REPLAY_WINDOW = 5 * 60
"""Seconds a signed request stays acceptable (Slack's own advice; Bolt uses the same)."""

_MAX_TIMESTAMP_DIGITS = 12  # epoch seconds until the year 33658; longer is not a time


class Refusal(Exception):
    """A request turned away: 401 when unverified, 400 when signed but malformed.

    `reason` is a fixed phrase for one log line; it never quotes the request.
    """

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def verified_text(
    raw: bytes,
    timestamps: Sequence[str],
    signatures: Sequence[str],
    verifier: SignatureVerifier,
) -> str:
    """The body as text when Slack signed it within the replay window; else `Refusal(401)`."""
    if len(timestamps) != 1 or len(signatures) != 1:
        raise Refusal(401, "missing or repeated signature headers")
    timestamp, signature = timestamps[0], signatures[0]
    # str.isdigit alone accepts "١٢" and "²"; Slack sends ASCII epoch seconds.
    digits = timestamp.isascii() and timestamp.isdigit()
    if not digits or len(timestamp) > _MAX_TIMESTAMP_DIGITS:
        raise Refusal(401, "timestamp is not a number")
    if abs(verifier.clock.now() - int(timestamp)) > REPLAY_WINDOW:
        raise Refusal(401, "stale timestamp")
    if not signature.isascii():  # hmac.compare_digest raises on non-ASCII text
        raise Refusal(401, "bad signature")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        # Slack signs UTF-8 text; slack_sdk's verifier cannot check anything else.
        raise Refusal(401, "body is not UTF-8") from None
    if not verifier.is_valid(text, timestamp, signature):
        raise Refusal(401, "bad signature")
    return text


def slack_body(text: str, content_type: str | None) -> dict[str, Any]:
    """The verified body parsed as Bolt will read it, when it has a shape Slack sends.

    Events come as a JSON object; slash commands as a form with `command`; interactivity as a
    form whose `payload` is a JSON object. Anything else is `Refusal(400)`.
    """
    if not text:
        raise Refusal(400, "empty body")
    # The same test Bolt's parse_body makes, so the shape checked is the shape Bolt sees.
    if content_type == "application/json" or text.startswith("{"):
        return _event_envelope(_json_object(text))
    form = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in form:
        return _interaction(_json_object(form["payload"]))
    if form.get("ssl_check") == "1":
        return form
    if all(form.get(key) for key in ("command", "team_id", "channel_id", "user_id")):
        return form
    raise Refusal(400, "not a Slack command or payload")


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise Refusal(400, "body is not JSON") from None
    if not isinstance(value, dict):
        raise Refusal(400, "body is not a JSON object")
    return value


def _event_envelope(body: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(body.get("type"), str):
        raise Refusal(400, "event without a type")
    if body["type"] == "event_callback":
        event, event_id = body.get("event"), body.get("event_id")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise Refusal(400, "event_callback without an event")
        if not isinstance(event_id, str) or not 0 < len(event_id) <= 64:
            raise Refusal(400, "event_callback without an event_id")
    return body


def _interaction(payload: dict[str, Any]) -> dict[str, Any]:
    user = payload.get("user")
    if not isinstance(payload.get("type"), str) or not isinstance(user, dict):
        raise Refusal(400, "payload without a type or user")
    if not isinstance(user.get("id"), str):
        raise Refusal(400, "payload without a type or user")
    actions = payload.get("actions")
    if payload["type"] == "block_actions" and not (
        isinstance(actions, list) and actions and all(isinstance(a, dict) for a in actions)
    ):
        raise Refusal(400, "block_actions without actions")
    if payload["type"].startswith("view_") and not isinstance(payload.get("view"), dict):
        raise Refusal(400, "view payload without a view")
    return payload
