"""A tiny stand-in for ``core.nlu.parse`` so the dialog's unit tests don't depend on the parser.

It understands only the phrases the unit tests use; the transcript tests use the real parser.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from core.clock import local_today
from core.nlu.frame import Frame

WEEKDAYS = {"maandag": 0, "dinsdag": 1, "woensdag": 2, "donderdag": 3, "vrijdag": 4, "zaterdag": 5, "zondag": 6,
            "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
PLACES = {"turfmarkt": "turfmarkt-147", "spark": "spark", "knoop": "de-knoop", "griffioenlaan": "griffioenlaan-2",
          "parnassus": "parnassusplein-5", "den haag": "city:den-haag", "utrecht": "city:utrecht"}
NUMBERS = {"twee": 2, "two": 2, "drie": 3, "three": 3}
ORDINALS = {"eerste": 1, "tweede": 2, "derde": 3, "first": 1, "second": 2, "third": 3}
INTENTS = [
    ("cancel", r"\b(annuleer|cancel)\b"), ("move", r"\b(verzet|move)\b"),
    ("list", r"wat heb ik|show my bookings"), ("availability", r"nog plek|any desks free|free desks"),
    ("find_colleague", r"\bwaar zit\b|\bwhere is\b"), ("privacy", r"\bprivacy\b"),
    ("check_in", r"\bik ben er\b|\bcheck me in\b"), ("export_data", r"\bexport\b|stuur me al mijn"),
    ("book", r"\b(boek|reserveer|book|plek|desk)\b"),
    ("help", r"^(hoi|hallo|hi|hello|help)\b"), ("confirm", r"^(ja|yes|ok|oké)$"), ("deny", r"^(nee|no)$"),
]
ENGLISH = re.compile(r"\b(book|desk|desks|cancel|move|show|my|yes|no|hi|hello|at|on|the|tomorrow|export|any|free)\b")
NO_SLOTS = {"help", "confirm", "deny", "privacy", "export_data", "unknown"}


def parse(text: str, now: datetime, locale: str | None = None) -> Frame:
    low = text.lower().strip()
    words = re.findall(r"[a-z]+", low)
    lang = "en" if sum(bool(ENGLISH.fullmatch(w)) for w in words) * 2 > len(words) and words else "nl"
    frame = Frame(lang=lang)
    if re.fullmatch(r"\d{1,2}", low):
        frame.choice = int(low)
        return frame
    m = re.fullmatch(r"(?:de |the )?(\w+)", low)
    if m and m.group(1) in ORDINALS:
        frame.choice = ORDINALS[m.group(1)]
        return frame
    for intent, pattern in INTENTS:
        if re.search(pattern, low):
            frame.intent = intent
            break
    if frame.intent in NO_SLOTS:
        return frame
    today = local_today(now)
    found: list[date] = []
    for w in words:
        if w in WEEKDAYS:
            ahead = (WEEKDAYS[w] - today.weekday()) % 7 or 7
            found.append(today + timedelta(days=ahead))
        elif w in ("morgen", "tomorrow"):
            found.append(today + timedelta(days=1))
        elif w in ("vandaag", "today"):
            found.append(today)
        elif w in ("gisteren", "yesterday"):
            found.append(today - timedelta(days=1))
    for m in re.finditer(r"\b(\d{4}-\d{2}-\d{2})\b", low):
        found.append(date.fromisoformat(m.group(1)))
    if "naar" in words or "to" in words and frame.intent == "move":
        split = max(low.find(" naar "), low.find(" to "))
        before = [d for d in found if any(k in low[:split] for k in WEEKDAYS if WEEKDAYS[k] == d.weekday())]
        frame.to_dates = [d for d in found if d not in before]
        found = before
    frame.dates = sorted(set(found))
    for key, loc in PLACES.items():
        if key in low:
            frame.location = loc
            break
    else:
        m = re.search(r"\b(?:op|bij|at) (?:de )?([a-z]{4,})\b", low)
        if m and m.group(1) not in WEEKDAYS and m.group(1) not in ("morgen", "tomorrow"):
            frame.raw_location = m.group(1)
    for w, n in NUMBERS.items():
        if re.search(rf"\b{w}\b", low):
            frame.count = n
    if m := re.search(r"\b(\d+) (plekken|desks|bureaus|mensen|people)\b", low):
        frame.count = int(m.group(1))
    if "middag" in low or "afternoon" in low:
        frame.time = {"part_of_day": "afternoon"}
    elif "ochtend" in low or "morning" in low:
        frame.time = {"part_of_day": "morning"}
    if "team" in words:
        frame.team = True
    if "dubbel scherm" in low or "dual screen" in low:
        frame.features = ["dual_screen"]
    if frame.intent == "unknown" and (frame.dates or frame.location) and len(words) > 2:
        frame.intent = "book"
    if frame.intent == "unknown":
        frame.dates, frame.location, frame.raw_location, frame.count, frame.time = [], None, None, None, None
    return frame
