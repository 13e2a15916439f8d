"""Database leases: one holder at a time per name, across bot instances sharing a database.

A lease is a row ``(name, holder, expires_ms)``. Taking it succeeds when nobody holds it,
when it has expired, or when the caller already holds it (renewal). Each step is one
conditional ``UPDATE`` or one ``INSERT`` guarded by the primary key, so it is atomic on
PostgreSQL and on SQLite alike, without advisory locks. A holder that dies simply stops
renewing; the lease expires after ``ttl`` and another instance takes it.

The ``wms_leases`` table belongs to this module and is created with
``metadata.create_all`` for that one table (no Alembic migration needed).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import BigInteger, Column, MetaData, String, Table, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from adapters.store.engine import create_missing

metadata = MetaData()

leases = Table(
    "wms_leases",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(64), nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
)


def ensure_table(engine: Engine) -> None:
    """Create the lease table when it does not exist (only this table)."""
    create_missing(engine, metadata, tables=[leases])


@dataclass
class Lease:
    """A named lease in the database for one would-be holder.

    ``clock`` returns seconds (default ``time.time``); inject one in tests.
    """

    engine: Engine
    name: str
    holder: str
    ttl: float = 20.0
    clock: Callable[[], float] = time.time

    def _now_ms(self) -> int:
        return int(self.clock() * 1000)

    def acquire(self) -> bool:
        """Take or renew the lease; True when this holder has it for the next ``ttl`` seconds."""
        now = self._now_ms()
        expires = now + int(self.ttl * 1000)
        with self.engine.begin() as conn:
            result = conn.execute(
                update(leases)
                .where(leases.c.name == self.name)
                .where((leases.c.holder == self.holder) | (leases.c.expires_ms < now))
                .values(holder=self.holder, expires_ms=expires)
            )
            if result.rowcount == 1:
                return True
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(leases).values(name=self.name, holder=self.holder, expires_ms=expires))
            return True
        except IntegrityError:
            return False  # someone else holds it (or took it a moment ago)

    def renew(self) -> bool:
        """Extend the lease; False when another holder has taken it meanwhile."""
        now = self._now_ms()
        with self.engine.begin() as conn:
            result = conn.execute(
                update(leases)
                .where(leases.c.name == self.name)
                .where(leases.c.holder == self.holder)
                .values(expires_ms=now + int(self.ttl * 1000))
            )
            return result.rowcount == 1

    def release(self) -> None:
        """Give the lease up at once (e.g. at shutdown), so another instance need not wait."""
        with self.engine.begin() as conn:
            conn.execute(
                update(leases)
                .where(leases.c.name == self.name)
                .where(leases.c.holder == self.holder)
                .values(expires_ms=0)
            )

    def _row(self):  # type: ignore[no-untyped-def]
        with self.engine.connect() as conn:
            return conn.execute(select(leases.c.holder, leases.c.expires_ms).where(leases.c.name == self.name)).first()

    def held_by_me(self) -> bool:
        """Whether the row still names this holder (a fence that needs no agreement on clocks)."""
        row = self._row()
        return row is not None and row.holder == self.holder

    def held(self) -> bool:
        """Whether this holder has an unexpired lease right now."""
        row = self._row()
        return row is not None and row.holder == self.holder and row.expires_ms >= self._now_ms()
