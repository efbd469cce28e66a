"""tasks policies delegations deliveries

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa

from store.models.base import UTCDateTime


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deadline_policies',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('due_in', sa.String(length=40), nullable=False),
    sa.Column('remind_before', sa.String(length=40), nullable=False),
    sa.Column('repeat_every', sa.String(length=40), nullable=False),
    sa.Column('escalate_after', sa.String(length=40), nullable=False),
    sa.Column('calendar', sa.String(length=20), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by'], ['employees.id'], name=op.f('fk_deadline_policies_updated_by_employees')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_deadline_policies'))
    )
    op.create_table('delegations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('delegate_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('cancelled_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['employees.id'], name=op.f('fk_delegations_created_by_employees')),
    sa.ForeignKeyConstraint(['delegate_id'], ['employees.id'], name=op.f('fk_delegations_delegate_id_employees')),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_delegations_employee_id_employees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegations'))
    )
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.create_index('ix_delegations_employee_dates', ['employee_id', 'starts_on', 'ends_on'], unique=False)

    op.create_table('notification_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=250), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('recipient', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('sent_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], name=op.f('fk_notification_deliveries_notification_id_notifications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_deliveries')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_notification_deliveries_idempotency_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delegated_from_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('subject', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('policy_key', sa.String(length=60), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_tasks_delegated_from_id_employees'), 'employees', ['delegated_from_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('params')
        batch_op.drop_column('message_id')

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tasks_delegated_from_id_employees'), type_='foreignkey')
        batch_op.drop_column('policy_key')
        batch_op.drop_column('subject')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('delegated_from_id')

    op.drop_table('notification_deliveries')
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.drop_index('ix_delegations_employee_dates')

    op.drop_table('delegations')
    op.drop_table('deadline_policies')
