"""payments marked as advance

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

A payment above what its order still owes is recorded only when finance marks it as an advance;
the mark stays with the payment.
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payments') as batch:
        batch.add_column(sa.Column('advance', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('payments') as batch:
        batch.drop_column('advance')
