"""Fewer reservation indexes, the same guarantees: every booking wrote 7 index entries per row
(8 indexes); it now writes 3 (4 indexes).

* ``uq_reservations_day_desk`` (day, building_id, desk_id, part, status, CASE WHEN status =
  'active' THEN 0 ELSE id END), unique, replaces ``uq_reservations_desk_active``,
  ``ix_reservations_building_day_active`` and ``ix_reservations_day``: an active row's last
  key is 0, so one desk, day and part has at most one active row (a desk belongs to one
  building: the same rule as before); any other row's last key is its own id, so cancelled and
  released rows never collide. Leading with the day it serves the day-range queries (reports,
  anonymisation, retention), and (day, building) the hot query, index-only as before.
* ``uq_reservations_person_day`` (person_id, day, part, CASE ... END) WHERE person_id IS NOT
  NULL, unique, replaces ``uq_reservations_person_active`` and ``ix_reservations_person_day``
  the same way: one active row per person, day and part, and every row of a person by index.
* ``ix_reservations_source_message`` is dropped: a message is recognised by the rows of its
  booker (``booked_by_id``, indexed), which every row of a booking carries.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_KEEP_ACTIVE_UNIQUE = "(CASE WHEN status = 'active' THEN 0 ELSE id END)"


def upgrade() -> None:
    # New first: the database refuses double bookings at every step.
    op.execute("CREATE UNIQUE INDEX uq_reservations_day_desk ON reservations "
               f"(day, building_id, desk_id, part, status, {_KEEP_ACTIVE_UNIQUE})")
    op.execute("CREATE UNIQUE INDEX uq_reservations_person_day ON reservations "
               f"(person_id, day, part, {_KEEP_ACTIVE_UNIQUE}) WHERE person_id IS NOT NULL")
    for name in ("uq_reservations_desk_active", "ix_reservations_building_day_active", "ix_reservations_day",
                 "uq_reservations_person_active", "ix_reservations_person_day", "ix_reservations_source_message"):
        op.drop_index(name, table_name='reservations')


def downgrade() -> None:
    op.create_index('uq_reservations_desk_active', 'reservations', ['desk_id', 'day', 'part'], unique=True,
                    sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
    op.create_index('uq_reservations_person_active', 'reservations', ['person_id', 'day', 'part'], unique=True,
                    sqlite_where=sa.text("status = 'active' AND person_id IS NOT NULL"),
                    postgresql_where=sa.text("status = 'active' AND person_id IS NOT NULL"))
    op.create_index('ix_reservations_building_day_active', 'reservations',
                    ['building_id', 'day', 'desk_id', 'part', 'status'], unique=False,
                    sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
    op.create_index('ix_reservations_person_day', 'reservations', ['person_id', 'day'], unique=False,
                    sqlite_where=sa.text('person_id IS NOT NULL'), postgresql_where=sa.text('person_id IS NOT NULL'))
    op.create_index('ix_reservations_source_message', 'reservations', ['source_message_id'], unique=False,
                    sqlite_where=sa.text('source_message_id IS NOT NULL'),
                    postgresql_where=sa.text('source_message_id IS NOT NULL'))
    op.create_index('ix_reservations_day', 'reservations', ['day'], unique=False)
    op.drop_index('uq_reservations_person_day', table_name='reservations')
    op.drop_index('uq_reservations_day_desk', table_name='reservations')
