"""The pure rights rules: rectification checks and the export document."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from core.privacy.rights import Invalid, Rectification, check_rectification, export_document, export_filename


@pytest.mark.parametrize("field,raw,expect", [
    ("phone", "06-12345678", Rectification("phone", "0612345678")),
    ("phone", "+31 (0)6 1234 5678", Rectification("phone", "+310612345678")),
    ("phone", "12", Invalid("phone", "format")),
    ("phone", "call me maybe", Invalid("phone", "format")),
    ("email", "Jan.de.Vries@MINBZK.nl", Rectification("email", "Jan.de.Vries@minbzk.nl")),
    ("email", "<jan@minbzk.nl>.", Rectification("email", "jan@minbzk.nl")),
    ("email", "jan@", Invalid("email", "format")),
    ("email", "a b@c.nl", Invalid("email", "format")),
    ("name", "  Anne-Marie   O'Neil ", Rectification("name", "Anne-Marie O'Neil")),
    ("name", "1234", Invalid("name", "format")),
    ("name", "x" * 101, Invalid("name", "long")),
    ("name", "<script>", Invalid("name", "format")),
    ("department", "DG Water & Ruimte", Rectification("department", "DG Water & Ruimte")),
    ("department", "", Invalid("department", "empty")),
    ("department", "a\x00b", Invalid("department", "format")),
    ("salary", "100", Invalid("salary", "field")),
])
def test_rectification_checks(field, raw, expect) -> None:
    assert check_rectification(field, raw) == expect


def test_rectification_never_raises_on_garbage() -> None:
    for raw in (None, "\ud800", "x" * 20000, "\u202e", "💥"):
        for field in ("name", "email", "phone", "department", "x"):
            assert check_rectification(field, raw) is not None  # type: ignore[arg-type]


def test_export_document_shape() -> None:
    now = datetime(2026, 11, 23, 8, tzinfo=timezone.utc)
    doc = export_document(profile_and_bookings={"profile": {"name": "Jan"}, "reservations": [{"day": "2026-11-26"}]},
                          shares={"everyone": False, "team": True, "colleagues": []},
                          lookups_of_me=[], my_lookups=[], paused_since=None, generated_at=now)
    assert doc["format"] == "wms-bot export 1" and doc["profile"] == {"name": "Jan"}
    assert doc["location_sharing"]["team"] is True and doc["processing_paused_since"] is None
    assert export_filename(now.date()) == "wms-export-2026-11-23.json"
