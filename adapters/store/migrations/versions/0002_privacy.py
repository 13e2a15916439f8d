"""Privacy: encrypted external id, audit salt and notice time on people; run log; audit trail.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_id_enc', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('audit_salt', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('notice_sent_at', sa.DateTime(), nullable=True))

    op.create_table('privacy_runs',
    sa.Column('job', sa.String(length=32), nullable=False),
    sa.Column('night', sa.Date(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=False),
    sa.Column('counts', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('job', 'night', name=op.f('pk_privacy_runs'))
    )
    op.create_table('audit_trail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_trail'))
    )
    with op.batch_alter_table('audit_trail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_trail_at'), ['at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_trail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_trail_at'))
    op.drop_table('audit_trail')
    op.drop_table('privacy_runs')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('notice_sent_at')
        batch_op.drop_column('audit_salt')
        batch_op.drop_column('external_id_enc')
