"""Logs cannot leak personal data: third-party loggers capped, a redacting root handler."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Iterator

import pytest

from adapters.store.crypto import generate_key
from bot.bootstrap import bootstrap
from bot.logging_setup import THIRD_PARTY_WARNING, configure_logging, redact
from bot.settings import Settings
from core.booking.api import PersonInfo
from core.clock import AMSTERDAM
from datetime import datetime


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (root.level, list(root.handlers), {n: logging.getLogger(n).level for n in THIRD_PARTY_WARNING})
    out = io.StringIO()
    configure_logging("DEBUG", stream=out)
    try:
        yield out
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        for name, level in saved[2].items():
            logging.getLogger(name).setLevel(level)


@pytest.mark.parametrize("raw,masked", [
    ("user jan.jansen@minbzk.nl booked", "user <email> booked"),
    ("from @jan:matrix.example.org in room", "from <matrix-id> in room"),
    ("aad 0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f", "aad <guid>"),
    ("call +31 6 1234 5678", "call <phone>"),
    ("call 0031612345678", "call <phone>"),
    ("call 06-12345678", "call <phone>"),
    ("call 070 123 4567", "call <phone>"),
    ("night 2026-03-29 at 02:00:00, 12 rows, port 5432, id 123456789", None),
])
def test_redact(raw: str, masked: str | None) -> None:
    assert redact(raw) == (masked or raw)


def test_the_root_handler_redacts_messages_arguments_and_exceptions(stream: io.StringIO) -> None:
    log = logging.getLogger("wms.test")
    log.debug("hello %s", "anna@example.org")
    try:
        raise ValueError("bad phone +31 6 1357 9246 for @anna:example.org")
    except ValueError:
        log.exception("failed")
    text = stream.getvalue()
    assert "anna" not in text and "1357" not in text
    assert "hello <email>" in text and "<phone>" in text and "<matrix-id>" in text and "ValueError" in text


def test_third_party_loggers_are_capped_even_at_debug(stream: io.StringIO) -> None:
    for name in ("sqlalchemy.engine.Engine", "aiohttp.access", "nio.client", "microsoft_agents.hosting"):
        logging.getLogger(name).info("secret %s", "x")
        assert not logging.getLogger(name).isEnabledFor(logging.INFO)
    assert "secret" not in stream.getvalue()


def test_sql_parameters_never_reach_the_log(stream: io.StringIO, tmp_path: Path) -> None:
    svc = bootstrap(Settings.from_env({"WMS_DATA_DIR": str(tmp_path), "WMS_DATABASE_URL":
                                       f"sqlite:///{tmp_path / 'l.sqlite3'}", "WMS_SEED_PILOT": "0",
                                       "WMS_ENCRYPTION_KEY": generate_key(), "WMS_HASH_KEY": generate_key()}))
    try:
        svc.booking.ensure_person(PersonInfo("matrix:@loggy:example.org", name="Loggy McLog"),
                                  datetime(2026, 11, 23, 9, tzinfo=AMSTERDAM))
    finally:
        svc.dispose()
    text = stream.getvalue()
    assert "loggy" not in text.lower() and "INSERT" not in text
