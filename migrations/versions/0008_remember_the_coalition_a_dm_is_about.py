"""remember which coalition a person's DMs to the coach are about

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

A person in two coalitions who asks the coach in a DM is asked once which coalition they
mean; the answer is kept on that membership (`members.dm_home`), never the DM's text.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('dm_home', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('dm_home')
