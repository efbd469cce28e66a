"""offboarding handover

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24

Offboarding cases (one open per employee through the unique ``open_for``), their checklist
items with evidence, the three sign-offs, the customer reassignment plan, the experience notes
a leaver writes for the team, and who collects an order's money once its seller has left.
"""

from alembic import op
import sqlalchemy as sa

from store.models.base import UTCDateTime


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('offboardings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('open_for', sa.Integer(), nullable=True),
    sa.Column('workflow_id', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('head_id', sa.Integer(), nullable=True),
    sa.Column('review_round', sa.Integer(), nullable=False),
    sa.Column('started_by', sa.Integer(), nullable=True),
    sa.Column('started_at', UTCDateTime(), nullable=False),
    sa.Column('plan_executed_at', UTCDateTime(), nullable=True),
    sa.Column('completed_at', UTCDateTime(), nullable=True),
    sa.Column('completed_by', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', UTCDateTime(), nullable=True),
    sa.Column('cancelled_by', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['cancelled_by'], ['employees.id'], name=op.f('fk_offboardings_cancelled_by_employees')),
    sa.ForeignKeyConstraint(['completed_by'], ['employees.id'], name=op.f('fk_offboardings_completed_by_employees')),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_offboardings_employee_id_employees')),
    sa.ForeignKeyConstraint(['head_id'], ['employees.id'], name=op.f('fk_offboardings_head_id_employees')),
    sa.ForeignKeyConstraint(['manager_id'], ['employees.id'], name=op.f('fk_offboardings_manager_id_employees')),
    sa.ForeignKeyConstraint(['started_by'], ['employees.id'], name=op.f('fk_offboardings_started_by_employees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offboardings')),
    sa.UniqueConstraint('open_for', name=op.f('uq_offboardings_open_for'))
    )
    with op.batch_alter_table('offboardings', schema=None) as batch_op:
        batch_op.create_index('ix_offboardings_employee', ['employee_id'], unique=False)

    op.create_table('experience_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('offboarding_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['employees.id'], name=op.f('fk_experience_notes_author_id_employees')),
    sa.ForeignKeyConstraint(['offboarding_id'], ['offboardings.id'], name=op.f('fk_experience_notes_offboarding_id_offboardings')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_experience_notes_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_experience_notes')),
    sa.UniqueConstraint('offboarding_id', name=op.f('uq_experience_notes_offboarding_id'))
    )
    with op.batch_alter_table('experience_notes', schema=None) as batch_op:
        batch_op.create_index('ix_experience_notes_team', ['team_id'], unique=False)

    op.create_table('handover_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offboarding_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('evidence', sa.String(length=20), nullable=False),
    sa.Column('after_plan', sa.Boolean(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('candidate_role', sa.String(length=30), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=120), nullable=True),
    sa.Column('done_by', sa.Integer(), nullable=True),
    sa.Column('done_at', UTCDateTime(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['employees.id'], name=op.f('fk_handover_items_assignee_id_employees')),
    sa.ForeignKeyConstraint(['done_by'], ['employees.id'], name=op.f('fk_handover_items_done_by_employees')),
    sa.ForeignKeyConstraint(['offboarding_id'], ['offboardings.id'], name=op.f('fk_handover_items_offboarding_id_offboardings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_items')),
    sa.UniqueConstraint('offboarding_id', 'key', name=op.f('uq_handover_items_offboarding_id_key'))
    )
    op.create_table('offboarding_reviews',
    sa.Column('offboarding_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('returned_items', sa.JSON(), nullable=False),
    sa.Column('task_id', sa.String(length=120), nullable=True),
    sa.Column('decided_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['offboarding_id'], ['offboardings.id'], name=op.f('fk_offboarding_reviews_offboarding_id_offboardings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['employees.id'], name=op.f('fk_offboarding_reviews_reviewer_id_employees')),
    sa.PrimaryKeyConstraint('offboarding_id', 'role', name=op.f('pk_offboarding_reviews'))
    )
    op.create_table('reassignments',
    sa.Column('offboarding_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('from_id', sa.Integer(), nullable=False),
    sa.Column('proposed_to_id', sa.Integer(), nullable=True),
    sa.Column('to_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('executed_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_reassignments_customer_id_customers')),
    sa.ForeignKeyConstraint(['from_id'], ['employees.id'], name=op.f('fk_reassignments_from_id_employees')),
    sa.ForeignKeyConstraint(['offboarding_id'], ['offboardings.id'], name=op.f('fk_reassignments_offboarding_id_offboardings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_to_id'], ['employees.id'], name=op.f('fk_reassignments_proposed_to_id_employees')),
    sa.ForeignKeyConstraint(['to_id'], ['employees.id'], name=op.f('fk_reassignments_to_id_employees')),
    sa.PrimaryKeyConstraint('offboarding_id', 'customer_id', name=op.f('pk_reassignments'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('collector_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_orders_collector_id_employees'), 'employees', ['collector_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_orders_collector_id_employees'), type_='foreignkey')
        batch_op.drop_column('collector_id')

    op.drop_table('reassignments')
    op.drop_table('offboarding_reviews')
    op.drop_table('handover_items')
    with op.batch_alter_table('experience_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_experience_notes_team')

    op.drop_table('experience_notes')
    with op.batch_alter_table('offboardings', schema=None) as batch_op:
        batch_op.drop_index('ix_offboardings_employee')

    op.drop_table('offboardings')
