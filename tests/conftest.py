"""Shared fixtures: ``pg_url`` (a fresh PostgreSQL database per test module) and ``sqlite_url``.

PostgreSQL is expected at 127.0.0.1:5432 (user postgres, trust auth). With ``CI=true`` a
missing server fails the tests loudly; otherwise they are skipped.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Iterator

import pytest

PG_ADMIN_URL = os.environ.get("WMS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _admin_connect():  # type: ignore[no-untyped-def]
    import psycopg

    dsn = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(dsn, autocommit=True, connect_timeout=5)


@pytest.fixture(scope="module")
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A SQLAlchemy URL of a new, empty PostgreSQL database, dropped after the module."""
    try:
        admin = _admin_connect()
    except Exception as exc:  # noqa: BLE001 - any connection failure
        if _in_ci():
            pytest.fail(f"PostgreSQL at 127.0.0.1:5432 is required when CI=true: {type(exc).__name__}: {exc}")
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    module = re.sub(r"[^a-z0-9]+", "_", request.module.__name__.rsplit(".", 1)[-1].lower())[:30]
    name = f"wms_t_{module}_{secrets.token_hex(4)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with _admin_connect() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A SQLAlchemy URL of a new SQLite file in the test's temporary directory."""
    return f"sqlite:///{(tmp_path / 'wms.sqlite3').as_posix()}"


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a private schema of the module's PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'wms.sqlite3').as_posix()}"
        return
    import psycopg

    base = request.getfixturevalue("pg_url")
    schema = f"s_{secrets.token_hex(4)}"
    dsn = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
