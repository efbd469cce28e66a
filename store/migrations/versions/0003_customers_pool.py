"""customers pool contacts ownership imports

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa

from store.models.base import UTCDateTime


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('team_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=50), nullable=False),
    sa.Column('industry', sa.String(length=50), nullable=False),
    sa.Column('size', sa.String(length=10), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_rules_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_rules'))
    )
    op.create_table('import_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('error_rows', sa.Integer(), nullable=False),
    sa.Column('done_rows', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('committed_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['employees.id'], name=op.f('fk_import_jobs_created_by_employees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_jobs'))
    )
    op.create_table('customer_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('wechat', sa.String(length=100), nullable=False),
    sa.Column('is_key', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_contacts_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_contacts'))
    )
    with op.batch_alter_table('customer_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_contacts_customer_id'), ['customer_id'], unique=False)

    op.create_table('customer_ownership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('from_owner_id', sa.Integer(), nullable=True),
    sa.Column('to_owner_id', sa.Integer(), nullable=True),
    sa.Column('from_team_id', sa.Integer(), nullable=True),
    sa.Column('to_team_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['employees.id'], name=op.f('fk_customer_ownership_actor_id_employees')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_ownership_customer_id_customers')),
    sa.ForeignKeyConstraint(['from_owner_id'], ['employees.id'], name=op.f('fk_customer_ownership_from_owner_id_employees')),
    sa.ForeignKeyConstraint(['from_team_id'], ['teams.id'], name=op.f('fk_customer_ownership_from_team_id_teams')),
    sa.ForeignKeyConstraint(['to_owner_id'], ['employees.id'], name=op.f('fk_customer_ownership_to_owner_id_employees')),
    sa.ForeignKeyConstraint(['to_team_id'], ['teams.id'], name=op.f('fk_customer_ownership_to_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_ownership'))
    )
    with op.batch_alter_table('customer_ownership', schema=None) as batch_op:
        batch_op.create_index('ix_customer_ownership_customer_at', ['customer_id', 'at'], unique=False)

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tags', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('external_id', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('last_contact_at', UTCDateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_customers_external_id'), ['external_id'])

    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_id', sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_orders_external_id'), ['external_id'])



def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_orders_external_id'), type_='unique')
        batch_op.drop_column('external_id')

    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('content')

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_customers_external_id'), type_='unique')
        batch_op.drop_column('last_contact_at')
        batch_op.drop_column('external_id')
        batch_op.drop_column('tags')

    with op.batch_alter_table('customer_ownership', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_ownership_customer_at')

    op.drop_table('customer_ownership')
    with op.batch_alter_table('customer_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_contacts_customer_id'))

    op.drop_table('customer_contacts')
    op.drop_table('import_jobs')
    op.drop_table('team_rules')
