"""Usage roll-up (issue 8): anonymous daily counts per building, day, part, zone and desk
kind, filled by the night job, so reports over a year of national history stay fast.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('usage_rollup',
    sa.Column('building_id', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('part', sa.String(length=9), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.Column('screens', sa.SmallInteger(), nullable=False),
    sa.Column('sit_stand', sa.Boolean(), nullable=False),
    sa.Column('reserved', sa.Integer(), nullable=False),
    sa.Column('checked_in', sa.Integer(), nullable=False),
    sa.Column('released', sa.Integer(), nullable=False),
    sa.Column('no_shows', sa.Integer(), nullable=False),
    sa.Column('stay_minutes', sa.Float(), nullable=False),
    sa.Column('stays', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('building_id', 'day', 'part', 'zone_id', 'screens', 'sit_stand',
                            name=op.f('pk_usage_rollup')),
    sqlite_with_rowid=False,
    )
    op.create_index(op.f('ix_usage_rollup_day'), 'usage_rollup', ['day'], unique=False)
    op.create_table('usage_rollup_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('rolled_at', sa.DateTime(), nullable=False),
    sa.Column('reservations', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_usage_rollup_days'))
    )


def downgrade() -> None:
    op.drop_table('usage_rollup_days')
    op.drop_index(op.f('ix_usage_rollup_day'), table_name='usage_rollup')
    op.drop_table('usage_rollup')
