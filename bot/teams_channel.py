"""Wiring of the Teams channel: ``WMS_TEAMS_*`` settings -> :class:`TeamsEndpoint`.

Settings (all read once from ``Settings.extra``; bad values raise :class:`SettingsError`
naming the variable):

``WMS_TEAMS_APP_ID``          the bot's Entra application (client) id; Teams is on when set
``WMS_TEAMS_APP_PASSWORD``    its client secret, or
``WMS_TEAMS_CERT_PATH``       a PEM file with the certificate's private key, plus
``WMS_TEAMS_CERT_THUMBPRINT`` the certificate's SHA-1 thumbprint (hex)
``WMS_TEAMS_TENANT_ID``       the only tenant whose activities are accepted (required unless anonymous)
``WMS_TEAMS_HOST``            bind address, default 0.0.0.0
``WMS_TEAMS_PORT``            port, default 3978
``WMS_TEAMS_ANONYMOUS``       1 = no authentication; local development only, loopback host only
``WMS_TEAMS_OPENID_URL``      OpenID metadata of the Bot Connector (tests point it at loopback)
``WMS_TEAMS_ISSUERS``         accepted token issuers, comma separated (default https://api.botframework.com)
``WMS_TEAMS_AUTHORITY``       Entra authority for the bot's own tokens (default https://login.microsoftonline.com)
``WMS_TEAMS_CARD_KEY``        secret for signing card buttons and hashing stored user keys
                              (default: derived from the app password or the certificate's key)
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.teams.auth import BOT_FRAMEWORK_ISSUER, BOT_FRAMEWORK_OPENID_URL, DEFAULT_AUTHORITY, Credentials
from adapters.teams.config import TeamsConfig
from adapters.teams.proactive import ReferenceStore
from bot.settings import Settings, SettingsError
from core.messages import Handler

DEFAULT_PORT = 3978
DEFAULT_HOST = "0.0.0.0"


@dataclass(frozen=True)
class TeamsServe:
    """Where to listen plus the endpoint's configuration."""

    host: str
    port: int
    config: TeamsConfig


