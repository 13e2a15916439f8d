"""The message catalogs: identical keys, matching placeholders, no user text in the dialog code."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from core.i18n import LANGS, catalog, day, days, lang_of, text

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "core" / "i18n"


def _load(lang: str) -> dict[str, str]:
    return json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))


def test_catalogs_have_identical_keys():
    nl, en = _load("nl"), _load("en")
    assert set(nl) == set(en), sorted(set(nl) ^ set(en))


@pytest.mark.parametrize("lang", LANGS)
def test_no_empty_entries(lang):
    assert all(isinstance(v, str) and v.strip() for v in _load(lang).values())


def test_placeholders_match_across_languages():
    nl, en = catalog("nl"), catalog("en")
    diff = {k: (nl.placeholders(k), en.placeholders(k)) for k in nl.entries
            if nl.placeholders(k) != en.placeholders(k)}
    assert diff == {}


def test_every_key_used_by_the_code_exists():
    used: set[str] = set()
    for path in list((ROOT / "core" / "dialog").glob("*.py")) + [ROOT / "core" / "i18n" / "phrasing.py",
                                                               ROOT / "bot" / "runtime.py",
                                                               ROOT / "bot" / "commands" / "chat.py"]:
        src = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt(?:ext)?\((?:turn\.lang, |lang, |self\.lang, )?"([a-z_]+(?:\.[a-z_]+)+)\"""", src))
    missing = sorted(k for k in used if k not in catalog("nl").entries)
    assert used and missing == []


def _docstrings(tree: ast.AST) -> set[int]:
    """Bare string statements: module/class/function and attribute docstrings."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}


SENTENCE = re.compile(r"[A-Za-zÀ-ÿ]{2,}[,.!?]?\s+[A-Za-zÀ-ÿ]{2,}")


def test_no_user_visible_literal_in_dialog_code():
    """Every sentence the user sees comes from a catalog: the dialog has no quoted prose."""
    offenders = []
    for path in sorted((ROOT / "core" / "dialog").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                if SENTENCE.search(node.value) and not node.value.startswith(("dialog ", "parse ", "welcome ")):
                    offenders.append(f"{path.name}:{node.lineno}: {node.value!r}")
    # log messages (class names only) are the only prose allowed; they start with a fixed word
    assert offenders == []


def test_natural_dates_and_lists():
    from datetime import date
    assert day(date(2026, 11, 26), "nl") == "donderdag 26 november"
    assert day(date(2026, 11, 26), "en") == "Thursday 26 November"
    assert days([date(2026, 12, 1), date(2026, 11, 30)], "nl") == "maandag 30 november en dinsdag 1 december"
    assert days([date(2026, 11, 30), date(2026, 12, 1)], "en") == "Monday 30 November and Tuesday 1 December"


def test_loader_fills_placeholders_and_tolerates_missing_values():
    assert "4000" in text("en", "too_long", max=4000)
    assert text("nl", "too_long") .startswith("Dat bericht")
    assert text("nl", "no.such.key") == "no.such.key"


@pytest.mark.parametrize("locale,lang", [("nl-NL", "nl"), ("en_GB.UTF-8", "en"), ("EN", "en"), ("de-DE", "nl"),
                                         (None, "nl"), ("", "nl")])
def test_lang_of_locale(locale, lang):
    assert lang_of(locale) == lang


def test_keys_built_at_run_time_exist():
    """Keys composed from values (refusals, features, intents, ...) exist in every catalog."""
    from core.booking.api import AlternativeKind, Refusal
    from core.booking.model import FEATURES
    from core.dialog.smalltalk import LATER

    keys = {f"refusal.{r.value}" for r in Refusal}
    keys |= {f"alt.{k.value}" for k in AlternativeKind}
    keys |= {f"feature.{f}" for f in FEATURES}
    keys |= {f"later.{i}" for i in LATER}
    keys |= {f"reason.{r}" for r in ("weekend", "holiday", "closure", "closed_weekday", "unknown")}
    keys |= {f"part.{p}" for p in ("whole_day", "morning", "afternoon", "hours", "from", "until")}
    keys |= {f"context.{s}" for s in ("date", "to_date", "location")}
    keys |= {f"ack.{i}" for i in ("confirm", "deny")}
    keys |= {f"card.status.{s}" for s in ("booked", "open", "declined", "cancelled", "moved", "done")}
    keys |= {f"card.title.{t}" for t in ("booked", "confirm", "choices", "bookings", "availability", "cancelled")}
    for lang in LANGS:
        missing = sorted(k for k in keys if k not in catalog(lang).entries)
        assert missing == [], (lang, missing)
