"""The Backstage REST client against a local fake: paging, auth, malformed entities, bounds."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.catalog.backstage import BackstageClient, BackstageError
from bot.settings import Settings
from tests.fakebackstage import FakeBackstage, component

TOKEN = "backstage-token"


def _client(fake: FakeBackstage, token: str | None = TOKEN, **options: int) -> BackstageClient:
    return BackstageClient(fake.base_url, SecretStr(token) if token else None, **options)


def _catalog(count: int) -> list[object]:
    group = {"apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": {"name": "g"}}
    return [group, *(component(f"svc-{n}", tags=["tier-1"] if n % 2 else []) for n in range(count))]


async def test_pages_are_followed_by_cursor() -> None:
    async with FakeBackstage(_catalog(7), token=TOKEN) as fake:
        read = await _client(fake, page_size=3).components()
    assert read.whole and read.pages == 3
    assert [c.name for c in read.components] == [f"svc-{n}" for n in range(7)]
    assert read.components[1].tags == ("tier-1",)
    first, *rest = fake.calls
    assert first.params["filter"] == "kind=component" and "cursor" not in first.params
    assert all("cursor" in c.params and "filter" not in c.params for c in rest)
    assert {c.params["limit"] for c in fake.calls} == {"3"}
    assert all(c.authorized for c in fake.calls)


async def test_only_the_fields_read_are_asked_for() -> None:
    async with FakeBackstage([component("a", system="shop", owner="group:default/x")]) as fake:
        read = await _client(fake).components()
    [only] = read.components
    assert (only.ref, only.owner, only.system, only.where) == (
        "component:default/a",
        "x",
        "shop",
        "component:default/a",
    )
    assert "spec.owner" in fake.calls[0].params["fields"].split(",")


async def test_a_wrong_token_is_one_clear_line() -> None:
    async with FakeBackstage(_catalog(2), token=TOKEN) as fake:
        with pytest.raises(BackstageError) as raised:
            await _client(fake, token="stale-token").components()
    message = str(raised.value)
    host = fake.base_url.removeprefix("http://")
    assert message == f"Backstage at {host} refused the request (401): check BACKSTAGE_TOKEN."
    assert "stale-token" not in message and "\n" not in message


async def test_no_token_says_to_set_one() -> None:
    async with FakeBackstage(_catalog(2), token=TOKEN) as fake:
        with pytest.raises(BackstageError, match=r"\(401\): set BACKSTAGE_TOKEN\.$"):
            await _client(fake, token=None).components()
        assert fake.calls[0].authorized is False


async def test_forbidden_and_server_errors() -> None:
    async with FakeBackstage(_catalog(2)) as fake:
        fake.fail_with = 403
        with pytest.raises(BackstageError, match=r"refused the request \(403\)"):
            await _client(fake).components()
        fake.fail_with = 503
        with pytest.raises(BackstageError, match=r"answered 503 to /api/catalog/entities/by-query"):
            await _client(fake).components()


async def test_a_malformed_entity_is_reported_with_its_ref_and_skipped() -> None:
    broken = component("broken")
    del broken["spec"]["owner"]
    unnamed = {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {}}
    entities = [component("a"), broken, component("b"), unnamed]
    async with FakeBackstage(entities) as fake:
        read = await _client(fake, page_size=2).components()
    assert [c.name for c in read.components] == ["a", "b"]
    assert not read.whole  # so nothing is marked vanished on the strength of this reading
    assert [str(p) for p in read.problems] == [
        "component:default/broken: spec.owner: missing; skipped",
        "page 2 item 2: metadata: missing; skipped",
    ]


async def test_the_same_name_in_two_namespaces_keeps_neither() -> None:
    entities = [component("a"), component("a", namespace="shop"), component("b")]
    async with FakeBackstage(entities) as fake:
        read = await _client(fake).components()
    assert [c.name for c in read.components] == ["b"]
    assert [str(p) for p in read.problems] == [
        "component:default/a: metadata.name: component 'a' is also defined at "
        "component:shop/a; neither is imported"
    ]


async def test_the_number_of_pages_is_bounded() -> None:
    async with FakeBackstage(_catalog(10)) as fake:
        with pytest.raises(BackstageError) as raised:
            await _client(fake, page_size=2, max_pages=3).components()
    assert str(raised.value) == (
        "Backstage has more than 3 pages of 2 components; stopped without importing."
    )
    assert len(fake.calls) == 3


async def test_a_server_that_is_gone() -> None:
    fake = FakeBackstage([])
    await fake.start()
    await fake.stop()
    with pytest.raises(BackstageError, match=r"did not answer \(ClientConnectorError\)\.$"):
        await _client(fake).components()


def test_settings_name_the_backstage_server(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BACKSTAGE_BASE_URL", "BACKSTAGE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        backstage_base_url="https://bs.example/ ",
        backstage_token="t",  # type: ignore[arg-type]
    )
    client = BackstageClient.from_settings(settings)
    assert client.base_url == "https://bs.example" and client.token == SecretStr("t")
    blank = Settings(_env_file=None, backstage_base_url="", backstage_token=" ")  # type: ignore[call-arg,arg-type]
    assert blank.backstage_base_url is None and blank.backstage_token is None
    with pytest.raises(BackstageError, match=r"BACKSTAGE_BASE_URL is not set\."):
        BackstageClient.from_settings(blank)
    with pytest.raises(ValueError, match="must start with http"):
        Settings(_env_file=None, backstage_base_url="bs.example")  # type: ignore[call-arg]
