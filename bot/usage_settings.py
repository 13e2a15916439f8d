"""Usage settings, parsed from ``settings.extra``; a bad value raises :class:`SettingsError` naming it.

- ``WMS_REPORT_MIN_CELL`` (default 5, 2..1000): counts below it are shown as ``"<N"``.
- ``WMS_REPORT_MAX_DAYS`` (default 1098 = three years, 1..3660): the longest report range.
- ``WMS_FACILITY_MANAGERS``: comma-separated stable ids ``<channel>:<id>`` with the
  facility-manager role (``matrix:@fm:example.org,teams:<tenant>:<aadObjectId>``).
- ``WMS_AUTO_RELEASE``: per building the time by which a booking must be checked in,
  e.g. ``turfmarkt-147=10:00,spark=09:30``; empty (default) is off everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time
from typing import Iterable

from bot.settings import Settings, SettingsError
from core.usage.model import DEFAULT_MIN_CELL, MAX_RANGE_DAYS
from core.usage.roles import normalise_manager_id

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_BUILDING = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True)
class UsageSettings:
    min_cell: int = DEFAULT_MIN_CELL
    max_days: int = MAX_RANGE_DAYS
    facility_managers: tuple[str, ...] = ()
    auto_release: dict[str, time] = field(default_factory=dict)

    def check_buildings(self, known: Iterable[str]) -> None:
        """Refuse auto-release times for buildings the store does not know (call at start)."""
        unknown = sorted(set(self.auto_release) - set(known))
        if unknown:
            raise SettingsError(f"WMS_AUTO_RELEASE names unknown building(s): {', '.join(unknown)}")

    @classmethod
    def from_settings(cls, settings: Settings) -> "UsageSettings":
        return cls.from_extra(settings.extra)

    @classmethod
    def from_extra(cls, extra: dict[str, str]) -> "UsageSettings":
        return cls(
            min_cell=_int(extra, "WMS_REPORT_MIN_CELL", DEFAULT_MIN_CELL, 2, 1000),
            max_days=_int(extra, "WMS_REPORT_MAX_DAYS", MAX_RANGE_DAYS, 1, 3660),
            facility_managers=_managers(extra),
            auto_release=_auto_release(extra),
        )


def _int(extra: dict[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = (extra.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if not lo <= value <= hi:
        raise SettingsError(f"{name} must be between {lo} and {hi}, not {value}")
    return value


def _managers(extra: dict[str, str]) -> tuple[str, ...]:
    name = "WMS_FACILITY_MANAGERS"
    raw = (extra.get(name) or "").strip()
    if not raw:
        return ()
    out = []
    for i, item in enumerate(raw.split(","), start=1):
        if not item.strip():
            continue
        key = normalise_manager_id(item)
        if key is None or key.split(":", 1)[0] not in ("matrix", "teams", "terminal", "test"):
            raise SettingsError(f"{name}: entry {i} must be <channel>:<stable id> with channel matrix, teams "
                                "or terminal (e.g. matrix:@fm:example.org)")
        out.append(key)
    return tuple(dict.fromkeys(out))


def _auto_release(extra: dict[str, str]) -> dict[str, time]:
    name = "WMS_AUTO_RELEASE"
    raw = (extra.get(name) or "").strip()
    if not raw or raw.lower() in ("0", "off", "false", "no"):
        return {}
    out: dict[str, time] = {}
    for i, item in enumerate(raw.split(","), start=1):
        if not item.strip():
            continue
        building, sep, when = item.partition("=")
        building, when = building.strip(), when.strip()
        m = _TIME.match(when)
        if not sep or not _BUILDING.match(building) or not m:
            raise SettingsError(f"{name}: entry {i} must be <building id>=HH:MM (e.g. turfmarkt-147=10:00)")
        if building in out:
            raise SettingsError(f"{name}: building {building!r} is given twice")
        out[building] = time(int(m.group(1)), int(m.group(2)))
    return out
