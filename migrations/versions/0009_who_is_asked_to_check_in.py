"""who is asked to check in: a lead's choice per member, by role when unset

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

`members.checkins` is NULL for "by role" (leads and members are asked; a PM or sponsor is not
asked to check in and gets no volunteer-burnout messages), or a lead's explicit on/off
(`/sre ask @someone checkins on|off`). Existing rows keep NULL: the role decides.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkins', sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('checkins')
