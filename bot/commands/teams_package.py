"""``wms-bot teams-package [--out FILE]``: write the Teams app package (zip) to side-load.

Uses ``WMS_TEAMS_APP_ID`` as the bot (and app) id; optional ``WMS_TEAMS_DEVELOPER_NAME``,
``WMS_TEAMS_WEBSITE_URL``, ``WMS_TEAMS_PRIVACY_URL``, ``WMS_TEAMS_TERMS_URL``.
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

from adapters.teams.package import AppInfo, PackageError, build_zip
from bot.settings import Settings, SettingsError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="wms-bot-teams.zip", help="where to write the zip (default: wms-bot-teams.zip)")


def app_info(settings: Settings) -> AppInfo:
    env = settings.extra
    app_id = (env.get("WMS_TEAMS_APP_ID") or "").strip()
    if not app_id:
        raise SettingsError("WMS_TEAMS_APP_ID is required: the package names the bot by its Entra application id")
    defaults = AppInfo(bot_id=app_id)
    urls = {}
    for name, default in (
        ("WMS_TEAMS_WEBSITE_URL", defaults.website_url),
        ("WMS_TEAMS_PRIVACY_URL", defaults.privacy_url),
        ("WMS_TEAMS_TERMS_URL", defaults.terms_url),
    ):
        value = (env.get(name) or "").strip() or default
        if not value.startswith("https://"):
            raise SettingsError(f"{name} must be an https:// address, not {value!r}")
        urls[name] = value
    try:
        version = metadata.version("wms-bot")
    except metadata.PackageNotFoundError:
        version = defaults.version
    return AppInfo(
        bot_id=app_id,
        version=version,
        developer_name=(env.get("WMS_TEAMS_DEVELOPER_NAME") or "").strip()[:32] or defaults.developer_name,
        website_url=urls["WMS_TEAMS_WEBSITE_URL"],
        privacy_url=urls["WMS_TEAMS_PRIVACY_URL"],
        terms_url=urls["WMS_TEAMS_TERMS_URL"],
    )


def run(args: argparse.Namespace) -> int:
    try:
        data = build_zip(app_info(Settings.from_env()))
    except (SettingsError, PackageError) as exc:
        print(f"wms-bot teams-package: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    try:
        out.write_bytes(data)
    except OSError as exc:
        print(f"wms-bot teams-package: cannot write {out}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({len(data)} bytes): upload it in Teams under Apps > Manage your apps > Upload an app")
    return 0
