"""The team-feature tests run on a fresh SQLite store with the pilot buildings (bootstrap)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.bootstrap import bootstrap
from bot.settings import Settings


@pytest.fixture()
def services(tmp_path: Path):
    settings = replace(Settings.from_env({"WMS_DATA_DIR": str(tmp_path)}),
                       database_url=f"sqlite:///{tmp_path / 'teams.sqlite3'}")
    svc = bootstrap(settings)
    yield svc
    svc.dispose()
