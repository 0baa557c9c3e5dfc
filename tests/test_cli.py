"""The CLI as a user runs it: the console piped, `run` over HTTP against a fake Slack."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from slack_sdk.oauth.installation_store.models.installation import Installation

from bot.db.uow import Database
from bot.slack.installations import EncryptedInstallationStore
from bot.slack.token_cipher import TokenCipher, new_key
from tests.fakeslack import FakeSlack
from tests.fakeworkspaces import CLIENT_ID, CLIENT_SECRET
from tests.slackapp import SIGNING_SECRET, signature_headers

ENV_KEYS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DATABASE_URL", "PORT",
            "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_TOKEN_KEYS")  # fmt: skip


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"
    env.update(extra)
    return env


async def _cli(tmp_path: Path, *args: str, stdin: str = "", **env: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, cwd=tmp_path, env=_env(tmp_path, **env),
    )  # fmt: skip
    out, err = await process.communicate(stdin.encode())
    return process.returncode or 0, out.decode(), err.decode()


async def test_start_without_tokens_opens_the_console(tmp_path: Path) -> None:
    code, out, err = await _cli(tmp_path, "start", stdin="/sre join lead\n/sre status\n/quit\n")
    assert code == 0, err
    assert "starting the console" in err
    assert "@you (lead)" in out
    assert "Traceback" not in out + err


async def test_console_resumes_its_clock_and_data(tmp_path: Path) -> None:
    _, first, _ = await _cli(tmp_path, "console", stdin="/sre join\n/advance 3d\n/quit\n")
    code, second, err = await _cli(tmp_path, "console", stdin="/advance 0d\n/as bob\n/sre status\n")
    assert code == 0, err
    reached = [line for line in first.splitlines() if "clock is now" in line]
    resumed = [line for line in second.splitlines() if "clock is now" in line]
    assert reached and resumed and reached[0].split(";")[0] == resumed[0].split(";")[0]
    assert "@you (lead)" in second and "now acting as @bob" in second


async def test_run_names_the_missing_secrets(tmp_path: Path) -> None:
    code, _, err = await _cli(tmp_path, "run", SLACK_BOT_TOKEN="xoxb-1")
    assert code == 2
    assert err.strip().splitlines() == [
        "sre-coach run: missing settings: SLACK_SIGNING_SECRET (see .env.example)"
    ]


async def test_db_upgrade(tmp_path: Path) -> None:
    code, _, err = await _cli(tmp_path, "db", "upgrade")
    assert code == 0, err
    assert (tmp_path / "coach.db").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def running_bot(tmp_path: Path) -> AsyncIterator[tuple[str, FakeSlack]]:
    async with FakeSlack() as fake:
        port = _free_port()
        env = _env(
            tmp_path,
            SLACK_BOT_TOKEN="xoxb-test-token",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_BASE_URL=fake.base_url,
            PORT=str(port),
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert process.stderr is not None
        async with asyncio.timeout(20):
            while b"listening on" not in (line := await process.stderr.readline()):
                assert line, "the bot exited before listening"
        try:
            yield f"http://127.0.0.1:{port}", fake
        finally:
            process.terminate()
            stopping = time.monotonic()
            assert await process.wait() == 0
            assert time.monotonic() - stopping < 20  # SHUTDOWN_TIMEOUT's default bounds it
            assert fake.violations == []


async def test_run_serves_signed_commands_over_http(running_bot: tuple[str, FakeSlack]) -> None:
    url, fake = running_bot
    fields = {"team_id": "T0001", "channel_id": "C1", "user_id": "U1", "command": "/sre"}
    form = urlencode({**fields, "text": "help", "response_url": fake.response_url})
    async with aiohttp.ClientSession() as http:
        started = time.perf_counter()
        headers = {**signature_headers(form, int(time.time())),
                   "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
        async with http.post(f"{url}/slack/events", data=form, headers=headers) as response:
            elapsed = time.perf_counter() - started
            assert response.status == 200
            body = await response.json()
        assert elapsed < 3.0
        assert "/sre join" in json.dumps(body["blocks"])
        bad = {**headers, **signature_headers(form, int(time.time()), secret="wrong")}
        async with http.post(f"{url}/slack/events", data=form, headers=bad) as response:
            assert response.status == 401
        async with http.get(f"{url}/healthz") as response:
            assert response.status == 200
    assert fake.calls_to("auth.test")


async def test_run_serves_readiness_and_metrics(running_bot: tuple[str, FakeSlack]) -> None:
    url, fake = running_bot
    fields = {"team_id": "T0001", "channel_id": "C1", "user_id": "U1", "command": "/sre"}
    form = urlencode({**fields, "text": "help", "response_url": fake.response_url})
    headers = {**signature_headers(form, int(time.time())),
               "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{url}/readyz") as response:
            assert response.status == 200
            assert (await response.json())["migrations"] == "at head"
        async with http.post(f"{url}/slack/events", data=form, headers=headers) as response:
            assert response.status == 200
        async with http.get(f"{url}/metrics") as response:
            assert response.status == 200
            text = await response.text()
    acks = {
        s.labels["surface"]: s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "sre_coach_ack_seconds_count"
    }
    assert acks == {"command": 1.0}
    assert "sre_coach_db_pool_in_use" in text


async def test_content_check_passes(tmp_path: Path) -> None:
    code, out, err = await _cli(tmp_path, "content", "check")
    assert code == 0, out + err
    assert "content ok: 57 entries" in out
    assert "encoder ok:" in out and "precedents ok: precedents-" in out


async def test_a_restarted_console_sends_nothing_twice(tmp_path: Path) -> None:
    deadline = datetime.now(UTC).date() + timedelta(days=60)  # the console starts at real now
    script = f"/sre join\n/as ana\n/sre join pm\n/as you\n/sre deadline {deadline} Launch\n"
    _, first, _ = await _cli(tmp_path, "console", stdin=script + "/advance 7d\n")
    assert "days left" in first  # the deadline was accepted
    sent = int(first.rsplit("UTC; ", 1)[1].split()[0])
    assert sent >= 3  # check-ins, reminders and a digest went out
    code, again, err = await _cli(tmp_path, "console", stdin="/advance 0d\n")
    assert code == 0, err
    assert "; 0 message(s) sent" in again


async def test_import_into_a_channels_coalition(tmp_path: Path, repo_root: Path) -> None:
    fixtures = repo_root / "tests" / "fixtures" / "catalog"
    code, _, err = await _cli(tmp_path, "console", stdin="/sre join lead\n/quit\n")
    assert code == 0, err
    channel = ("--channel", "C0COALITION")
    code, out, err = await _cli(tmp_path, "import", str(fixtures / "backstage"), *channel)
    assert code == 0, err
    assert "Services: 5 new" in out
    malformed = str(fixtures / "slo" / "pyrra" / "malformed.yaml")
    code, out, err = await _cli(tmp_path, "import", malformed, *channel)
    assert code == 1
    assert "malformed.yaml:document" in err and "Nothing was imported" in err
    code, _, err = await _cli(tmp_path, "import", malformed, "--channel", "C0NONE")
    assert code == 2 and "no coalition on channel C0NONE" in err
    assert "Traceback" not in out + err


async def test_import_from_backstage(tmp_path: Path, repo_root: Path) -> None:
    from tests.fakebackstage import FakeBackstage, component

    code, _, err = await _cli(tmp_path, "console", stdin="/sre join lead\n/quit\n")
    assert code == 0, err
    slos = str(repo_root / "tests" / "fixtures" / "catalog" / "slo" / "sloth" / "valid.yaml")
    entities = [component(f"svc-{n}", tags=["tier-1"]) for n in range(7)]
    async with FakeBackstage(entities, token="s3cret") as fake:
        args = ("import", slos, "--backstage", "--channel", "C0COALITION")
        code, out, err = await _cli(
            tmp_path, *args, BACKSTAGE_BASE_URL=fake.base_url, BACKSTAGE_TOKEN="s3cret"
        )
        assert code == 0, err
        assert "Read 7 components" in out and "Services: 7 new" in out
        code, out, err = await _cli(
            tmp_path, *args, BACKSTAGE_BASE_URL=fake.base_url, BACKSTAGE_TOKEN="wrong"
        )
    assert code == 1 and "refused the request (401)" in err and "Nothing was imported" in err
    assert "s3cret" not in out + err and "wrong" not in out + err


def _oauth_env(tmp_path: Path, fake: FakeSlack, key: str, port: int = 3000) -> dict[str, str]:
    return _env(
        tmp_path,
        SLACK_CLIENT_ID=CLIENT_ID,
        SLACK_CLIENT_SECRET=CLIENT_SECRET,
        SLACK_TOKEN_KEYS=key,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_BASE_URL=fake.base_url,
        PORT=str(port),
    )


async def test_run_in_oauth_mode_serves_the_install_page_without_auth_test(
    tmp_path: Path,
) -> None:
    async with FakeSlack() as fake:
        port = _free_port()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "start", cwd=tmp_path,
            env=_oauth_env(tmp_path, fake, new_key(), port), stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert process.stderr is not None
        async with asyncio.timeout(20):
            while b"listening on" not in (line := await process.stderr.readline()):
                assert line, "the bot exited before listening"
        try:
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/slack/install") as response:
                    assert response.status == 200
                    assert "Add to Slack" in await response.text()
                async with http.post(f"http://127.0.0.1:{port}/slack/events", data=b"x") as bad:
                    assert bad.status == 401
        finally:
            process.terminate()
            assert await process.wait() == 0
        assert fake.calls_to("auth.test") == []  # no single token to test


async def test_run_in_oauth_mode_stops_in_one_line_on_a_key_that_cannot_read_the_tokens(
    tmp_path: Path,
) -> None:
    async with FakeSlack() as fake:
        written_with, now_set = new_key(), new_key()
        code, _, err = await _cli(tmp_path, "db", "upgrade")
        assert code == 0, err
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}")
        store = EncryptedInstallationStore(CLIENT_ID, db.engine, TokenCipher([written_with]))
        installation = Installation(
            app_id="A1", team_id="T1", bot_token="xoxb-one", bot_id="B1", bot_user_id="UB1",
            user_id="U1", installed_at=time.time(),
        )  # fmt: skip
        await store.async_save(installation)
        await db.dispose()
        env = _oauth_env(tmp_path, fake, now_set)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, raw = await process.communicate()
        errors = [line for line in raw.decode().splitlines() if not line.startswith("INFO")]
        assert process.returncode == 1
        assert errors == [
            "sre-coach run: SLACK_TOKEN_KEYS cannot decrypt 2 of 2 stored tokens "
            "(the first is T1's): add back the key they were written with"
        ]


async def test_tokens_new_key_needs_no_settings(tmp_path: Path) -> None:
    code, out, err = await _cli(tmp_path, "tokens", "new-key", SLACK_CLIENT_ID="half-set")
    assert code == 0, err
    assert len(out.strip()) == 44