def teams_enabled(settings: Settings) -> bool:
    return bool((settings.extra.get("WMS_TEAMS_APP_ID") or "").strip())


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def teams_settings(settings: Settings) -> TeamsServe:
    """Parse and check the ``WMS_TEAMS_*`` settings (:class:`SettingsError` on bad values)."""
    env = settings.extra

    def get(name: str) -> str | None:
        value = (env.get(name) or "").strip()
        return value or None

    app_id = get("WMS_TEAMS_APP_ID")
    if not app_id:
        raise SettingsError("WMS_TEAMS_APP_ID is required for Teams")
    host = get("WMS_TEAMS_HOST") or DEFAULT_HOST
    raw_port = get("WMS_TEAMS_PORT") or str(DEFAULT_PORT)
    try:
        port = int(raw_port)
    except ValueError:
        raise SettingsError(f"WMS_TEAMS_PORT must be a port number, not {raw_port!r}") from None
    if not 0 <= port <= 65535:
        raise SettingsError(f"WMS_TEAMS_PORT must be between 0 and 65535, not {port}")
    anonymous_raw = (get("WMS_TEAMS_ANONYMOUS") or "0").lower()
    if anonymous_raw not in ("0", "1", "true", "false", "yes", "no", "on", "off"):
        raise SettingsError(f"WMS_TEAMS_ANONYMOUS must be 1 or 0, not {anonymous_raw!r}")
    anonymous = anonymous_raw in ("1", "true", "yes", "on")
    if anonymous and not is_loopback(host):
        raise SettingsError(
            f"WMS_TEAMS_ANONYMOUS=1 switches authentication off and is allowed only on a loopback address; "
            f"WMS_TEAMS_HOST is {host!r}. Set WMS_TEAMS_HOST=127.0.0.1 or remove WMS_TEAMS_ANONYMOUS."
        )
    tenant = get("WMS_TEAMS_TENANT_ID")
    password = get("WMS_TEAMS_APP_PASSWORD")
    cert_path = get("WMS_TEAMS_CERT_PATH")
    thumbprint = get("WMS_TEAMS_CERT_THUMBPRINT")
    authority = get("WMS_TEAMS_AUTHORITY") or DEFAULT_AUTHORITY
    credentials: Credentials | None = None
    if not anonymous:
        if not tenant:
            raise SettingsError("WMS_TEAMS_TENANT_ID is required: only activities of your own tenant are accepted")
        if cert_path:
            if not thumbprint:
                raise SettingsError("WMS_TEAMS_CERT_THUMBPRINT is required with WMS_TEAMS_CERT_PATH")
            try:
                bytes.fromhex(thumbprint.replace(":", ""))
            except ValueError:
                raise SettingsError("WMS_TEAMS_CERT_THUMBPRINT must be the certificate's SHA-1 thumbprint in hex") from None
            try:
                pem = Path(cert_path).read_bytes()
            except OSError:
                raise SettingsError(f"WMS_TEAMS_CERT_PATH cannot be read: {cert_path}") from None
            if b"PRIVATE KEY" not in pem:
                raise SettingsError("WMS_TEAMS_CERT_PATH must be a PEM file containing the private key")
            credentials = Credentials(app_id, tenant, authority, cert_private_key_pem=pem, cert_thumbprint=thumbprint)
        elif password:
            credentials = Credentials(app_id, tenant, authority, secret=password)
        else:
            raise SettingsError("WMS_TEAMS_APP_PASSWORD or WMS_TEAMS_CERT_PATH is required for Teams")
    issuers = tuple(i.strip() for i in (get("WMS_TEAMS_ISSUERS") or BOT_FRAMEWORK_ISSUER).split(",") if i.strip())
    card_key_raw = get("WMS_TEAMS_CARD_KEY")
    if card_key_raw is not None and len(card_key_raw) < 16:
        raise SettingsError("WMS_TEAMS_CARD_KEY must be at least 16 characters")
    if card_key_raw:
        card_key = card_key_raw.encode("utf-8")
    elif password:
        card_key = hashlib.sha256(b"wms-bot teams cards\x00" + password.encode("utf-8")).digest()
    elif credentials is not None and credentials.cert_private_key_pem:
        card_key = hashlib.sha256(b"wms-bot teams cards\x00" + credentials.cert_private_key_pem).digest()
    else:
        # No shared secret: buttons stay valid for this process only (documented).
        card_key = os.urandom(32)
    config = TeamsConfig(
        app_id=app_id,
        tenant_id=tenant,
        card_key=card_key,
        anonymous=anonymous,
        openid_url=get("WMS_TEAMS_OPENID_URL") or BOT_FRAMEWORK_OPENID_URL,
        issuers=issuers,
        credentials=credentials,
    )
    return TeamsServe(host=host, port=port, config=config)


def quiet_sdk_logs() -> None:
    """The SDK logs activity text and exception messages (e.g. "No route found ... with
    text: ..."); our own loggers say what matters without personal data."""
    logging.getLogger("microsoft_agents").setLevel(logging.CRITICAL + 1)
    logging.getLogger("msal").setLevel(logging.WARNING)


def build_teams(
    settings: Settings, handler: Handler, references: ReferenceStore | None = None, engine: Any = None
) -> tuple[TeamsServe, Any]:
    """The endpoint; conversation references go to the database when an engine is given."""
    from adapters.teams.endpoint import TeamsEndpoint  # the Agents SDK: imported only when Teams is on

    serve = teams_settings(settings)
    quiet_sdk_logs()
    if references is None and engine is not None:
        from adapters.teams.references import SqlReferenceStore

        references = SqlReferenceStore(engine, serve.config.card_key)
    return serve, TeamsEndpoint(serve.config, handler, references=references)
