"""Fixtures of the privacy tests: a bootstrapped store on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from bot.bootstrap import Services, bootstrap
from privacy_helpers import privacy_settings


@pytest.fixture
def services(store_url: str, tmp_path: Path) -> Iterator[Services]:
    svc = bootstrap(privacy_settings(store_url, tmp_path))
    try:
        yield svc
    finally:
        svc.dispose()
