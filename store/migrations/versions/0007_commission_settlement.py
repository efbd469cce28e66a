"""commission settlement

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24

Commission plans (versioned, effective from a period), monthly settlements computed into
numbered runs, each employee's statement and lines in integer fen, disputes and adjustments.
"""

from alembic import op
import sqlalchemy as sa

from store.models.base import UTCDateTime


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('commission_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('tiers', sa.JSON(), nullable=False),
    sa.Column('service_rates', sa.JSON(), nullable=False),
    sa.Column('hold_forfeit_days', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['employees.id'], name=op.f('fk_commission_plans_created_by_employees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_plans')),
    sa.UniqueConstraint('version', name=op.f('uq_commission_plans_version'))
    )
    op.create_table('commission_settlements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('workflow_id', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('plan_version', sa.Integer(), nullable=True),
    sa.Column('run', sa.Integer(), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('review_ends_at', UTCDateTime(), nullable=True),
    sa.Column('started_by', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('computed_at', UTCDateTime(), nullable=True),
    sa.Column('locked_at', UTCDateTime(), nullable=True),
    sa.Column('locked_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['locked_by'], ['employees.id'], name=op.f('fk_commission_settlements_locked_by_employees')),
    sa.ForeignKeyConstraint(['started_by'], ['employees.id'], name=op.f('fk_commission_settlements_started_by_employees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_settlements')),
    sa.UniqueConstraint('period', name=op.f('uq_commission_settlements_period'))
    )
    op.create_table('commission_disputes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.Column('resolved_by', sa.Integer(), nullable=True),
    sa.Column('resolved_at', UTCDateTime(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_commission_disputes_employee_id_employees')),
    sa.ForeignKeyConstraint(['resolved_by'], ['employees.id'], name=op.f('fk_commission_disputes_resolved_by_employees')),
    sa.ForeignKeyConstraint(['settlement_id'], ['commission_settlements.id'], name=op.f('fk_commission_disputes_settlement_id_commission_settlements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_commission_disputes_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_disputes')),
    sa.UniqueConstraint('settlement_id', 'employee_id', 'payment_id', 'kind', name=op.f('uq_commission_disputes_settlement_id_employee_id_payment_id_kind'))
    )
    op.create_table('commission_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('run', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('commission_fen', sa.BigInteger(), nullable=False),
    sa.Column('reverses_payment_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['settlement_id'], ['commission_settlements.id'], name=op.f('fk_commission_lines_settlement_id_commission_settlements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_lines'))
    )
    with op.batch_alter_table('commission_lines', schema=None) as batch_op:
        batch_op.create_index('ix_commission_lines_statement', ['settlement_id', 'run', 'employee_id'], unique=False)
        batch_op.create_index('ix_commission_lines_kind_payment', ['kind', 'payment_id'], unique=False,
                              sqlite_where=sa.text("kind <> 'earned'"), postgresql_where=sa.text("kind <> 'earned'"))

    op.create_table('commission_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('run', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('collected_fen', sa.BigInteger(), nullable=False),
    sa.Column('refunded_fen', sa.BigInteger(), nullable=False),
    sa.Column('gross_fen', sa.BigInteger(), nullable=False),
    sa.Column('clawback_fen', sa.BigInteger(), nullable=False),
    sa.Column('held_fen', sa.BigInteger(), nullable=False),
    sa.Column('released_fen', sa.BigInteger(), nullable=False),
    sa.Column('forfeited_fen', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_commission_statements_employee_id_employees')),
    sa.ForeignKeyConstraint(['settlement_id'], ['commission_settlements.id'], name=op.f('fk_commission_statements_settlement_id_commission_settlements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_commission_statements_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_statements')),
    sa.UniqueConstraint('settlement_id', 'run', 'employee_id', name=op.f('uq_commission_statements_settlement_id_run_employee_id'))
    )
    op.create_table('commission_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=True),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('commission_fen', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('dispute_id', sa.Integer(), nullable=True),
    sa.Column('corrects_period', sa.String(length=7), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['employees.id'], name=op.f('fk_commission_adjustments_created_by_employees')),
    sa.ForeignKeyConstraint(['dispute_id'], ['commission_disputes.id'], name=op.f('fk_commission_adjustments_dispute_id_commission_disputes')),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_commission_adjustments_employee_id_employees')),
    sa.ForeignKeyConstraint(['settlement_id'], ['commission_settlements.id'], name=op.f('fk_commission_adjustments_settlement_id_commission_settlements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_adjustments')),
    sa.UniqueConstraint('dispute_id', name=op.f('uq_commission_adjustments_dispute_id'))
    )
    with op.batch_alter_table('commission_adjustments', schema=None) as batch_op:
        batch_op.create_index('ix_commission_adjustments_settlement', ['settlement_id', 'employee_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('commission_adjustments', schema=None) as batch_op:
        batch_op.drop_index('ix_commission_adjustments_settlement')

    op.drop_table('commission_adjustments')
    op.drop_table('commission_statements')
    with op.batch_alter_table('commission_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_commission_lines_kind_payment')
        batch_op.drop_index('ix_commission_lines_statement')

    op.drop_table('commission_lines')
    op.drop_table('commission_disputes')
    op.drop_table('commission_settlements')
    op.drop_table('commission_plans')
