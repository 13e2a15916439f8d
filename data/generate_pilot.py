"""Generate data/pilot-buildings.json: the 10 pilot buildings with floors, zones and desks.

Deterministic (fixed seed): run ``python data/generate_pilot.py`` to rewrite the file after
changing the plan below. Desks stand in islands of 4 or 6 (two facing rows); neighbours are
the desks beside and opposite each other. Desk codes read ``<prefix>-<floor>.<number>``.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

WEEK = ("mon", "tue", "wed", "thu", "fri")

# id, name, address, city, organisations, aliases, prefix, floors (level: desks), hours, parts, closures
PLAN = [
    ("parnassusplein-5", "Parnassusplein 5", "Parnassusplein 5, 2511 VX Den Haag", "Den Haag",
     ["Ministerie van Sociale Zaken en Werkgelegenheid (SZW)", "Ministerie van Volksgezondheid, Welzijn en Sport (VWS)"],
     ["SZW", "VWS", "Sociale Zaken", "Volksgezondheid", "Parnassus"], "PP",
     {2: 48, 3: 48, 4: 48, 5: 48, 6: 48, 7: 48, 8: 44, 9: 44, 10: 44}, ("07:00", "19:00", "18:00"), None, []),
    ("turfmarkt-147", "Turfmarkt 147", "Turfmarkt 147, 2511 DP Den Haag", "Den Haag",
     ["Ministerie van Binnenlandse Zaken en Koninkrijksrelaties (BZK)", "Ministerie van Justitie en Veiligheid (JenV)"],
     ["BZK", "JenV", "Binnenlandse Zaken", "Justitie en Veiligheid", "Turfmarkt"], "TM",
     {2: 40, 3: 40, 4: 40, 5: 40, 6: 40, 7: 40, 8: 40, 9: 40, 10: 40, 11: 40}, ("07:00", "19:30", "19:00"), None, []),
    ("prinses-beatrixlaan-2", "Prinses Beatrixlaan 2", "Prinses Beatrixlaan 2, 2595 AL Den Haag", "Den Haag",
     ["Rijksdienst voor Ondernemend Nederland (RVO)", "Nederlandse Voedsel- en Warenautoriteit (NVWA)"],
     ["RVO", "NVWA", "Beatrixlaan"], "PB",
     {1: 40, 2: 40, 3: 40, 4: 40, 5: 40, 6: 40, 7: 40, 8: 40}, ("07:30", "19:00", "18:00"), None, []),
    ("griffioenlaan-2", "Griffioenlaan 2", "Griffioenlaan 2, 3526 LA Utrecht", "Utrecht",
     ["Rijkswaterstaat (RWS)"], ["RWS", "Rijkswaterstaat", "Griffioenlaan"], "GL",
     {1: 50, 2: 50, 3: 50, 4: 50, 5: 50, 6: 50}, ("07:00", "19:00", "18:30"), None, []),
    ("de-knoop", "Rijksontmoetingsplein De Knoop", "Rijksontmoetingsplein De Knoop, Utrecht", "Utrecht",
     ["Rijksontmoetingsplein: alle rijksorganisaties"], ["De Knoop", "Knoop"], "DK",
     {0: 40, 1: 60, 2: 60}, ("07:30", "19:00", "18:00"), None, ["2026-12-24", "2026-12-31"]),
    ("spark", "Rijksontmoetingsplein Spark", "Rijksontmoetingsplein Spark, Amsterdam", "Amsterdam",
     ["Rijksontmoetingsplein: alle rijksorganisaties"], ["Spark", "Amsterdam"], "SP",
     {0: 36, 1: 52, 2: 52}, ("07:30", "19:00", "18:00"), None, ["2026-12-24", "2026-12-31"]),
    ("kop-van-zuid", "Rijksontmoetingsplein Kop van Zuid", "Rijksontmoetingsplein Kop van Zuid, Rotterdam",
     "Rotterdam", ["Rijksontmoetingsplein: alle rijksorganisaties"], ["Kop van Zuid", "Rotterdam"], "KZ",
     {1: 60, 2: 60}, ("08:00", "18:30", "18:00"), None, ["2026-12-11", "2026-12-24", "2026-12-31"]),
    ("fellenoord", "Rijksontmoetingsplein Fellenoord", "Rijksontmoetingsplein Fellenoord, Eindhoven",
     "Eindhoven", ["Rijksontmoetingsplein: alle rijksorganisaties"], ["Fellenoord", "Eindhoven"], "FO",
     {1: 40, 2: 40}, ("08:00", "18:00", "17:30"), ("08:00-12:30", "12:30-17:00"), ["2026-12-24", "2026-12-31"]),
    ("hub-leiden", "Hub Leiden", "Hub Leiden, Leiden", "Leiden",
     ["Flexhub voor rijksmedewerkers"], ["Leiden"], "HL",
     {0: 40}, ("08:00", "18:00", "17:00"), None, ["2026-12-24", "2026-12-31"]),
    ("hub-assen", "Hub Assen", "Hub Assen, Assen", "Assen",
     ["Flexhub voor rijksmedewerkers"], ["Assen"], "HA",
     {0: 40}, ("08:00", "18:00", None), None, ["2026-12-24", "2026-12-31"]),  # closed on Fridays
]


def floor_desks(rng: random.Random, prefix: str, level: int, n: int, quiet_share: float) -> list[dict]:
    """Zones of a floor: a quiet zone and one or two open zones, desks in islands."""
    zones = []
    n_quiet = max(4, int(round(n * quiet_share / 4)) * 4) if n >= 24 else 0
    sizes = [("Q", "stiltezone", True, n_quiet)] if n_quiet else []
    rest = n - n_quiet
    if rest > 36:
        half = (rest // 2 // 4) * 4
        sizes += [("A", "open werkvloer A", False, half), ("B", "open werkvloer B", False, rest - half)]
    else:
        sizes += [("A", "open werkvloer", False, rest)]
    number = 1
    for letter, label, quiet, count in sizes:
        desks = []
        left = count
        while left > 0:
            size = 6 if left >= 10 or left == 6 else min(4, left)
            if left - size in (1, 2, 3) and size == 6:
                size = 4
            island = []
            sit_stand = rng.random() < (0.45 if quiet else 0.3)
            dual = rng.random() < 0.7
            for i in range(size):
                code = f"{prefix}-{level:02d}.{number:02d}"
                number += 1
                island.append({
                    "code": code,
                    "sit_stand": sit_stand or rng.random() < 0.08,
                    "screens": 2 if (dual and rng.random() < 0.9) or (not dual and rng.random() < 0.2) else 1,
                    "accessible": False,
                    "neighbours": [],
                })
            cols = (size + 1) // 2
            for i, d in enumerate(island):  # two facing rows: i in [0, cols) and [cols, size)
                row, col = divmod(i, cols)
                others = []
                if col > 0:
                    others.append(i - 1)
                if col < cols - 1 and i + 1 < size:
                    others.append(i + 1)
                opposite = i + cols if row == 0 else i - cols
                if 0 <= opposite < size:
                    others.append(opposite)
                d["neighbours"] = sorted(island[j]["code"] for j in others)
            if not quiet and level <= 1 + min(0, level) and rng.random() < 0.5 or rng.random() < 0.05:
                island[0]["accessible"] = True
                island[0]["sit_stand"] = True
            desks += island
            left -= size
        zones.append({"code": f"{prefix}-{level:02d}{letter}", "name": f"Verdieping {level}, {label}",
                      "quiet": quiet, "desks": desks})
    return zones


def building(rng: random.Random, spec: tuple) -> dict:
    bid, name, address, city, orgs, aliases, prefix, plan, (opens, closes, fri_closes), parts, closures = spec
    hours = {d: f"{opens}-{closes}" for d in WEEK[:4]}
    if fri_closes:
        hours["fri"] = f"{opens}-{fri_closes}"
    out = {"id": bid, "name": name, "address": address, "city": city, "organisations": orgs, "aliases": aliases,
           "opening_hours": hours}
    if parts:
        out["parts"] = {"morning": parts[0], "afternoon": parts[1]}
    out["closures"] = closures
    out["floors"] = [
        {"level": level, "name": "begane grond" if level == 0 else f"verdieping {level}",
         "zones": floor_desks(rng, prefix, level, n, 0.3 if len(plan) > 2 else 0.25)}
        for level, n in sorted(plan.items())
    ]
    return out


def render(data: dict) -> str:
    """JSON with one desk per line (readable, and import errors point at the desk's line)."""
    compact: dict[str, str] = {}
    for b in data["buildings"]:
        for f in b["floors"]:
            for z in f["zones"]:
                marks = []
                for d in z["desks"]:
                    mark = f"@@desk{len(compact)}@@"
                    compact[f'"{mark}"'] = json.dumps(d, ensure_ascii=False)
                    marks.append(mark)
                z["desks"] = marks
    text = json.dumps(data, ensure_ascii=False, indent=2)
    for mark, desk in compact.items():
        text = text.replace(mark, desk, 1)
    return text + "\n"


def main() -> None:
    rng = random.Random(20261123)
    data = {"format": "wms-bot buildings", "version": 1, "buildings": [building(rng, s) for s in PLAN]}
    path = Path(__file__).resolve().parent / "pilot-buildings.json"
    desks = sum(len(z["desks"]) for b in data["buildings"] for f in b["floors"] for z in f["zones"])
    path.write_text(render(data), encoding="utf-8")
    print(f"wrote {path} ({len(data['buildings'])} buildings, {desks} desks)")


if __name__ == "__main__":
    main()
