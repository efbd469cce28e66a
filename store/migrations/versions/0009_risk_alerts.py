"""risk alerts

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24

Risk alerts: the rules' settings, the scans, and the alerts (at most one unresolved per rule and
subject), plus an index on when interactions happened for the scan's recent weeks.
"""

from alembic import op
import sqlalchemy as sa

from store.models.base import UTCDateTime


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert_rules',
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('thresholds', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by'], ['employees.id'], name=op.f('fk_alert_rules_updated_by_employees')),
    sa.PrimaryKeyConstraint('rule', name=op.f('pk_alert_rules'))
    )
    op.create_table('risk_scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workflow_id', sa.String(length=120), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('started_by', sa.Integer(), nullable=True),
    sa.Column('started_at', UTCDateTime(), nullable=False),
    sa.Column('rules_total', sa.Integer(), nullable=False),
    sa.Column('rules_done', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('finished_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['started_by'], ['employees.id'], name=op.f('fk_risk_scans_started_by_employees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_scans')),
    sa.UniqueConstraint('workflow_id', name=op.f('uq_risk_scans_workflow_id'))
    )
    op.create_table('alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('subject_type', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('scan_id', sa.Integer(), nullable=True),
    sa.Column('workflow_id', sa.String(length=100), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('condition_cleared_at', UTCDateTime(), nullable=True),
    sa.Column('acknowledged_at', UTCDateTime(), nullable=True),
    sa.Column('acknowledged_by', sa.Integer(), nullable=True),
    sa.Column('resolved_at', UTCDateTime(), nullable=True),
    sa.Column('resolved_by', sa.Integer(), nullable=True),
    sa.Column('resolution_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['employees.id'], name=op.f('fk_alerts_acknowledged_by_employees')),
    sa.ForeignKeyConstraint(['assignee_id'], ['employees.id'], name=op.f('fk_alerts_assignee_id_employees')),
    sa.ForeignKeyConstraint(['resolved_by'], ['employees.id'], name=op.f('fk_alerts_resolved_by_employees')),
    sa.ForeignKeyConstraint(['scan_id'], ['risk_scans.id'], name=op.f('fk_alerts_scan_id_risk_scans')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_alerts_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts'))
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index('ix_alerts_rule_subject', ['rule', 'subject_id'], unique=False)
        batch_op.create_index('ix_alerts_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index('ix_alerts_team_status', ['team_id', 'status'], unique=False)
        batch_op.create_index('ix_alerts_scan', ['scan_id'], unique=False)
        batch_op.create_index('uq_alerts_unresolved', ['rule', 'subject_type', 'subject_id'], unique=True,
                              sqlite_where=sa.text("status <> 'resolved'"),
                              postgresql_where=sa.text("status <> 'resolved'"))
    op.create_index('ix_interactions_occurred_at', 'interactions', ['occurred_at'], unique=False)



def downgrade() -> None:
    op.drop_index('ix_interactions_occurred_at', table_name='interactions')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('uq_alerts_unresolved')
        batch_op.drop_index('ix_alerts_team_status')
        batch_op.drop_index('ix_alerts_scan')
        batch_op.drop_index('ix_alerts_status_created')
        batch_op.drop_index('ix_alerts_rule_subject')

    op.drop_table('alerts')
    op.drop_table('risk_scans')
    op.drop_table('alert_rules')
