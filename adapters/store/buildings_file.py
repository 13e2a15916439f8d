"""The buildings data file (``data/pilot-buildings.json``): parsing and validation.

Errors name the line and the field, e.g. ``line 812: buildings[1].floors[3].zones[0].desks[4].screens:
must be 1 or 2``. The file is parsed with the fast C decoder; only when something is wrong
is it parsed again with a position-tracking decoder to find the line.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SPAN = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class DeskSpec:
    code: str
    sit_stand: bool
    screens: int
    accessible: bool
    neighbours: tuple[str, ...]


@dataclass(frozen=True)
class ZoneSpec:
    code: str
    name: str
    quiet: bool
    desks: tuple[DeskSpec, ...]


@dataclass(frozen=True)
class FloorSpec:
    level: int
    name: str | None
    zones: tuple[ZoneSpec, ...]


@dataclass(frozen=True)
class BuildingSpec:
    id: str
    name: str
    address: str
    city: str
    organisations: tuple[str, ...]
    aliases: tuple[str, ...]
    opening_hours: dict[int, tuple[time, time]]
    morning: tuple[time, time]
    afternoon: tuple[time, time]
    closures: tuple[tuple[date, str | None], ...]
    floors: tuple[FloorSpec, ...]

    @property
    def desk_count(self) -> int:
        return sum(len(z.desks) for f in self.floors for z in f.zones)


@dataclass
class FileErrors(Exception):
    """Everything wrong with a file, each message naming its line and field."""

    messages: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(self.messages)


# ---------------------------------------------------------------- locating a field's line
class _Obj(dict):
    start = 0
    end = 0


class _Arr(list):
    start = 0


def _positioned(text: str) -> Any:
    decoder = json.JSONDecoder()

    def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):  # type: ignore[no-untyped-def]
        s, start = s_and_end
        obj, end = json.decoder.JSONObject(s_and_end, strict, scan_once, None, _Obj, memo)
        obj.start, obj.end = start - 1, end
        return obj, end

    def parse_array(s_and_end, scan_once):  # type: ignore[no-untyped-def]
        s, start = s_and_end
        arr, end = json.decoder.JSONArray(s_and_end, scan_once)
        out = _Arr(arr)
        out.start = start - 1
        return out, end

    decoder.parse_object = parse_object  # type: ignore[assignment]
    decoder.parse_array = parse_array  # type: ignore[assignment]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    return decoder.decode(text)


def _key_offset(text: str, obj: _Obj, key: str) -> int:
    """Offset of ``"key":`` at the top level of ``obj`` (skipping nested values and strings)."""
    depth, i, end = 0, obj.start, obj.end
    while i < end:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < end and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if depth == 1 and text[i + 1:j] == key and text[j + 1:j + 40].lstrip().startswith(":"):
                return i
            i = j + 1
            continue
        if ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
        i += 1
    return obj.start


def line_of(text: str, path: Path_) -> int:
    """The line (1-based) of the field at ``path``, as near as it can be found."""
    try:
        node: Any = _positioned(text)
    except ValueError:
        return 1
    offset = 0
    for step in path:
        try:
            parent, node = node, node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(parent, _Obj) and isinstance(step, str):
            offset = _key_offset(text, parent, step)
        if isinstance(node, (_Obj, _Arr)) and not isinstance(step, str):
            offset = node.start
    return text.count("\n", 0, offset) + 1


def _where(path: Path_) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (("." if out else "") + step)
    return out or "(top)"


# ---------------------------------------------------------------- validation
class _Checker:
    def __init__(self) -> None:
        self.problems: list[tuple[Path_, str]] = []

    def fail(self, path: Path_, message: str) -> None:
        self.problems.append((path, message))

    def obj(self, value: Any, path: Path_) -> dict | None:
        if not isinstance(value, dict):
            self.fail(path, "must be an object")
            return None
        return value

    def text(self, parent: dict, key: str, path: Path_, limit: int, required: bool = True) -> str | None:
        value = parent.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(path + (key,), "must be a non-empty text" if key in parent else "is missing")
            return None
        if len(value) > limit:
            self.fail(path + (key,), f"must be at most {limit} characters")
            return None
        return value.strip()

    def flag(self, parent: dict, key: str, path: Path_, default: bool | None = None) -> bool:
        value = parent.get(key, default)
        if not isinstance(value, bool):
            self.fail(path + (key,), "must be true or false" if key in parent else "is missing")
            return False
        return value

    def texts(self, parent: dict, key: str, path: Path_) -> tuple[str, ...]:
        value = parent.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(path + (key,), "must be a list of texts")
            return ()
        return tuple(v.strip() for v in value)

    def span(self, value: Any, path: Path_) -> tuple[time, time] | None:
        m = _SPAN.match(value) if isinstance(value, str) else None
        try:
            lo, hi = (time(int(m[1]), int(m[2])), time(int(m[3]), int(m[4]))) if m else (None, None)
        except ValueError:
            lo = hi = None
        if lo is None or hi is None or not lo < hi:
            self.fail(path, 'must be a time span like "08:00-13:00" (start before end)')
            return None
        return lo, hi

    def items(self, parent: dict, key: str, path: Path_, required: bool = True) -> list:
        value = parent.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            self.fail(path + (key,), "must be a non-empty list" if key in parent else "is missing")
            return []
        return value


def _building(c: _Checker, raw: Any, path: Path_) -> BuildingSpec | None:
    b = c.obj(raw, path)
    if b is None:
        return None
    before = len(c.problems)
    bid = c.text(b, "id", path, 64)
    if bid is not None and not _ID.match(bid):
        c.fail(path + ("id",), "must be lower-case letters, digits and hyphens (e.g. turfmarkt-147)")
    name = c.text(b, "name", path, 200)
    address = c.text(b, "address", path, 300)
    city = c.text(b, "city", path, 100)
    orgs = c.texts(b, "organisations", path)
    aliases = c.texts(b, "aliases", path)
    hours: dict[int, tuple[time, time]] = {}
    raw_hours = b.get("opening_hours")
    if not isinstance(raw_hours, dict) or not raw_hours:
        c.fail(path + ("opening_hours",), 'must be an object like {"mon": "07:30-19:00", ...}')
    else:
        for day, span in raw_hours.items():
            if day not in WEEKDAYS:
                c.fail(path + ("opening_hours", day), "must be one of " + ", ".join(WEEKDAYS))
                continue
            got = c.span(span, path + ("opening_hours", day))
            if got:
                hours[WEEKDAYS.index(day)] = got
    morning, afternoon = (time(8), time(13)), (time(13), time(18))
    parts = b.get("parts")
    if parts is not None:
        p = c.obj(parts, path + ("parts",))
        if p is not None:
            morning = c.span(p.get("morning"), path + ("parts", "morning")) or morning
            afternoon = c.span(p.get("afternoon"), path + ("parts", "afternoon")) or afternoon
            if morning[1] > afternoon[0]:
                c.fail(path + ("parts", "afternoon"), "must start when the morning ends or later")
    closures: list[tuple[date, str | None]] = []
    for i, item in enumerate(c.items(b, "closures", path, required=False)):
        reason = None
        if isinstance(item, dict):
            reason = item.get("reason") if isinstance(item.get("reason"), str) else None
            item = item.get("date")
        try:
            closures.append((date.fromisoformat(item), reason))
        except (TypeError, ValueError):
            c.fail(path + ("closures", i), 'must be a date like "2026-12-24"')
    floors: list[FloorSpec] = []
    zone_codes: set[str] = set()
    desk_codes: dict[str, tuple[Path_, str]] = {}
    neighbour_refs: list[tuple[Path_, str, str, str]] = []
    levels: set[int] = set()
    for fi, raw_floor in enumerate(c.items(b, "floors", path)):
        fp = path + ("floors", fi)
        f = c.obj(raw_floor, fp)
        if f is None:
            continue
        level = f.get("level")
        if isinstance(level, bool) or not isinstance(level, int) or not -5 <= level <= 200:
            c.fail(fp + ("level",), "must be a whole number (the floor level)")
        elif level in levels:
            c.fail(fp + ("level",), f"floor {level} appears twice")
        else:
            levels.add(level)
        zones_out: list[ZoneSpec] = []
        for zi, raw_zone in enumerate(c.items(f, "zones", fp)):
            zp = fp + ("zones", zi)
            z = c.obj(raw_zone, zp)
            if z is None:
                continue
            zcode = c.text(z, "code", zp, 40)
            if zcode is not None:
                if zcode in zone_codes:
                    c.fail(zp + ("code",), f"zone {zcode} appears twice in this building")
                zone_codes.add(zcode)
            zname = c.text(z, "name", zp, 100)
            quiet = c.flag(z, "quiet", zp)
            desks_out: list[DeskSpec] = []
            for di, raw_desk in enumerate(c.items(z, "desks", zp)):
                dp = zp + ("desks", di)
                d = c.obj(raw_desk, dp)
                if d is None:
                    continue
                code = c.text(d, "code", dp, 40)
                if code is not None:
                    if code in desk_codes:
                        c.fail(dp + ("code",), f"desk {code} appears twice in this building")
                    desk_codes[code] = (dp, zcode or "")
                screens = d.get("screens")
                if screens not in (1, 2) or isinstance(screens, bool):
                    c.fail(dp + ("screens",), "must be 1 or 2")
                    screens = 1
                neighbours = c.texts(d, "neighbours", dp)
                for ni, n in enumerate(neighbours):
                    neighbour_refs.append((dp + ("neighbours", ni), code or "", n, zcode or ""))
                desks_out.append(DeskSpec(code or "", c.flag(d, "sit_stand", dp), int(screens),
                                          c.flag(d, "accessible", dp, False), neighbours))
            zones_out.append(ZoneSpec(zcode or "", zname or "", quiet, tuple(desks_out)))
        floors.append(FloorSpec(level if isinstance(level, int) else 0,
                                f.get("name") if isinstance(f.get("name"), str) else None, tuple(zones_out)))
    for npath, code, n, zcode in neighbour_refs:
        if n == code:
            c.fail(npath, "a desk cannot be its own neighbour")
        elif n not in desk_codes:
            c.fail(npath, f"unknown desk {n}")
        elif desk_codes[n][1] != zcode:
            c.fail(npath, f"desk {n} is in another zone (neighbours share a zone)")
    if len(c.problems) > before or None in (bid, name, address, city):
        return None
    return BuildingSpec(bid, name, address, city, orgs, aliases, hours, morning, afternoon,  # type: ignore[arg-type]
                        tuple(closures), tuple(floors))


def parse_buildings(text: str) -> list[BuildingSpec]:
    """Validate a buildings file; raises :class:`FileErrors` naming line and field of each problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileErrors([f"line {exc.lineno} column {exc.colno}: not valid JSON: {exc.msg}"]) from None
    c = _Checker()
    out: list[BuildingSpec] = []
    top = c.obj(data, ())
    if top is not None:
        seen: set[str] = set()
        for i, raw in enumerate(c.items(top, "buildings", ())):
            spec = _building(c, raw, ("buildings", i))
            if spec is None:
                continue
            if spec.id in seen:
                c.fail(("buildings", i, "id"), f"building {spec.id} appears twice")
            seen.add(spec.id)
            out.append(spec)
    if c.problems:
        shown = c.problems[:50]
        msgs = [f"line {line_of(text, p)}: {_where(p)}: {m}" for p, m in shown]
        if len(c.problems) > len(shown):
            msgs.append(f"... and {len(c.problems) - len(shown)} more problems")
        raise FileErrors(msgs)
    return out


def read_buildings(path: str | Path) -> list[BuildingSpec]:
    """Read and validate a file; an unreadable file is a :class:`FileErrors` too."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileErrors([f"{path}: cannot read the file ({type(exc).__name__}: {exc.strerror or exc})"]) from None
    return parse_buildings(text)
