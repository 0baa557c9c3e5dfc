"""`sre-coach run`: the Slack app with its timer, over Socket Mode or the HTTP endpoint.

On SIGTERM (or SIGINT) it stops within `SHUTDOWN_TIMEOUT` seconds: `/readyz` turns 503 and the
timer claims nothing more at once; the HTTP server stops listening and lets requests in flight
finish (a few seconds: Slack gives up after 3); the running tick finishes its send in flight and
gives the rest of its batch back, or is cut off at the deadline with every claim given back;
then the follow-up posts of answered requests finish, and the database pool closes.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from datetime import timedelta

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.clock import SystemClock
from bot.commands.words import warm_dates
from bot.content import Content
from bot.db.migrate import revisions
from bot.db.uow import Database
from bot.metrics import Metrics
from bot.scheduling.timer import Timer
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.deps import SlackDeps
from bot.slack.installations import check_keys
from bot.slack.operations import (
    Operations,
    Readiness,
    TimedSocketModeHandler,
    count_errors,
    operations_app,
)
from bot.slack.server import web_app
from bot.slack.workspaces import SingleWorkspace, TeamMessengers, TokenDirectory
from bot.wiring import backstage_reader, build

log = logging.getLogger(__name__)
HTTP_DRAIN = 3.0
"""Seconds requests in flight get to finish at shutdown: Slack stops waiting after 3."""


async def _stopped() -> None:
    """Wait for SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def serve(settings: Settings, content: Content) -> int:
    """Run until stopped; returns the process exit code."""
    warm_dates()
    metrics = Metrics()
    bot = build(settings.database_url, SystemClock(), content, metrics)
    db = bot.db
    await db.changes.listen()  # PostgreSQL: other replicas' commits expire kept replies
    metrics.watch_pool(db.pool_state)
    app, deps = build_app(settings, bot.router)
    count_errors(app.client, metrics)  # Bolt copies its handlers into each request's client
    tokens = await _token_directory(app, deps, settings)
    if tokens is None:
        await db.dispose()
        return 1
    # The scheduler and the health jobs send with each nudge's own workspace's token.
    beat = TeamMessengers(tokens, settings.slack_api_base_url, metrics)
    grace = timedelta(days=settings.uninstall_grace_days)
    worker = f"{socket.gethostname()}-{os.getpid()}"
    catalog = backstage_reader(settings)
    timer = Timer(bot.due_work(beat, worker=worker, grace=grace, catalog=catalog)).start()
    head, known = revisions()
    ops = Operations(metrics, Readiness(db, head, known, timer.ticked_recently))
    deadline = 0.0

    def stopping() -> None:
        nonlocal deadline
        deadline = time.monotonic() + settings.shutdown_timeout
        log.info("stopping (within %d s)", settings.shutdown_timeout)
        ops.readiness.stopping = True
        timer.work.stop()  # no new claim from now on; the tick in flight is awaited below

    try:
        if settings.socket_mode:
            await _socket_mode(app, settings, db, ops, stopping)
        else:
            assert settings.slack_signing_secret is not None  # missing_for_slack() checked it
            secret = settings.slack_signing_secret.get_secret_value()
            await _http(app, db, secret, settings.port, ops, stopping)
    finally:
        deadline = deadline or time.monotonic() + settings.shutdown_timeout
        await timer.stop(deadline - time.monotonic())
        try:
            await asyncio.wait_for(deps.tasks.drain(), max(deadline - time.monotonic(), 0.1))
        except TimeoutError:
            log.warning("stopping: follow-up posts still running at the deadline were dropped")
        await db.dispose()
        log.info("stopped")
    return 0


async def _token_directory(
    app: AsyncApp, deps: SlackDeps, settings: Settings
) -> TokenDirectory | None:
    """Where the senders outside a request find each workspace's token; None, after one line
    on stderr, when the bot cannot start (a key that cannot read the stored tokens, a refused
    SLACK_BOT_TOKEN)."""
    clock = deps.router.clock
    if deps.oauth is not None:
        problem = await check_keys(deps.router.db, settings.token_keys)
        if problem is not None:
            print(f"sre-coach run: {problem}", file=sys.stderr)
            return None
        log.info("OAuth mode: serving every workspace installed from /slack/install")
        return deps.oauth.tokens
    try:
        identity = await app.client.auth_test()
    except (SlackApiError, OSError) as error:
        reason = (
            error.response["error"] if isinstance(error, SlackApiError) else type(error).__name__
        )
        print(f"sre-coach run: Slack refused the bot token ({reason})", file=sys.stderr)
        return None
    team, enterprise = str(identity.get("team_id") or ""), identity.get("enterprise_id")
    log.info("connected to workspace %s as %s", team, identity.get("user_id"))
    # The token works: the workspace stands clear of an earlier uninstall or parking.
    await deps.lifecycle.installed(team, enterprise, clock.now())
    assert settings.slack_bot_token is not None
    token = settings.slack_bot_token.get_secret_value()
    return SingleWorkspace(token, team, deps.lifecycle, clock)


async def _http(
    app: AsyncApp,
    db: Database,
    signing_secret: str,
    port: int,
    ops: Operations,
    stopping: Callable[[], None],
) -> None:
    server = web_app(app, db, signing_secret, ops)
    runner = web.AppRunner(server, access_log=None, shutdown_timeout=HTTP_DRAIN)
    await runner.setup()
    await web.TCPSite(runner, "0.0.0.0", port).start()
    log.info("listening on :%d (POST /slack/events, GET /healthz /readyz /metrics)", port)
    try:
        await _stopped()
        stopping()
    finally:
        await runner.cleanup()  # stops listening, then waits for the requests in flight


async def _socket_mode(
    app: AsyncApp, settings: Settings, db: Database, ops: Operations, stopping: Callable[[], None]
) -> None:
    assert settings.slack_app_token is not None
    handler = TimedSocketModeHandler(app, settings.slack_app_token.get_secret_value())
    handler.metrics = ops.metrics
    runner = None
    if settings.metrics_port:
        runner = web.AppRunner(operations_app(db, ops), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, "0.0.0.0", settings.metrics_port).start()
        log.info("metrics on :%d (GET /metrics /readyz /healthz)", settings.metrics_port)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    log.info("connected over Socket Mode")
    try:
        await _stopped()
        stopping()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        if runner is not None:
            await runner.cleanup()
