"""pm and sponsor are granted by a lead: a requested role, and self-declared ones demoted

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

Until now anyone could make themselves PM or sponsor with `/sre join pm`, and a role a lead
set left no trace, so no existing pm/sponsor row can be told apart from a self-declared one.
Each active one becomes a member with that role requested (pending a lead's confirmation),
and the coalition's history says so. Past sign-offs are left as they were.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import bot.db.types


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GRANTED = ('pm', 'sponsor')
members = sa.table(
    'members',
    sa.column('team_id', sa.String()),
    sa.column('coalition_id', sa.Integer()),
    sa.column('user_id', sa.String()),
    sa.column('role', sa.String()),
    sa.column('requested_role', sa.String()),
    sa.column('left_at', bot.db.types.UTCDateTime()),
)
events = sa.table(
    'rollout_events',
    sa.column('team_id', sa.String()),
    sa.column('coalition_id', sa.Integer()),
    sa.column('at', bot.db.types.UTCDateTime()),
    sa.column('actor', sa.String()),
    sa.column('action', sa.String()),
    sa.column('detail', sa.Text()),
)


def upgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_role', sa.String(length=16), nullable=True))

    active = sa.and_(members.c.role.in_(GRANTED), members.c.left_at.is_(None))
    declared = op.get_bind().execute(
        sa.select(members.c.team_id, members.c.coalition_id, members.c.user_id, members.c.role)
        .where(active)
    ).all()
    now = datetime.now(UTC)
    history = [
        {
            'team_id': team_id,
            'coalition_id': coalition_id,
            'at': now,
            'actor': user_id,
            'action': 'role',
            'detail': f'{role} was self-declared: now asked for, waiting for a lead (0006)',
        }
        for team_id, coalition_id, user_id, role in declared
    ]
    if history:
        op.bulk_insert(events, history)
    op.execute(
        members.update().where(active).values(requested_role=members.c.role, role='member')
    )


def downgrade() -> None:
    op.execute(
        members.update()
        .where(members.c.requested_role.in_(GRANTED), members.c.role == 'member')
        .values(role=members.c.requested_role)
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('requested_role')
