"""The fake Slack's workspaces: code exchange, token refresh, and each call's token checked."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakeslack import FakeSlack
from tests.fakeworkspaces import CLIENT_ID, CLIENT_SECRET, FakeWorkspace


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


async def _exchange(fake: FakeSlack, code: str, secret: str = CLIENT_SECRET) -> dict[str, object]:
    client = AsyncWebClient(base_url=fake.base_url)
    answer = await client.oauth_v2_access(client_id=CLIENT_ID, client_secret=secret, code=code)
    return dict(answer.data)  # type: ignore[arg-type]


async def test_a_code_is_exchanged_once_for_that_teams_token(fake: FakeSlack) -> None:
    code = fake.workspaces.add(FakeWorkspace("T1", "One", "UINSTALL1"))

    answer = await _exchange(fake, code)

    assert answer["team"] == {"id": "T1", "name": "One"}
    assert answer["authed_user"] == {"id": "UINSTALL1"}
    token = str(answer["access_token"])
    assert fake.workspaces.team_of(token) == "T1" and "refresh_token" not in answer
    identity = await AsyncWebClient(token=token, base_url=fake.base_url).auth_test()
    assert (identity["team_id"], identity["user_id"]) == ("T1", "UBT1")
    with pytest.raises(SlackApiError, match="invalid_code"):
        await _exchange(fake, code)
    assert fake.violations == []


async def test_the_client_secret_is_checked(fake: FakeSlack) -> None:
    code = fake.workspaces.add(FakeWorkspace("T1", "One", "U1"))
    with pytest.raises(SlackApiError, match="bad_client_secret"):
        await _exchange(fake, code, secret="wrong")


async def test_a_rotating_token_is_renewed_with_its_refresh_token_once(fake: FakeSlack) -> None:
    code = fake.workspaces.add(FakeWorkspace("T1", "One", "U1", rotating=True, expires_in=60))
    first = await _exchange(fake, code)
    assert first["expires_in"] == 60 and str(first["access_token"]).startswith("xoxe.xoxb-")
    client = AsyncWebClient(base_url=fake.base_url)

    renewed = await client.oauth_v2_access(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        grant_type="refresh_token",
        refresh_token=str(first["refresh_token"]),
    )

    assert renewed["access_token"] != first["access_token"]
    assert fake.workspaces.team_of(renewed["access_token"]) == "T1"
    with pytest.raises(SlackApiError, match="invalid_refresh_token"):
        await client.oauth_v2_access(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            grant_type="refresh_token",
            refresh_token=str(first["refresh_token"]),
        )
    assert fake.violations == []  # the refresh grant needs no code


async def test_each_call_is_checked_against_its_tokens_team(fake: FakeSlack) -> None:
    one = await _exchange(fake, fake.workspaces.add(FakeWorkspace("T1", "One", "U1")))
    fake.workspaces.place("T1", "C1")
    fake.workspaces.place("T2", "C2", "U2")
    client = AsyncWebClient(token=str(one["access_token"]), base_url=fake.base_url)

    await client.chat_postMessage(channel="C1", text="hi")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        await client.chat_postMessage(channel="C2", text="not yours")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        await client.chat_postMessage(channel="U2", text="not yours either")
    assert len(fake.violations) == 2 and "belongs to T2" in fake.violations[0]

    fake.workspaces.expire(str(one["access_token"]))
    with pytest.raises(SlackApiError, match="token_expired"):
        await client.chat_postMessage(channel="C1", text="late")
    stranger = AsyncWebClient(token="xoxb-never-issued", base_url=fake.base_url)
    with pytest.raises(SlackApiError, match="invalid_auth"):
        await stranger.chat_postMessage(channel="C1", text="who?")


async def test_an_org_wide_token_may_send_in_every_workspace_of_its_org(fake: FakeSlack) -> None:
    org = FakeWorkspace(None, "Org", "U1", enterprise_id="E1", org_wide=True)
    token = str((await _exchange(fake, fake.workspaces.add(org)))["access_token"])
    fake.workspaces.place("T5", "C5", enterprise_id="E1")
    fake.workspaces.place("T9", "C9", enterprise_id="E2")
    client = AsyncWebClient(token=token, base_url=fake.base_url)

    await client.chat_postMessage(channel="C5", text="in the org")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        await client.chat_postMessage(channel="C9", text="another org")


async def test_without_installs_any_token_is_taken_as_before(fake: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    await client.chat_postMessage(channel="C1", text="hi")
    assert (await client.auth_test())["team_id"] == "T0001"
    assert fake.violations == []
