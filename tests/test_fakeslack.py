"""Tests of the fake Slack Web API, driven through slack_sdk's AsyncWebClient."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakeslack import FakeSlack, SlackCall

BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}]


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        server.block_kit = False  # the spec alone: these calls carry synthetic payloads
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=fake.base_url)


async def test_base_url_has_trailing_slash(fake: FakeSlack) -> None:
    assert fake.base_url.startswith("http://127.0.0.1:")
    assert fake.base_url.endswith("/api/")


async def test_post_message_is_recorded(fake: FakeSlack, client: AsyncWebClient) -> None:
    first = await client.chat_postMessage(channel="C123", text="hi", blocks=BLOCKS)
    second = await client.chat_postMessage(channel="C123", text="again", thread_ts=first["ts"])

    assert fake.violations == []
    assert [c.method for c in fake.calls] == ["chat.postMessage", "chat.postMessage"]
    call = fake.calls_to("chat.postMessage")[0]
    assert call == SlackCall(
        method="chat.postMessage",
        params={"channel": "C123", "text": "hi", "blocks": BLOCKS},
        token="xoxb-test",
    )
    assert first["ok"] is True
    assert first["channel"] == "C123"
    assert first["message"]["text"] == "hi"
    assert first["message"]["blocks"] == BLOCKS
    assert float(second["ts"]) > float(first["ts"])
    assert second["ts"] > first["ts"]
    assert fake.calls[1].params["thread_ts"] == first["ts"]


async def test_form_encoded_blocks_are_left_as_given(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    encoded = json.dumps(BLOCKS)
    resp = await client.api_call(
        "chat.postMessage", data={"channel": "C1", "text": "x", "blocks": encoded}
    )
    assert fake.violations == []
    assert fake.calls[0].params == {"channel": "C1", "text": "x", "blocks": encoded}
    assert resp["message"]["blocks"] == BLOCKS


async def test_missing_channel_is_a_violation(fake: FakeSlack, client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        await client.api_call("chat.postMessage", json={"text": "no channel"})

    assert info.value.response["error"] == "invalid_arguments"
    assert any("channel" in m for m in info.value.response["response_metadata"]["messages"])
    assert len(fake.violations) == 1
    assert "chat.postMessage" in fake.violations[0]
    assert "'channel'" in fake.violations[0]
    assert fake.calls == []
    assert fake.rejected_calls[0].params == {"text": "no channel"}


async def test_unknown_method_is_a_violation(fake: FakeSlack, client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        await client.api_call("chat.postMassage", json={"channel": "C1", "text": "typo"})

    assert info.value.response["error"] == "unknown_method"
    assert fake.violations == ["chat.postMassage: unknown method (not in Slack's Web API spec)"]
    assert fake.calls == []


async def test_missing_token_is_a_violation(fake: FakeSlack) -> None:
    anonymous = AsyncWebClient(base_url=fake.base_url)
    with pytest.raises(SlackApiError) as info:
        await anonymous.chat_postMessage(channel="C1", text="hi")

    assert info.value.response["error"] == "not_authed"
    assert len(fake.violations) == 1
    assert "missing token" in fake.violations[0]


async def test_token_param_counts_as_token(fake: FakeSlack) -> None:
    anonymous = AsyncWebClient(base_url=fake.base_url)
    await anonymous.api_call("auth.test", data={"token": "xoxb-form"})
    assert fake.violations == []
    assert fake.calls[0].token == "xoxb-form"
    assert "token" not in fake.calls[0].params


async def test_rate_limit_raises_with_retry_after(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)

    with pytest.raises(SlackApiError) as info:
        await client.chat_postMessage(channel="C1", text="hi")

    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "7"
    assert info.value.response["error"] == "ratelimited"
    assert fake.calls == []
    assert [c.method for c in fake.failed_calls] == ["chat.postMessage"]
    # The failure is used up: the next call goes through.
    await client.chat_postMessage(channel="C1", text="hi")
    assert len(fake.calls) == 1


async def test_rate_limit_retry_handler_retries(fake: FakeSlack) -> None:
    client = AsyncWebClient(
        token="xoxb-test",
        base_url=fake.base_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    fake.fail_next("chat.postMessage", status=429, retry_after=0)

    resp = await client.chat_postMessage(channel="C1", text="retried")

    assert resp["ok"] is True
    assert len(fake.failed_calls) == 1
    assert [c.params["text"] for c in fake.calls_to("chat.postMessage")] == ["retried"]
    assert fake.violations == []


async def test_fail_next_slack_error_with_status_200(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.fail_next("users.info", status=200, error="user_not_found", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as info:
            await client.users_info(user="U1")
        assert info.value.response.status_code == 200
        assert info.value.response["error"] == "user_not_found"
    assert (await client.users_info(user="U1"))["ok"] is True
    assert len(fake.failed_calls) == 2


async def test_fail_next_delay_times_out_client(fake: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url, timeout=1)
    fake.fail_next("chat.postMessage", status=500, error="fatal_error", delay=5.0)

    with pytest.raises((asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
        await client.chat_postMessage(channel="C1", text="slow")

    assert [c.method for c in fake.failed_calls] == ["chat.postMessage"]


async def test_users_info_returns_configured_tz(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.users["U42"] = {
        "id": "U42",
        "name": "ada",
        "tz": "America/New_York",
        "tz_offset": -18000,
    }
    known = await client.users_info(user="U42")
    unknown = await client.users_info(user="U99")

    assert known["user"]["tz"] == "America/New_York"
    assert known["user"]["tz_offset"] == -18000
    assert unknown["user"] == {
        "id": "U99",
        "name": "U99",
        "tz": "UTC",
        "tz_offset": 0,
        "is_bot": False,
    }
    assert fake.violations == []


async def test_file_upload_v2_flow(fake: FakeSlack, client: AsyncWebClient) -> None:
    resp = await client.files_upload_v2(channel="C1", content=b"png bytes", filename="x.png")

    assert fake.violations == []
    assert [c.method for c in fake.calls] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]
    get_url = fake.calls[0]
    assert get_url.params["filename"] == "x.png"
    assert get_url.params["length"] == str(len(b"png bytes"))
    (file_id,) = fake.uploads
    assert fake.uploads[file_id] == len(b"png bytes")
    complete = fake.calls[1]
    assert complete.params["channel_id"] == "C1"
    assert json.loads(complete.params["files"])[0]["id"] == file_id
    assert resp["file"]["id"] == file_id
    assert resp["files"][0]["title"] == "x.png"


async def test_complete_upload_without_upload_is_flagged(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError):
        await client.files_completeUploadExternal(files=[{"id": "F404", "title": "nope"}])
    assert fake.violations == [
        "files.completeUploadExternal: file F404 was never uploaded to its upload_url"
    ]


async def test_common_bot_calls_match_the_spec(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.members["C1"] = ["U1", "U2"]
    auth = await client.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == ("T0001", "UBOT", "BBOT")

    dm = await client.conversations_open(users="U1")
    assert dm["channel"]["id"] == "DU1"

    posted = await client.chat_postMessage(channel=dm["channel"]["id"], text="hello")
    updated = await client.chat_update(channel=posted["channel"], ts=posted["ts"], text="edited")
    assert (updated["channel"], updated["ts"], updated["text"]) == ("DU1", posted["ts"], "edited")

    ephemeral = await client.chat_postEphemeral(channel="C1", user="U1", text="psst")
    assert ephemeral["message_ts"]

    await client.reactions_add(channel="C1", name="tada", timestamp=posted["ts"])
    info = await client.conversations_info(channel="C1")
    assert info["channel"]["id"] == "C1"
    members = await client.conversations_members(channel="C1")
    assert members["members"] == ["U1", "U2"]

    home = {"type": "home", "blocks": BLOCKS}
    published = await client.views_publish(user_id="U1", view=home)
    assert published["view"]["id"].startswith("V")
    assert published["view"]["blocks"] == BLOCKS
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Join"}, "blocks": []}
    opened = await client.views_open(trigger_id="123.456", view=modal)
    view_id = opened["view"]["id"]
    updated_view = await client.views_update(view_id=view_id, view=modal)
    assert updated_view["view"]["id"] == view_id

    assert fake.violations == []
    assert fake.calls_to("reactions.add")[0].params == {
        "channel": "C1",
        "name": "tada",
        "timestamp": posted["ts"],
    }


async def test_view_open_missing_trigger_is_a_violation(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError):
        await client.api_call("views.open", json={"view": {"type": "modal", "blocks": []}})
    assert fake.violations == ["views.open: missing required parameter 'trigger_id'"]


async def test_reset_forgets_everything(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail_next("auth.test", times=3)
    with pytest.raises(SlackApiError):
        await client.auth_test()
    with pytest.raises(SlackApiError):
        await client.api_call("nope.nope")
    await client.chat_postMessage(channel="C1", text="x")
    fake.reset()
    assert (fake.calls, fake.failed_calls, fake.violations) == ([], [], [])
    assert (await client.auth_test())["ok"] is True


async def test_retired_files_upload_is_a_violation(fake: FakeSlack, client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        await client.api_call(
            "files.upload", files={"file": io.BytesIO(b"abc")}, data={"channels": "C1"}
        )
    assert info.value.response["error"] == "method_deprecated"
    assert "files_upload_v2" in fake.violations[0]
    assert fake.rejected_calls[0].params == {"channels": "C1", "file": b"abc"}


async def test_json_body_to_a_form_only_method_is_a_violation(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError):
        await client.api_call("users.info", json={"user": "U1"})
    assert fake.violations == ["users.info: does not accept application/json bodies per spec"]


async def test_block_kit_the_models_refuse_is_a_violation(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.block_kit = True  # as for every test that drives the bot
    header = {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}
    with pytest.raises(SlackApiError):
        await client.chat_postMessage(channel="C1", text="hi", blocks=[header])
    assert [v for v in fake.violations if "Block Kit" in v], fake.violations
