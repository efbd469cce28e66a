"""login failures per client address

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

Failed logins remember the client address they came from, so guessing from one address is
throttled there without locking the real person out from another.
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('login_failures') as batch:
        batch.add_column(sa.Column('client', sa.String(length=64), nullable=False, server_default=''))
        batch.create_index('ix_login_failures_client_time', ['client', 'at'])


def downgrade() -> None:
    with op.batch_alter_table('login_failures') as batch:
        batch.drop_index('ix_login_failures_client_time')
        batch.drop_column('client')
