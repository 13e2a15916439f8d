"""Location sharing and rights: sharing grants, the 'who looked me up' log, restriction flags.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sharing_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sharer_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("scope IN ('person', 'team', 'everyone')", name=op.f('ck_sharing_grants_scope')),
    sa.CheckConstraint("(scope = 'person') = (viewer_id IS NOT NULL)", name=op.f('ck_sharing_grants_viewer')),
    sa.ForeignKeyConstraint(['sharer_id'], ['people.id'], name=op.f('fk_sharing_grants_sharer_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['viewer_id'], ['people.id'], name=op.f('fk_sharing_grants_viewer_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sharing_grants'))
    )
    with op.batch_alter_table('sharing_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sharing_grants_sharer_id'), ['sharer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sharing_grants_viewer_id'), ['viewer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sharing_grants_scope'), ['scope'], unique=False)

    op.create_table('location_lookups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sharer_id', sa.Integer(), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=False),
    sa.Column('looked_up_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['sharer_id'], ['people.id'], name=op.f('fk_location_lookups_sharer_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['viewer_id'], ['people.id'], name=op.f('fk_location_lookups_viewer_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location_lookups'))
    )
    with op.batch_alter_table('location_lookups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_location_lookups_looked_up_at'), ['looked_up_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_location_lookups_sharer_id'), ['sharer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_location_lookups_viewer_id'), ['viewer_id'], unique=False)

    op.create_table('privacy_restrictions',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('since', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_privacy_restrictions_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_privacy_restrictions'))
    )


def downgrade() -> None:
    op.drop_table('privacy_restrictions')
    with op.batch_alter_table('location_lookups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_location_lookups_viewer_id'))
        batch_op.drop_index(batch_op.f('ix_location_lookups_sharer_id'))
        batch_op.drop_index(batch_op.f('ix_location_lookups_looked_up_at'))
    op.drop_table('location_lookups')
    with op.batch_alter_table('sharing_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sharing_grants_scope'))
        batch_op.drop_index(batch_op.f('ix_sharing_grants_viewer_id'))
        batch_op.drop_index(batch_op.f('ix_sharing_grants_sharer_id'))
    op.drop_table('sharing_grants')
