"""Less work per booking row, the same guarantees.

* ``ck_reservations_status`` is ``status = 'active' OR status = 'cancelled' OR status =
  'released'`` instead of ``status IN (...)``: the same meaning, but on SQLite an IN list of
  three or more constants builds a temporary b-tree on every INSERT (OpenEphemeral, about an
  eighth of a booking's INSERT). SQLite cannot change a CHECK in place: the table is rebuilt
  (new table, rows copied with their ids, old table dropped, new one renamed, indexes
  re-created as they were). PostgreSQL drops and re-adds the constraint.
* ``ix_reservations_booked_by`` holds only the rows booked for someone else or for nobody
  (open seats): ``WHERE booked_by_id IS NOT NULL AND person_id IS NOT booked_by_id``
  (PostgreSQL: ``IS DISTINCT FROM``). A person's own bookings (booked_by_id = person_id, nearly
  every row) are found through ``uq_reservations_person_day`` and no longer write an entry here.
  Queries for the rows booked by someone ask for both parts (``tables.booked_by``).

The SQL is written out here (a migration must not follow later changes of the models).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23
"""
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_STATUS_IN = "status IN ('active', 'cancelled', 'released')"
_STATUS_OR = "status = 'active' OR status = 'cancelled' OR status = 'released'"

_BOOKED_BY_ALL = "booked_by_id IS NOT NULL"
_BOOKED_BY_OTHERS = {
    'sqlite': "booked_by_id IS NOT NULL AND person_id IS NOT booked_by_id",
    'postgresql': "booked_by_id IS NOT NULL AND person_id IS DISTINCT FROM booked_by_id",
}

# The reservations table as migrations 0001-0010 left it on SQLite (sqlite_master), but for
# the CHECK on the status.
_SQLITE_TABLE = "CREATE TABLE _reservations_new (\n\t" + ",\n\t".join((
    "id INTEGER NOT NULL",
    "desk_id INTEGER NOT NULL",
    "building_id VARCHAR(64) NOT NULL",
    "day DATE NOT NULL",
    "part VARCHAR(9) NOT NULL",
    "person_id INTEGER",
    "booked_by_id INTEGER",
    "department VARCHAR(200)",
    "group_id VARCHAR(32)",
    "source_message_id VARCHAR(255)",
    "status VARCHAR(9) DEFAULT 'active' NOT NULL",
    "created_at DATETIME NOT NULL",
    "checked_in_at DATETIME",
    "checked_out_at DATETIME",
    "CONSTRAINT pk_reservations PRIMARY KEY (id)",
    "CONSTRAINT ck_reservations_part CHECK (part IN ('morning', 'afternoon'))",
    "CONSTRAINT ck_reservations_status CHECK ({status})",
    "CONSTRAINT fk_reservations_booked_by_id_people FOREIGN KEY(booked_by_id) REFERENCES people (id) "
    "ON DELETE SET NULL",
    "CONSTRAINT fk_reservations_building_id_buildings FOREIGN KEY(building_id) REFERENCES buildings (id)",
    "CONSTRAINT fk_reservations_desk_id_desks FOREIGN KEY(desk_id) REFERENCES desks (id)",
    "CONSTRAINT fk_reservations_person_id_people FOREIGN KEY(person_id) REFERENCES people (id) "
    "ON DELETE SET NULL",
)) + "\n)"
_COLUMNS = ("id, desk_id, building_id, day, part, person_id, booked_by_id, department, group_id, "
            "source_message_id, status, created_at, checked_in_at, checked_out_at")
# The reservation indexes of 0010 (but for the booked_by index's condition), as sqlite_master spells them.
_SQLITE_INDEXES = (
    "CREATE UNIQUE INDEX uq_reservations_day_desk ON reservations "
    "(day, building_id, desk_id, part, status, (CASE WHEN status = 'active' THEN 0 ELSE id END))",
    "CREATE UNIQUE INDEX uq_reservations_person_day ON reservations "
    "(person_id, day, part, (CASE WHEN status = 'active' THEN 0 ELSE id END)) WHERE person_id IS NOT NULL",
    "CREATE INDEX ix_reservations_group ON reservations (group_id) WHERE group_id IS NOT NULL",
    "CREATE INDEX ix_reservations_booked_by ON reservations (booked_by_id) WHERE {booked_by}",
)


def _sqlite_rebuild(status: str, booked_by: str) -> None:
    """The conventional SQLite table rebuild (https://sqlite.org/lang_altertable.html#otheralter):
    nothing references ``reservations`` by foreign key, so it runs with foreign keys on, inside
    the migration's transaction. Dropping the table drops its indexes; ids are copied."""
    op.execute(_SQLITE_TABLE.format(status=status))
    op.execute(f"INSERT INTO _reservations_new ({_COLUMNS}) SELECT {_COLUMNS} FROM reservations")
    op.execute("DROP TABLE reservations")
    op.execute("ALTER TABLE _reservations_new RENAME TO reservations")
    for sql in _SQLITE_INDEXES:
        op.execute(sql.format(booked_by=booked_by))


def _postgresql(status: str, booked_by: str) -> None:
    op.execute("ALTER TABLE reservations DROP CONSTRAINT ck_reservations_status, "
               f"ADD CONSTRAINT ck_reservations_status CHECK ({status})")
    op.execute("DROP INDEX ix_reservations_booked_by")
    op.execute(f"CREATE INDEX ix_reservations_booked_by ON reservations (booked_by_id) WHERE {booked_by}")


def _migrate(status: str, booked_by: dict[str, str]) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        _sqlite_rebuild(status, booked_by['sqlite'])
    else:
        _postgresql(status, booked_by['postgresql'])


def upgrade() -> None:
    _migrate(_STATUS_OR, _BOOKED_BY_OTHERS)


def downgrade() -> None:
    _migrate(_STATUS_IN, {'sqlite': _BOOKED_BY_ALL, 'postgresql': _BOOKED_BY_ALL})
