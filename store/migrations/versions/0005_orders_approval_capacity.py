"""orders approval capacity

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

Daily service capacity booked by orders (``capacity_days``, one row per service and day, updated
conditionally so racing submissions cannot overbook) and what each order holds
(``capacity_reservations``); who may not act on a role task (``task_exclusions``, separation
of duties); the salesperson's note on an order.
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('capacity_days',
    sa.Column('service_code', sa.String(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_code'], ['services.code'], name=op.f('fk_capacity_days_service_code_services')),
    sa.PrimaryKeyConstraint('service_code', 'day', name=op.f('pk_capacity_days'))
    )
    op.create_table('capacity_reservations',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('service_code', sa.String(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_capacity_reservations_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_code'], ['services.code'], name=op.f('fk_capacity_reservations_service_code_services')),
    sa.PrimaryKeyConstraint('order_id', 'service_code', name=op.f('pk_capacity_reservations'))
    )
    op.create_table('task_exclusions',
    sa.Column('task_id', sa.String(length=120), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_task_exclusions_employee_id_employees')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_exclusions_task_id_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_id', 'employee_id', name=op.f('pk_task_exclusions'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('note')

    op.drop_table('task_exclusions')
    op.drop_table('capacity_reservations')
    op.drop_table('capacity_days')
