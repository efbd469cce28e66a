"""process list

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24

The list of processes reads orders and handovers newest first: an index on when each started.
"""

from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_orders_created_at', 'orders', ['created_at'], unique=False)
    op.create_index('ix_offboardings_started_at', 'offboardings', ['started_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_offboardings_started_at', table_name='offboardings')
    op.drop_index('ix_orders_created_at', table_name='orders')
