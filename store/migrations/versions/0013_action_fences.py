"""action fences

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

One row per person's action that the web gave up waiting for or the process applied: whichever
came first stands, so what a person was told is what happened.
"""

from alembic import op
import sqlalchemy as sa

from store.models.base import UTCDateTime


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('action_fences',
    sa.Column('update_id', sa.String(length=200), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('update_id', name=op.f('pk_action_fences'))
    )


def downgrade() -> None:
    op.drop_table('action_fences')
