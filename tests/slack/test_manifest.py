"""Checks manifest.json against Slack's published app manifest JSON Schema.

The schema (``shared/slack-specs/manifest.schema.json``) ``$ref``s per-version schemas by
GitHub URL; those URLs are resolved to the local copies in ``shared/slack-specs/schemas/``
through a ``referencing`` registry, so nothing is fetched from the network.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
SPECS = SHARED / "slack-specs"
SCHEMA_DIR = SPECS / "schemas"
MANIFEST_PATH = REPO / "manifest.json"

SLASH_COMMAND = "/sre"
USAGE_HINT = (
    "help | status | join [role] | leave | deadline <YYYY-MM-DD> <event>"
    " | guide <question> | checkin"
)
REQUEST_URL = "https://example.com/slack/events"
BOT_EVENTS = {
    "app_mention",
    "member_joined_channel",
    "member_left_channel",
    "message.channels",
    "app_home_opened",
    "reaction_added",
    "app_uninstalled",  # the workspace's data lifecycle (bot/slack/uninstall.py)
    "tokens_revoked",
    "message.im",  # a DM to the coach is a question (bot/slack/listeners/events.py)
    "assistant_thread_started",  # agent messaging: suggested prompts (listeners/assistant.py)
    "assistant_thread_context_changed",  # the channel beside the thread changed
}
BOT_SCOPES = {
    "commands",  # /sre
    "app_mentions:read",  # app_mention
    "channels:history",  # message.channels
    "channels:read",  # member_joined_channel / member_left_channel
    "chat:write",  # chat.postMessage / chat.postEphemeral / chat.update
    "users:read",  # users.info (time zone)
    "files:write",  # files.getUploadURLExternal / completeUploadExternal (chart)
    "reactions:read",  # reaction_added (participation counts)
    "im:history",  # message.im (questions in a DM)
    "assistant:write",  # assistant.threads.setStatus / setTitle / setSuggestedPrompts
}


def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _retrieve(uri: str) -> Resource[Any]:
    """Map a schema URL (any tag of slackapi/manifest-schema) to the local copy."""
    local = SCHEMA_DIR / Path(urlsplit(uri).path).name
    if not local.is_file():
        raise LookupError(f"no local copy of {uri} in {SCHEMA_DIR} (no network in tests)")
    return Resource.from_contents(_load_json(local), default_specification=DRAFT7)


@pytest.fixture(scope="module")
def root_schema() -> dict[str, Any]:
    path = SPECS / "manifest.schema.json"
    assert path.is_file(), f"Slack's manifest schema not found at {path} (shared/ beside repo)"
    schema: dict[str, Any] = _load_json(path)
    return schema


@pytest.fixture(scope="module")
def validator(root_schema: dict[str, Any]) -> Draft7Validator:
    registry: Registry[Any] = Registry(retrieve=_retrieve)  # type: ignore[call-arg]
    registry = registry.with_resource(
        root_schema["$id"], Resource.from_contents(root_schema, default_specification=DRAFT7)
    )
    return Draft7Validator(root_schema, registry=registry)


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data: dict[str, Any] = _load_json(MANIFEST_PATH)
    return data


def _errors(validator: Draft7Validator, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def test_manifest_is_valid(validator: Draft7Validator, manifest: dict[str, Any]) -> None:
    assert _errors(validator, manifest) == []


def test_manifest_selects_schema_v1(manifest: dict[str, Any]) -> None:
    # major_version 1 (or none) selects manifest.schema.1.0.0.json, the format of ordinary
    # (non Deno/"hermes") apps; check it against that schema directly too.
    assert manifest["_metadata"]["major_version"] == 1
    v1 = _load_json(SCHEMA_DIR / "manifest.schema.1.0.0.json")
    assert list(Draft7Validator(v1).iter_errors(manifest)) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("display_information", "long_description"), "too short"),
        (("features", "slash_commands"), [{"command": "sre", "description": "no slash"}]),
        (("settings", "interactivity"), {"request_url": REQUEST_URL}),
        (("settings", "unknown_setting"), True),
    ],
)
def test_schema_rejects_broken_manifests(
    validator: Draft7Validator,
    manifest: dict[str, Any],
    path: tuple[str, str],
    value: Any,
) -> None:
    broken = copy.deepcopy(manifest)
    broken[path[0]][path[1]] = value
    assert _errors(validator, broken) != []


def test_display_information(manifest: dict[str, Any]) -> None:
    info = manifest["display_information"]
    assert info["name"] == "SRE Coach"
    assert "coalition" in info["description"].lower()
    assert "coalition" in info["long_description"].lower()
    assert manifest["features"]["bot_user"]["display_name"] == "coach"


def test_slash_command(manifest: dict[str, Any]) -> None:
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == SLASH_COMMAND
    assert command["usage_hint"] == USAGE_HINT
    assert command["url"] == REQUEST_URL
    assert command["should_escape"] is True  # mentions arrive as <@U123|name>


def test_events_interactivity_and_home(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    events = settings["event_subscriptions"]
    assert set(events["bot_events"]) == BOT_EVENTS
    assert events["request_url"] == REQUEST_URL
    assert "user_events" not in events
    assert settings["interactivity"] == {"is_enabled": True, "request_url": REQUEST_URL}
    assert settings["socket_mode_enabled"] is False
    app_home = manifest["features"]["app_home"]
    assert app_home["home_tab_enabled"] is True
    assert app_home["messages_tab_enabled"] is True
    assert app_home["messages_tab_read_only_enabled"] is False  # people DM the coach


def test_assistant_view_for_agent_messaging(manifest: dict[str, Any]) -> None:
    view = manifest["features"]["assistant_view"]
    assert "coach" in view["assistant_description"].lower()


def test_scopes_are_exactly_the_needed_ones(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]
    bot = scopes["bot"]
    assert len(bot) == len(set(bot)), "duplicate bot scope"
    assert set(bot) == BOT_SCOPES, (
        f"missing: {sorted(BOT_SCOPES - set(bot))}, not needed: {sorted(set(bot) - BOT_SCOPES)}"
    )
    assert set(scopes) == {"bot"}, "no user or optional scopes are needed"


def test_oauth_redirect_and_token_rotation(manifest: dict[str, Any]) -> None:
    assert manifest["oauth_config"]["redirect_urls"] == [
        REQUEST_URL.replace("/slack/events", "/slack/oauth_redirect")
    ]
    # Off: a rotating token lives 12 hours, and single-workspace mode's SLACK_BOT_TOKEN cannot
    # be refreshed; Slack cannot turn rotation off again (README: "Many workspaces").
    assert manifest["settings"]["token_rotation_enabled"] is False
