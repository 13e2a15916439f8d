"""Team-day polls and their votes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('team_polls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.String(length=64), nullable=False),
    sa.Column('days', sa.JSON(), nullable=False),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.Column('deadline', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organiser_id'], ['people.id'], name=op.f('fk_team_polls_organiser_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_team_polls_building_id_buildings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_polls'))
    )
    op.create_index(op.f('ix_team_polls_organiser_id'), 'team_polls', ['organiser_id'], unique=False)
    op.create_index(op.f('ix_team_polls_deadline'), 'team_polls', ['deadline'], unique=False)
    op.create_table('team_poll_votes',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('option', sa.Integer(), nullable=False),
    sa.Column('voted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['team_polls.id'], name=op.f('fk_team_poll_votes_poll_id_team_polls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_team_poll_votes_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('poll_id', 'person_id', name=op.f('pk_team_poll_votes'))
    )


def downgrade() -> None:
    op.drop_table('team_poll_votes')
    op.drop_index(op.f('ix_team_polls_deadline'), table_name='team_polls')
    op.drop_index(op.f('ix_team_polls_organiser_id'), table_name='team_polls')
    op.drop_table('team_polls')
