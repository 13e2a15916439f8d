"""The Teams app package: ``manifest.json`` (schema 1.28), localisation and generated icons.

The package is a zip with ``manifest.json``, ``en.json`` (English strings; the manifest's
own strings are Dutch, the default language), ``color.png`` (192x192, full colour) and
``outline.png`` (32x32, white on transparent). Icons are drawn here in pure Python (a
desk with a screen) and written as PNG with ``zlib``: no imaging library needed.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any, Iterable

MANIFEST_VERSION = "1.28"
MANIFEST_SCHEMA = f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA = f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.Localization.schema.json"
ACCENT = (0x15, 0x42, 0x73)  # Rijksoverheid dark blue
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# (title, description) per command, Dutch first (default language) then English.
COMMANDS: tuple[tuple[tuple[str, str], tuple[str, str]], ...] = (
    (("boek", "Boek een werkplek, bijv. \"boek morgen een plek op de Turfmarkt\""),
     ("book", "Book a desk, e.g. \"book a desk at Spark on Friday\"")),
    (("mijn reserveringen", "Laat je komende reserveringen zien"),
     ("my bookings", "Show your upcoming bookings")),
    (("annuleer", "Annuleer een reservering, bijv. \"annuleer donderdag\""),
     ("cancel", "Cancel a booking, e.g. \"cancel Thursday\"")),
    (("waar is plek", "Vrije plekken per gebouw en dag, bijv. \"is er plek bij RWS vrijdag?\""),
     ("availability", "Free desks per building and day, e.g. \"any desks at RWS on Friday?\"")),
    (("teamdag", "Plan een dag samen met je team"),
     ("team day", "Plan a day in the office with your team")),
    (("privacy", "Wat de bot over je bewaart en je rechten"),
     ("privacy", "What the bot keeps about you and your rights")),
    (("help", "Wat kan de bot?"),
     ("help", "What can the bot do?")),
)

TEXTS = {
    "nl": {
        "name.short": "wms-bot",
        "name.full": "wms-bot: werkplek reserveren bij de Rijksoverheid",
        "description.short": "Zoek en reserveer een werkplek in een rijkskantoor, in gewone taal.",
        "description.full": (
            "Met wms-bot zoek en reserveer je een werkplek (bureau) in de kantoren van de Rijksoverheid, "
            "voor jezelf of je team, gewoon in de chat: \"twee bureaus met dubbel scherm op de Turfmarkt donderdag\". "
            "Privacy voorop: reserveringen worden de nacht na de dag geanonimiseerd en niemand ziet waar je zit "
            "tenzij je dat zelf deelt."
        ),
    },
    "en": {
        "name.short": "wms-bot",
        "name.full": "wms-bot: book a workplace in central government offices",
        "description.short": "Find and book a desk in a government office, in plain language.",
        "description.full": (
            "With wms-bot you find and book a workplace (desk) in Dutch central government offices, for yourself "
            "or your team, right in the chat: \"book a desk at Spark on Friday morning\". Privacy first: bookings "
            "are anonymised the night after the day and nobody sees where you sit unless you choose to share it."
        ),
    },
}


class PackageError(ValueError):
    """The package cannot be built (e.g. the bot id is not a GUID); the message says why."""


@dataclass(frozen=True)
class AppInfo:
    bot_id: str
    version: str = "0.1.0"
    developer_name: str = "wms-bot"
    website_url: str = "https://example.org/wms-bot"
    privacy_url: str = "https://example.org/wms-bot/privacy"
    terms_url: str = "https://example.org/wms-bot/terms"


def manifest(info: AppInfo) -> dict[str, Any]:
    """The manifest (Dutch strings; English in ``en.json``)."""
    if not _GUID.match(info.bot_id):
        raise PackageError("the bot id (WMS_TEAMS_APP_ID) must be the Entra application id, a GUID")
    version = info.version if re.match(r"^\d+\.\d+\.\d+$", info.version) else "0.1.0"
    nl = TEXTS["nl"]
    scopes = ["personal", "team", "groupChat"]
    return {
        "$schema": MANIFEST_SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": info.bot_id.lower(),
        "localizationInfo": {
            "defaultLanguageTag": "nl",
            "additionalLanguages": [{"languageTag": "en", "file": "en.json"}],
        },
        "developer": {
            "name": info.developer_name,
            "websiteUrl": info.website_url,
            "privacyUrl": info.privacy_url,
            "termsOfUseUrl": info.terms_url,
        },
        "name": {"short": nl["name.short"], "full": nl["name.full"]},
        "description": {"short": nl["description.short"], "full": nl["description.full"]},
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#%02X%02X%02X" % ACCENT,
        "bots": [
            {
                "botId": info.bot_id.lower(),
                "scopes": scopes,
                "isNotificationOnly": False,
                "supportsFiles": True,  # data exports are offered as files in personal chats
                "supportsCalling": False,
                "supportsVideo": False,
                "commandLists": [
                    {"scopes": scopes, "commands": [{"title": nl_t, "description": nl_d} for (nl_t, nl_d), _ in COMMANDS]}
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
    }


def localization(lang: str) -> dict[str, Any]:
    """The strings file for ``lang`` (``en``): names, descriptions and command hints."""
    index = 1 if lang == "en" else 0
    strings: dict[str, Any] = {"$schema": LOCALIZATION_SCHEMA, **TEXTS[lang]}
    for i, pair in enumerate(COMMANDS):
        title, description = pair[index]
        strings[f"bots[0].commandLists[0].commands[{i}].title"] = title
        strings[f"bots[0].commandLists[0].commands[{i}].description"] = description
    return strings


def build_zip(info: AppInfo) -> bytes:
    """The side-loadable package as zip bytes."""
    files = {
        "manifest.json": json.dumps(manifest(info), ensure_ascii=False, indent=2).encode("utf-8"),
        "en.json": json.dumps(localization("en"), ensure_ascii=False, indent=2).encode("utf-8"),
        "color.png": color_icon(),
        "outline.png": outline_icon(),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            info_ = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # reproducible bytes
            info_.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info_, data)
    return buffer.getvalue()


# --- icons ----------------------------------------------------------------------------------

# A desk with a screen, in unit coordinates (x0, y0, x1, y1); "hole" shapes are cut out.
_SHAPES: tuple[tuple[float, float, float, float], ...] = (
    (0.28, 0.18, 0.72, 0.48),  # screen
    (0.46, 0.48, 0.54, 0.57),  # stand
    (0.14, 0.57, 0.86, 0.645),  # desk top
    (0.19, 0.645, 0.26, 0.84),  # left leg
    (0.74, 0.645, 0.81, 0.84),  # right leg
)
_HOLES: tuple[tuple[float, float, float, float], ...] = ((0.32, 0.22, 0.68, 0.44),)  # the screen's glass


def _coverage(size: int) -> list[list[float]]:
    """How much of each pixel the white shapes cover (0..1): exact rectangle overlap areas
    (the shapes only touch, and the holes lie inside them, so areas simply add up)."""

    def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
        return max(0.0, min(a1, b1) - max(a0, b0))

    grid = []
    for py in range(size):
        y0, y1 = py / size, (py + 1) / size
        row = []
        for px in range(size):
            x0, x1 = px / size, (px + 1) / size
            area = sum(overlap(x0, x1, a, c) * overlap(y0, y1, b, d) for a, b, c, d in _SHAPES)
            area -= sum(overlap(x0, x1, a, c) * overlap(y0, y1, b, d) for a, b, c, d in _HOLES)
            row.append(min(1.0, max(0.0, area * size * size)))
        grid.append(row)
    return grid


def color_icon(size: int = 192) -> bytes:
    """Full-colour icon: a white desk and screen on the accent colour (RGB, opaque)."""
    cover = _coverage(size)
    rows = []
    for line in cover:
        row = bytearray()
        for c in line:
            row += bytes(round(a + (255 - a) * c) for a in ACCENT)
        rows.append(bytes(row))
    return png(size, size, rows, alpha=False)


def outline_icon(size: int = 32) -> bytes:
    """Outline icon: white shapes on a transparent background (RGBA)."""
    cover = _coverage(size)
    rows = [b"".join(bytes((255, 255, 255, round(255 * c))) for c in line) for line in cover]
    return png(size, size, rows, alpha=True)


def png(width: int, height: int, rows: Iterable[bytes], alpha: bool) -> bytes:
    """A minimal PNG (8-bit RGB or RGBA, no filtering)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
