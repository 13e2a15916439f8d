"""Privacy settings: encryption and hash keys, the anonymisation time, the retention table.

- ``WMS_ENCRYPTION_KEY``: 32 random bytes, URL-safe base64 (``python -c "from adapters.store.crypto
  import generate_key; print(generate_key())"``). Required for PostgreSQL (except on a loopback
  address: development and tests). For SQLite, when unset, a key is generated on first use into ``<WMS_DATA_DIR>/keys/encryption.key`` (mode 0600)
  and read from there afterwards: back that file up with the database (without it the
  personal fields cannot be read).
- ``WMS_ENCRYPTION_KEY_OLD``: previous key(s), comma-separated, still accepted for reading
  during a rotation (``wms-bot rotate-key``).
- ``WMS_HASH_KEY``: the key of the keyed hashes (look-ups, audit actors); same format and the
  same rule (required for PostgreSQL, generated into ``keys/hash.key`` for SQLite). Never rotated.
- ``WMS_ANONYMISE_AT``: ``HH:MM`` Europe/Amsterdam, default ``02:00``.
- ``WMS_ANONYMISE_MIN_GROUP``: the department is kept on an anonymised reservation only when
  at least this many reservations of the same building and day have it (default 10).
- ``WMS_RETENTION_*`` and ``WMS_RETENTION_MAX_DAYS``: see :mod:`core.privacy.retention`.

Every bad value raises :class:`~bot.settings.SettingsError` naming the setting.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from adapters.store.crypto import AesGcmCipher, KeyError_, decode_key, generate_key
from sqlalchemy.engine import make_url

from adapters.store.engine import is_sqlite, normalise_url
from bot.settings import Settings, SettingsError
from core.privacy.anonymisation import DEFAULT_MIN_DEPARTMENT_GROUP
from core.privacy.nights import DEFAULT_RUN_AT, parse_run_at
from core.privacy.retention import RetentionSettingError, RetentionTable, parse_table

KEY_DIR = "keys"


@dataclass(frozen=True)
class PrivacySettings:
    encryption_keys: tuple[bytes, ...]   # the current key first, then old ones
    hash_key: bytes
    anonymise_at: time
    min_department_group: int
    retention: RetentionTable
    generated: tuple[Path, ...] = ()     # key files created by this start

    def cipher(self) -> AesGcmCipher:
        return AesGcmCipher(list(self.encryption_keys), self.hash_key)


def _key(name: str, raw: str) -> bytes:
    try:
        return decode_key(raw)
    except KeyError_ as exc:
        raise SettingsError(f"{name} is not a valid key: {exc}") from None


def _file_key(path: Path, generated: list[Path]) -> bytes:
    """Read the key in ``path``, creating it (0600, never overwriting) when absent."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)  # only the bot's user may list or read the keys
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(generate_key() + "\n")
        generated.append(path)
    try:
        return decode_key(path.read_text(encoding="ascii"))
    except (KeyError_, UnicodeDecodeError) as exc:
        raise SettingsError(f"the key file {path} is not a valid key: {exc}") from None


def _dev_database(url: str) -> bool:
    """SQLite, or a PostgreSQL on this machine's loopback address (development and tests):
    key files in the data directory are acceptable there, never for a shared server."""
    if is_sqlite(url):
        return True
    try:
        host = make_url(normalise_url(url)).host or ""
    except Exception:  # noqa: BLE001 - an unparseable URL fails later with its own message
        return False
    return host in ("127.0.0.1", "::1", "localhost")


def load_privacy(settings: Settings) -> PrivacySettings:
    """Parse and check every privacy setting (see the module docstring)."""
    env = settings.extra
    generated: list[Path] = []
    dev = _dev_database(settings.database_url)
    keys_dir = settings.data_dir / KEY_DIR

    raw = (env.get("WMS_ENCRYPTION_KEY") or "").strip()
    if raw:
        current = _key("WMS_ENCRYPTION_KEY", raw)
    elif dev:
        current = _file_key(keys_dir / "encryption.key", generated)
    else:
        raise SettingsError("WMS_ENCRYPTION_KEY is required with PostgreSQL (see docs/privacy.md)")
    old = [_key("WMS_ENCRYPTION_KEY_OLD", part) for part in (env.get("WMS_ENCRYPTION_KEY_OLD") or "").split(",")
           if part.strip()]

    raw = (env.get("WMS_HASH_KEY") or "").strip()
    if raw:
        hash_key = _key("WMS_HASH_KEY", raw)
    elif dev:
        hash_key = _file_key(keys_dir / "hash.key", generated)
    else:
        raise SettingsError("WMS_HASH_KEY is required with PostgreSQL (see docs/privacy.md)")

    raw = (env.get("WMS_ANONYMISE_AT") or "").strip()
    at = DEFAULT_RUN_AT if not raw else parse_run_at(raw)
    if at is None:
        raise SettingsError(f"WMS_ANONYMISE_AT must be a time of day HH:MM, not {raw!r}")

    raw = (env.get("WMS_ANONYMISE_MIN_GROUP") or "").strip()
    try:
        min_group = int(raw) if raw else DEFAULT_MIN_DEPARTMENT_GROUP
    except ValueError:
        raise SettingsError(f"WMS_ANONYMISE_MIN_GROUP must be a whole number, not {raw!r}") from None
    if not 2 <= min_group <= 100_000:
        raise SettingsError(f"WMS_ANONYMISE_MIN_GROUP must be between 2 and 100000, not {min_group}")

    try:
        table = parse_table(env)
    except RetentionSettingError as exc:
        raise SettingsError(str(exc)) from None
    return PrivacySettings(tuple([current, *[k for k in old if k != current]]), hash_key, at, min_group, table,
                           tuple(generated))
