"""Settings, read once from the environment (``WMS_*``) into an immutable object.

Every setting is documented in the README and ``.env.example``. Invalid values stop the
bot at start with a message naming the setting (:class:`SettingsError`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping


class SettingsError(ValueError):
    """A ``WMS_*`` setting is missing or invalid; the message names it."""


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be 1/0, true/false, yes/no or on/off, not {raw!r}")


def _int(env: Mapping[str, str], name: str, default: int, lo: int | None = None, hi: int | None = None) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if lo is not None and value < lo:
        raise SettingsError(f"{name} must be at least {lo}, not {value}")
    if hi is not None and value > hi:
        raise SettingsError(f"{name} must be at most {hi}, not {value}")
    return value


def _str(env: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip()


TURN_THREADS = 8
"""Default number of threads that run chat turns (``WMS_TURN_THREADS``; see :class:`bot.runtime.Runtime`)."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    seed_pilot: bool = True
    horizon_days: int = 28
    max_group_size: int = 50
    log_level: str = "INFO"
    turn_threads: int = TURN_THREADS
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """Read all settings once; ``env`` defaults to ``os.environ``."""
        env = os.environ if env is None else env
        data_dir = Path(_str(env, "WMS_DATA_DIR", ".wms-data") or ".wms-data")
        url = _str(env, "WMS_DATABASE_URL") or f"sqlite:///{(data_dir / 'wms.sqlite3').as_posix()}"
        return cls(
            data_dir=data_dir,
            database_url=url,
            seed_pilot=_bool(env, "WMS_SEED_PILOT", True),
            horizon_days=_int(env, "WMS_HORIZON_DAYS", 28, lo=1, hi=366),
            max_group_size=_int(env, "WMS_MAX_GROUP_SIZE", 50, lo=1, hi=500),
            log_level=(_str(env, "WMS_LOG_LEVEL", "INFO") or "INFO").upper(),
            turn_threads=_int(env, "WMS_TURN_THREADS", TURN_THREADS, lo=1, hi=32),
            extra={k: v for k, v in env.items() if k.startswith("WMS_")},
        )
