"""Teams coordinating joint workdays: managed teams, waitlist, reminder opt-ins, notices.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa



revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['people.id'], name=op.f('fk_teams_owner_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('owner_id', name=op.f('uq_teams_owner_id'))
    )
    op.create_table('team_members',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_members_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_team_members_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', 'person_id', name=op.f('pk_team_members'))
    )
    op.create_index(op.f('ix_team_members_person_id'), 'team_members', ['person_id'], unique=False)
    op.create_table('team_waitlist',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('part', sa.String(length=9), nullable=True),
    sa.Column('features', sa.JSON(), nullable=False),
    sa.Column('auto_book', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_team_waitlist_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_team_waitlist_building_id_buildings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_waitlist')),
    sa.UniqueConstraint('person_id', 'building_id', 'day', name=op.f('uq_team_waitlist_person_id_building_id_day'))
    )
    op.create_index(op.f('ix_team_waitlist_person_id'), 'team_waitlist', ['person_id'], unique=False)
    op.create_index(op.f('ix_team_waitlist_day'), 'team_waitlist', ['day'], unique=False)
    op.create_table('team_reminders',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('since', sa.DateTime(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_team_reminders_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_team_reminders'))
    )
    op.create_table('team_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_team_notices_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_notices'))
    )
    op.create_index(op.f('ix_team_notices_person_id'), 'team_notices', ['person_id'], unique=False)


def downgrade() -> None:
    op.drop_table('team_notices')
    op.drop_table('team_reminders')
    op.drop_index(op.f('ix_team_waitlist_day'), table_name='team_waitlist')
    op.drop_index(op.f('ix_team_waitlist_person_id'), table_name='team_waitlist')
    op.drop_table('team_waitlist')
    op.drop_index(op.f('ix_team_members_person_id'), table_name='team_members')
    op.drop_table('team_members')
    op.drop_table('teams')
