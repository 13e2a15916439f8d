"""Initial schema: buildings, floors, zones, desks, people, reservations, dialog state.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('buildings',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('organisations', sa.JSON(), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('morning_start', sa.Time(), nullable=False),
    sa.Column('morning_end', sa.Time(), nullable=False),
    sa.Column('afternoon_start', sa.Time(), nullable=False),
    sa.Column('afternoon_end', sa.Time(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_buildings'))
    )
    op.create_table('catalogue_meta',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_meta'))
    )
    op.create_table('conversation_state',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_conversation_state'))
    )
    with op.batch_alter_table('conversation_state', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_state_expires_at'), ['expires_at'], unique=False)

    op.create_table('handled_messages',
    sa.Column('message_key', sa.String(length=255), nullable=False),
    sa.Column('replies', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('message_key', name=op.f('pk_handled_messages'))
    )
    with op.batch_alter_table('handled_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handled_messages_created_at'), ['created_at'], unique=False)

    op.create_table('idempotency_keys',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_idempotency_keys'))
    )
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_keys_created_at'), ['created_at'], unique=False)

    op.create_table('people',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('external_id', sa.String(length=255), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('department', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_active_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('external_id', name=op.f('uq_people_external_id'))
    )
    op.create_table('building_hours',
    sa.Column('building_id', sa.String(length=64), nullable=False),
    sa.Column('weekday', sa.SmallInteger(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_building_hours_weekday')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_building_hours_building_id_buildings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('building_id', 'weekday', name=op.f('pk_building_hours'))
    )
    op.create_table('closures',
    sa.Column('building_id', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_closures_building_id_buildings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('building_id', 'day', name=op.f('pk_closures'))
    )
    op.create_table('floors',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('building_id', sa.String(length=64), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_floors_building_id_buildings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_floors')),
    sa.UniqueConstraint('building_id', 'level', name=op.f('uq_floors_building_id_level'))
    )
    op.create_table('zones',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('building_id', sa.String(length=64), nullable=False),
    sa.Column('floor_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('quiet', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_zones_building_id_buildings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['floor_id'], ['floors.id'], name=op.f('fk_zones_floor_id_floors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zones')),
    sa.UniqueConstraint('building_id', 'code', name=op.f('uq_zones_building_id_code'))
    )
    op.create_table('desks',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('building_id', sa.String(length=64), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('sit_stand', sa.Boolean(), nullable=False),
    sa.Column('screens', sa.SmallInteger(), nullable=False),
    sa.Column('accessible', sa.Boolean(), nullable=False),
    sa.Column('in_use', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.CheckConstraint('screens IN (1, 2)', name=op.f('ck_desks_screens')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_desks_building_id_buildings')),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_desks_zone_id_zones')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_desks')),
    sa.UniqueConstraint('building_id', 'code', name=op.f('uq_desks_building_id_code'))
    )
    op.create_table('desk_neighbours',
    sa.Column('desk_id', sa.Integer(), nullable=False),
    sa.Column('neighbour_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['desk_id'], ['desks.id'], name=op.f('fk_desk_neighbours_desk_id_desks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['neighbour_id'], ['desks.id'], name=op.f('fk_desk_neighbours_neighbour_id_desks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('desk_id', 'neighbour_id', name=op.f('pk_desk_neighbours'))
    )
    op.create_table('reservations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('desk_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('part', sa.String(length=9), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('department', sa.String(length=200), nullable=True),
    sa.Column('group_id', sa.String(length=32), nullable=True),
    sa.Column('source_message_id', sa.String(length=255), nullable=True),
    sa.Column('status', sa.String(length=9), server_default='active', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(), nullable=True),
    sa.Column('checked_out_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("part IN ('morning', 'afternoon')", name=op.f('ck_reservations_part')),
    sa.CheckConstraint("status IN ('active', 'cancelled', 'released')", name=op.f('ck_reservations_status')),
    sa.ForeignKeyConstraint(['booked_by_id'], ['people.id'], name=op.f('fk_reservations_booked_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_reservations_building_id_buildings')),
    sa.ForeignKeyConstraint(['desk_id'], ['desks.id'], name=op.f('fk_reservations_desk_id_desks')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_reservations_person_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reservations'))
    )
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.create_index('ix_reservations_booked_by', ['booked_by_id'], unique=False, sqlite_where=sa.text('booked_by_id IS NOT NULL'), postgresql_where=sa.text('booked_by_id IS NOT NULL'))
        batch_op.create_index('ix_reservations_building_day_active', ['building_id', 'day', 'desk_id', 'part', 'status'], unique=False, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.create_index('ix_reservations_day', ['day'], unique=False)
        batch_op.create_index('ix_reservations_group', ['group_id'], unique=False, sqlite_where=sa.text('group_id IS NOT NULL'), postgresql_where=sa.text('group_id IS NOT NULL'))
        batch_op.create_index('ix_reservations_person_day', ['person_id', 'day'], unique=False, sqlite_where=sa.text('person_id IS NOT NULL'), postgresql_where=sa.text('person_id IS NOT NULL'))
        batch_op.create_index('ix_reservations_source_message', ['source_message_id'], unique=False, sqlite_where=sa.text('source_message_id IS NOT NULL'), postgresql_where=sa.text('source_message_id IS NOT NULL'))
        batch_op.create_index('uq_reservations_desk_active', ['desk_id', 'day', 'part'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.create_index('uq_reservations_person_active', ['person_id', 'day', 'part'], unique=True, sqlite_where=sa.text("status = 'active' AND person_id IS NOT NULL"), postgresql_where=sa.text("status = 'active' AND person_id IS NOT NULL"))




def downgrade() -> None:

    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_index('uq_reservations_person_active', sqlite_where=sa.text("status = 'active' AND person_id IS NOT NULL"), postgresql_where=sa.text("status = 'active' AND person_id IS NOT NULL"))
        batch_op.drop_index('uq_reservations_desk_active', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index('ix_reservations_source_message', sqlite_where=sa.text('source_message_id IS NOT NULL'), postgresql_where=sa.text('source_message_id IS NOT NULL'))
        batch_op.drop_index('ix_reservations_person_day', sqlite_where=sa.text('person_id IS NOT NULL'), postgresql_where=sa.text('person_id IS NOT NULL'))
        batch_op.drop_index('ix_reservations_group', sqlite_where=sa.text('group_id IS NOT NULL'), postgresql_where=sa.text('group_id IS NOT NULL'))
        batch_op.drop_index('ix_reservations_day')
        batch_op.drop_index('ix_reservations_building_day_active', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index('ix_reservations_booked_by', sqlite_where=sa.text('booked_by_id IS NOT NULL'), postgresql_where=sa.text('booked_by_id IS NOT NULL'))

    op.drop_table('reservations')
    op.drop_table('desk_neighbours')
    op.drop_table('desks')
    op.drop_table('zones')
    op.drop_table('floors')
    op.drop_table('closures')
    op.drop_table('building_hours')
    op.drop_table('people')
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_keys_created_at'))

    op.drop_table('idempotency_keys')
    with op.batch_alter_table('handled_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handled_messages_created_at'))

    op.drop_table('handled_messages')
    with op.batch_alter_table('conversation_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_state_expires_at'))

    op.drop_table('conversation_state')
    op.drop_table('catalogue_meta')
    op.drop_table('buildings')

