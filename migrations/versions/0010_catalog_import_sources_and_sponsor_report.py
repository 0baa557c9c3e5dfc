"""catalog import: where services and SLOs come from, shared files, the sponsor report day

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

Services learn their source (hand or catalog), the catalog's entity ref, lifecycle, system,
the fields a person typed, and a vanished mark; SLOs their source (hand or code), the file
they are defined in and a vanished mark. Existing rows are hand-typed: their critical flag
and owner team count as typed. Coalitions keep the critical selector, whether a daily import
runs (and the day it last ran), and the sponsor report's day. `pending_files` holds ids of files shared in a coalition
channel until `/sre import` reads them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, never batch mode: on SQLite a batch that recreates `coalitions` drops
    # it, and ON DELETE CASCADE would take every member, service and nudge with it.
    op.create_table('pending_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('coalition_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('shared_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['coalition_id'], ['coalitions.id'], name=op.f('fk_pending_files_coalition_id_coalitions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_files')),
    sa.UniqueConstraint('coalition_id', 'file_id', name=op.f('uq_pending_files_coalition_id_file_id'))
    )
    with op.batch_alter_table('pending_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_files_team_id'), ['team_id'], unique=False)

    op.add_column('coalitions', sa.Column('critical_selector', sa.String(length=600), nullable=True))
    op.add_column('coalitions', sa.Column('import_daily', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('coalitions', sa.Column('report_day', sa.Integer(), nullable=True))
    op.add_column('coalitions', sa.Column('imported_on', sa.Date(), nullable=True))

    op.add_column('services', sa.Column('source', sa.String(length=8), server_default='hand', nullable=False))
    op.add_column('services', sa.Column('origin', sa.String(length=200), nullable=True))
    op.add_column('services', sa.Column('lifecycle', sa.String(length=64), nullable=True))
    op.add_column('services', sa.Column('system', sa.String(length=64), nullable=True))
    op.add_column('services', sa.Column('typed', sa.String(length=64), server_default='', nullable=False))
    op.add_column('services', sa.Column('vanished_at', bot.db.types.UTCDateTime(), nullable=True))

    op.add_column('slos', sa.Column('source', sa.String(length=8), server_default='hand', nullable=False))
    op.add_column('slos', sa.Column('origin', sa.Text(), nullable=True))
    op.add_column('slos', sa.Column('vanished_at', bot.db.types.UTCDateTime(), nullable=True))
    op.add_column('slos', sa.Column('code_target', sa.Float(), nullable=True))
    op.add_column('slos', sa.Column('code_window_days', sa.Integer(), nullable=True))

    services = sa.table('services', sa.column('typed', sa.String()), sa.column('owner_team', sa.String()))
    op.execute(services.update().where(services.c.owner_team.is_(None)).values(typed='critical'))
    op.execute(services.update().where(services.c.owner_team.is_not(None)).values(typed='critical,owner_team'))


def downgrade() -> None:
    op.drop_column('slos', 'code_window_days')
    op.drop_column('slos', 'code_target')
    op.drop_column('slos', 'vanished_at')
    op.drop_column('slos', 'origin')
    op.drop_column('slos', 'source')

    op.drop_column('services', 'vanished_at')
    op.drop_column('services', 'typed')
    op.drop_column('services', 'system')
    op.drop_column('services', 'lifecycle')
    op.drop_column('services', 'origin')
    op.drop_column('services', 'source')

    op.drop_column('coalitions', 'imported_on')
    op.drop_column('coalitions', 'report_day')
    op.drop_column('coalitions', 'import_daily')
    op.drop_column('coalitions', 'critical_selector')

    with op.batch_alter_table('pending_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_files_team_id'))

    op.drop_table('pending_files')
