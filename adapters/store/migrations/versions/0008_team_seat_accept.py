"""Seats of a team's group booking: a member accepts their seat (``team_seat_accepts``), and
the language the group was booked in (``team_groups``: the booker's notices about it).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('team_groups',
    sa.Column('group_id', sa.String(length=32), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=False),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['booked_by_id'], ['people.id'], name=op.f('fk_team_groups_booked_by_id_people'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', name=op.f('pk_team_groups'))
    )
    op.create_index(op.f('ix_team_groups_booked_by_id'), 'team_groups', ['booked_by_id'], unique=False)
    op.create_index(op.f('ix_team_groups_last_day'), 'team_groups', ['last_day'], unique=False)
    op.create_table('team_seat_accepts',
    sa.Column('group_id', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_team_seat_accepts_person_id_people'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'day', 'person_id', name=op.f('pk_team_seat_accepts'))
    )
    op.create_index(op.f('ix_team_seat_accepts_day'), 'team_seat_accepts', ['day'], unique=False)
    op.create_index(op.f('ix_team_seat_accepts_person_id'), 'team_seat_accepts', ['person_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_team_seat_accepts_person_id'), table_name='team_seat_accepts')
    op.drop_index(op.f('ix_team_seat_accepts_day'), table_name='team_seat_accepts')
    op.drop_table('team_seat_accepts')
    op.drop_index(op.f('ix_team_groups_last_day'), table_name='team_groups')
    op.drop_index(op.f('ix_team_groups_booked_by_id'), table_name='team_groups')
    op.drop_table('team_groups')
