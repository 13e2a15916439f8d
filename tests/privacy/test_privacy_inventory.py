"""The data inventory in docs/privacy.md cannot drift: every column of every table (reflected
from a real database, including the tables the channels create on first use) is classified
there, and every column that can hold personal data has its purpose, retention and the place
where it is deleted."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import inspect

from adapters.store.leases import ensure_table
from adapters.store.people import ENCRYPTED_COLUMNS
from bot.bootstrap import bootstrap

from privacy_helpers import privacy_settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"
CLASSES = {"personal", "linkable", "pseudonymous", "usage", "none"}


def _section(name: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {name}:start -->(.*?)<!-- {name}:end -->", text, re.S)
    assert match, f"docs/privacy.md lacks the {name} section"
    return match.group(1)


def inventory() -> dict[str, list[str]]:
    rows = {}
    for line in _section("inventory").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 5 or cells[0] in ("column", "") or set(cells[0]) <= {"-"}:
            continue
        assert cells[0] not in rows, f"{cells[0]} is listed twice"
        rows[cells[0]] = cells[1:]
    return rows


def not_personal() -> set[str]:
    return {c.strip() for c in _section("not-personal").replace("\n", " ").split(",") if c.strip()}


def _all_columns(tmp_path: Path) -> set[str]:
    svc = bootstrap(privacy_settings(f"sqlite:///{tmp_path / 'inv.sqlite3'}", tmp_path))
    try:
        # Tables other parts create on first use.
        ensure_table(svc.engine)
        from adapters.matrix.state import metadata as matrix_metadata
        from adapters.teams.references import metadata as teams_metadata

        matrix_metadata.create_all(svc.engine)
        teams_metadata.create_all(svc.engine)
        insp = inspect(svc.engine)
        return {f"{t}.{c['name']}" for t in insp.get_table_names() for c in insp.get_columns(t)}
    finally:
        svc.dispose()


def test_every_column_is_classified(tmp_path: Path) -> None:
    inv, plain = inventory(), not_personal()
    assert not set(inv) & plain, f"classified twice: {sorted(set(inv) & plain)}"
    columns = _all_columns(tmp_path)
    missing = sorted(columns - set(inv) - plain)
    assert not missing, ("columns not classified in docs/privacy.md (add them to the inventory or to the "
                         f"not-personal list): {missing}")
    stale = sorted((set(inv) | plain) - columns)
    assert not stale, f"docs/privacy.md lists columns that do not exist: {stale}"


def test_personal_columns_say_purpose_retention_and_deletion() -> None:
    for column, (cls, purpose, retention, where) in ((k, v[:4]) for k, v in inventory().items()):
        assert cls in CLASSES, f"{column}: unknown class {cls!r}"
        if cls in ("personal", "linkable", "pseudonymous"):
            assert purpose and retention and where, f"{column}: purpose, retention and deletion are required"


def test_personal_fields_of_people_are_encrypted() -> None:
    inv = inventory()
    for field in ("name", "email", "phone", "department", "external_id_enc"):
        assert inv[f"people.{field}"][0] == "personal" and field in ENCRYPTED_COLUMNS
