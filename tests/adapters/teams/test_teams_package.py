"""The Teams app package validates against the official manifest schema (vendored, v1.28)."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from pathlib import Path

import jsonschema
import pytest

from adapters.teams.package import AppInfo, PackageError, build_zip, manifest
from bot.commands import teams_package
from bot.settings import Settings, SettingsError

SCHEMAS = Path(__file__).parent / "schemas"
BOT_ID = "2B7E5F5A-1C7D-4B4E-8F3A-9D2C1B0A9E8F"


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def _read_png(data: bytes) -> tuple[int, int, int, list[bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        assert struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])[0] == zlib.crc32(kind + body)
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert header is not None
    width, height, depth, color_type = header[:4]
    channels = {2: 3, 6: 4}[color_type]
    raw = zlib.decompress(idat)
    stride = width * channels + 1
    rows = [raw[i * stride + 1 : (i + 1) * stride] for i in range(height)]
    return width, height, channels, rows


@pytest.fixture(scope="module")
def package() -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(build_zip(AppInfo(bot_id=BOT_ID))))


def test_manifest_is_valid_against_the_official_schema(package: zipfile.ZipFile) -> None:
    data = json.loads(package.read("manifest.json"))
    jsonschema.Draft4Validator(_schema("MicrosoftTeams.schema.json")).validate(data)
    assert data["manifestVersion"] == "1.28"
    [bot] = data["bots"]
    assert bot["botId"] == BOT_ID.lower()
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    assert data["localizationInfo"]["defaultLanguageTag"] == "nl"


def test_english_strings_are_valid_and_complete(package: zipfile.ZipFile) -> None:
    data = json.loads(package.read("manifest.json"))
    english = json.loads(package.read("en.json"))
    jsonschema.Draft4Validator(_schema("MicrosoftTeams.Localization.schema.json")).validate(english)
    commands = data["bots"][0]["commandLists"][0]["commands"]
    for i, command in enumerate(commands):
        assert english[f"bots[0].commandLists[0].commands[{i}].title"]
        assert english[f"bots[0].commandLists[0].commands[{i}].description"] != command["description"]
    assert {"boek", "book"} <= {c["title"] for c in commands} | {english[f"bots[0].commandLists[0].commands[{i}].title"] for i in range(len(commands))}


def test_icons(package: zipfile.ZipFile) -> None:
    width, height, channels, rows = _read_png(package.read("color.png"))
    assert (width, height, channels) == (192, 192, 3)
    colours = {bytes(row[i : i + 3]) for row in rows for i in range(0, len(row), 3)}
    assert len(colours) > 2  # a picture, not a flat square
    width, height, channels, rows = _read_png(package.read("outline.png"))
    assert (width, height, channels) == (32, 32, 4)
    pixels = [row[i : i + 4] for row in rows for i in range(0, len(row), 4)]
    assert all(p[:3] == b"\xff\xff\xff" for p in pixels)  # white only
    alphas = {p[3] for p in pixels}
    assert 0 in alphas and 255 in alphas  # transparent background, opaque shape


def test_package_is_reproducible() -> None:
    assert build_zip(AppInfo(bot_id=BOT_ID)) == build_zip(AppInfo(bot_id=BOT_ID))


def test_bot_id_must_be_a_guid() -> None:
    with pytest.raises(PackageError, match="GUID"):
        manifest(AppInfo(bot_id="not-a-guid"))


def test_command_writes_the_zip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("WMS_TEAMS_APP_ID", BOT_ID)
    out = tmp_path / "app.zip"
    assert teams_package.run(type("Args", (), {"out": str(out)})()) == 0
    assert set(zipfile.ZipFile(out).namelist()) == {"manifest.json", "en.json", "color.png", "outline.png"}
    monkeypatch.setenv("WMS_TEAMS_APP_ID", "nope")
    assert teams_package.run(type("Args", (), {"out": str(out)})()) == 2
    assert "GUID" in capsys.readouterr().err


def test_urls_must_be_https() -> None:
    with pytest.raises(SettingsError, match="WMS_TEAMS_PRIVACY_URL"):
        teams_package.app_info(Settings.from_env({"WMS_TEAMS_APP_ID": BOT_ID, "WMS_TEAMS_PRIVACY_URL": "http://x"}))
