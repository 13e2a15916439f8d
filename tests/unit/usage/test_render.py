"""Every report format from one fixed report: structure, suppression marks, escaping."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

from adapters.reports import FORMATS, render
from adapters.reports.tabular import CSV_COLUMNS
from core.usage.aggregate import build_report

from . import fixture as fx


def report(name: str = "Gebouw Een", min_cell: int = 5):  # type: ignore[no-untyped-def]
    scope = fx.scope()
    scope = dataclasses.replace(scope, buildings=(dataclasses.replace(fx.BUILDING, name=name),))
    day_rows, desk_rows, cell_rows = fx.rows()
    return build_report(scope, fx.d(0), fx.d(6), fx.TODAY, min_cell, day_rows, desk_rows, cell_rows,
                        building_id="b1")


def test_json_structure_and_marks() -> None:
    doc = json.loads(render(report(), "json"))
    b = doc["buildings"][0]
    assert doc["suppressed_as"] == {"small": "<5", "complement": "x"}
    assert b["totals"]["reserved"] == 35 and b["totals"]["released"] == "<5"
    assert b["totals"]["occupancy"] == 0.4375
    assert len(b["days"]) == 5 and set(b["days"][0]["parts"]) == {"morning", "afternoon"}
    assert {x["desk_type"] for x in b["desk_types"]} == {"dual_screen+quiet", "single_screen",
                                                         "dual_screen+sit_stand"}
    assert b["cells"] and all(set(c) >= {"day", "part", "floor", "zone", "desk_type"} for c in b["cells"])


def test_csv_is_one_long_table() -> None:
    rows = list(csv.DictReader(io.StringIO(render(report(), "csv").decode())))
    assert tuple(rows[0]) == CSV_COLUMNS
    sections = {r["section"] for r in rows}
    assert sections == {"all", "building", "day", "day_part", "desk_type", "zone", "cell"}
    building = next(r for r in rows if r["section"] == "building")
    assert (building["reserved"], building["checked_in"], building["released"]) == ("35", "30", "<5")


def test_html_escapes_and_embeds_the_chart() -> None:
    html = render(report(name='<script>alert("x")</script> & Co'), "html", "en").decode()
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; Co" in html
    assert 'src="data:image/png;base64,' in html
    assert html.count("<table>") >= 4


def test_every_format_renders_bytes() -> None:
    rep = report()
    for fmt in FORMATS:
        for lang in ("nl", "en"):
            data = render(rep, fmt, lang)
            assert isinstance(data, bytes) and len(data) > 100
    assert render(rep, "png").startswith(b"\x89PNG\r\n\x1a\n")


def test_table_marks_complements_as_x() -> None:
    text = render(report(), "table", "en").decode()
    assert "<5" in text and " x " in text
    assert "Counts below 5" in text
