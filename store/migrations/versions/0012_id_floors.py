"""order ids never reused

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04

The highest id handed out per table, so SQLite never gives a discarded draft's order id (whose
process may still run) to the next order.
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('id_floors',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('last_id', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_id_floors'))
    )


def downgrade() -> None:
    op.drop_table('id_floors')
