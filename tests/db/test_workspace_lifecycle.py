"""Uninstall is a data lifecycle: nudges stop at once, data goes after the grace, others kept."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update

from bot.clock import ManualClock
from bot.db.beat_models import Nudge
from bot.db.installation_models import bots, oauth_states
from bot.db.models import Workspace
from bot.db.schema import Base
from bot.db.uow import Database
from bot.db.workspace_lifecycle import (
    GLOBAL_TABLES,
    WorkspaceLifecycle,
    blocked_teams,
    forget_workspace,
    note_enterprise,
    stop_pending,
    workspace_tables,
)
from tests.workspace_rows import fill_workspace, rows_of_team

GONE, KEPT = "T0GONE", "T0KEPT"
GRACE = timedelta(days=30)


async def _two_workspaces(db: Database, clock: ManualClock) -> None:
    async with db.engine.begin() as conn:
        await fill_workspace(conn, GONE, clock.now())
        await fill_workspace(conn, KEPT, clock.now())


async def _nudge_states(db: Database, team: str) -> dict[str, str]:
    async with db.sessions() as session:
        rows = await session.execute(
            select(Nudge.slot, Nudge.status).where(Nudge.team_id == team).order_by(Nudge.slot)
        )
        return {slot: status for slot, status in rows}


async def _add_nudges(db: Database, team: str, now: datetime) -> None:
    """A pending, a claimed and a sent nudge besides the filled one."""
    async with db.sessions() as session:
        coalition_id = (
            await session.scalars(select(Nudge.coalition_id).where(Nudge.team_id == team))
        ).one()
        for slot, status in (
            ("a-pending", "pending"),
            ("b-claimed", "claimed"),
            ("c-sent", "sent"),
        ):
            session.add(
                Nudge(
                    team_id=team, coalition_id=coalition_id, kind="countdown", recipient="C1",
                    slot=slot, due_at=now, status=status, claimed_by="w1", lease_until=now,
                )
            )  # fmt: skip
        await session.execute(
            update(Nudge).where(Nudge.slot.like(f"{team}%")).values(status="sent")
        )
        await session.commit()


def test_every_table_carries_team_id_or_is_global_for_a_stated_reason() -> None:
    for table in Base.metadata.sorted_tables:
        assert "team_id" in table.c or GLOBAL_TABLES.get(table.name), table.name
    assert {"slack_installations", "slack_bots"} <= {t.name for t in workspace_tables()}


async def test_forgetting_a_workspace_leaves_none_of_its_rows_and_all_of_the_others(
    db: Database, clock: ManualClock
) -> None:
    await _two_workspaces(db, clock)
    before = await rows_of_team(db, KEPT)
    assert all(count == 1 for count in before.values()), before
    assert all(count == 1 for count in (await rows_of_team(db, GONE)).values())

    async with db.sessions() as session:
        deleted = await forget_workspace(session, GONE)
        await session.commit()

    assert set(deleted.values()) == {1}
    assert set((await rows_of_team(db, GONE)).values()) == {0}
    assert await rows_of_team(db, KEPT) == before


async def test_uninstall_stops_the_workspaces_nudges_at_once_and_unhooks_its_install(
    db: Database, clock: ManualClock
) -> None:
    await _two_workspaces(db, clock)
    for team in (GONE, KEPT):
        await _add_nudges(db, team, clock.now())
    lifecycle = WorkspaceLifecycle(db.sessions)

    teams = await lifecycle.uninstalled(
        team_id=GONE, enterprise_id=None, is_enterprise_install=False, now=clock.now()
    )

    assert teams == [GONE]
    assert await _nudge_states(db, GONE) == {
        f"{GONE}-slot": "sent", "a-pending": "skipped", "b-claimed": "skipped", "c-sent": "sent",
    }  # fmt: skip
    assert await _nudge_states(db, KEPT) == {
        f"{KEPT}-slot": "sent", "a-pending": "pending", "b-claimed": "claimed", "c-sent": "sent",
    }  # fmt: skip
    rows = await rows_of_team(db, GONE)
    assert rows["slack_installations"] == rows["slack_bots"] == 0  # its tokens are gone now
    assert rows["coalitions"] == 1  # its data waits out the grace period
    assert (await rows_of_team(db, KEPT))["slack_bots"] == 1
    assert (await lifecycle.standing(GONE)).blocked == "uninstalled"
    assert (await lifecycle.standing(KEPT)).blocked is None


async def test_after_the_grace_period_nothing_of_it_is_left(
    db: Database, clock: ManualClock
) -> None:
    await _two_workspaces(db, clock)
    kept = await rows_of_team(db, KEPT)
    lifecycle = WorkspaceLifecycle(db.sessions)
    await lifecycle.uninstalled(
        team_id=GONE, enterprise_id=None, is_enterprise_install=False, now=clock.now()
    )

    assert await lifecycle.purge(clock.advance(GRACE - timedelta(minutes=1)), GRACE) == []
    assert (await rows_of_team(db, GONE))["coalitions"] == 1
    assert await lifecycle.purge(clock.advance(timedelta(minutes=1)), GRACE) == [GONE]
    assert set((await rows_of_team(db, GONE)).values()) == {0}
    assert await rows_of_team(db, KEPT) == kept


async def test_a_reinstall_within_the_grace_period_finds_its_coalitions_again(
    db: Database, clock: ManualClock
) -> None:
    await _two_workspaces(db, clock)
    lifecycle = WorkspaceLifecycle(db.sessions)
    await lifecycle.uninstalled(
        team_id=GONE, enterprise_id=None, is_enterprise_install=False, now=clock.now()
    )
    clock.advance(timedelta(days=10))

    first = await lifecycle.installed(GONE, None, clock.now())

    assert first  # its install rows went with the uninstall: the installer is greeted again
    assert await lifecycle.purge(clock.advance(GRACE * 2), GRACE) == []
    assert (await rows_of_team(db, GONE))["coalitions"] == 1
    assert (await lifecycle.standing(GONE)).blocked is None


async def test_a_parked_workspace_sends_nothing_until_installed_again(
    db: Database, clock: ManualClock
) -> None:
    await _two_workspaces(db, clock)
    for team in (GONE, KEPT):
        await _add_nudges(db, team, clock.now())
    lifecycle = WorkspaceLifecycle(db.sessions)

    assert await lifecycle.park(GONE, "account_inactive", clock.now()) == 2
    assert await lifecycle.park(GONE, "invalid_auth", clock.now()) == 0  # once is enough

    standing = await lifecycle.standing(GONE)
    assert standing.blocked == "parked: account_inactive"
    assert await lifecycle.blocked() == {GONE}
    assert (await _nudge_states(db, KEPT))["a-pending"] == "pending"
    await lifecycle.installed(GONE, None, clock.now())
    assert (await lifecycle.standing(GONE)).blocked is None


async def test_an_org_wide_uninstall_reaches_every_workspace_of_the_org(
    db: Database, clock: ManualClock
) -> None:
    await _two_workspaces(db, clock)
    async with db.sessions() as session:
        await note_enterprise(session, GONE, "E0ORG")
        await session.execute(
            insert(bots).values(
                client_id="1", app_id="A", enterprise_id="E0ORG", team_id=None,
                bot_token="sealed", is_enterprise_install=True,
                installed_at=clock.now().replace(tzinfo=None),
            )
        )  # fmt: skip
        await session.commit()

    teams = await WorkspaceLifecycle(db.sessions).uninstalled(
        team_id=None, enterprise_id="E0ORG", is_enterprise_install=True, now=clock.now()
    )

    assert teams == [GONE]
    async with db.sessions() as session:
        assert await blocked_teams(session) == {GONE}
        org_rows = await session.scalar(
            select(func.count()).select_from(bots).where(bots.c.enterprise_id == "E0ORG")
        )
    assert org_rows == 0
    assert (await rows_of_team(db, GONE))[
        "slack_bots"
    ] == 1  # its own, team-level row is not the org's


async def test_stop_pending_touches_only_that_workspace(db: Database, clock: ManualClock) -> None:
    await _two_workspaces(db, clock)
    for team in (GONE, KEPT):
        await _add_nudges(db, team, clock.now())
    async with db.sessions() as session:
        assert await stop_pending(session, GONE, "workspace uninstalled") == 2
        await session.commit()
        notes = await session.scalars(
            select(Nudge.note).where(Nudge.team_id == GONE, Nudge.status == "skipped")
        )
        assert set(notes) == {"workspace uninstalled"}
    assert set((await _nudge_states(db, KEPT)).values()) == {"pending", "claimed", "sent"}


async def test_expired_install_states_are_forgotten_by_the_purge(
    db: Database, clock: ManualClock
) -> None:
    naive = clock.now().replace(tzinfo=None)
    async with db.engine.begin() as conn:
        await conn.execute(insert(oauth_states).values(state="old", expire_at=naive))
        await conn.execute(
            insert(oauth_states).values(state="live", expire_at=naive + timedelta(hours=1))
        )

    await WorkspaceLifecycle(db.sessions).purge(clock.advance(timedelta(minutes=1)), GRACE)

    async with db.engine.connect() as conn:
        left = (await conn.execute(select(oauth_states.c.state))).scalars().all()
    assert left == ["live"]


async def test_a_workspace_row_knows_its_org(db: Database, clock: ManualClock) -> None:
    lifecycle = WorkspaceLifecycle(db.sessions)
    await lifecycle.installed(KEPT, "E0ORG", clock.now())
    async with db.sessions() as session:
        row = await session.get(Workspace, KEPT)
    assert row is not None and row.enterprise_id == "E0ORG"
