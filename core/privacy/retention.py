"""The retention table: how long each kind of personal or linkable data is kept.

Every period has a default, an operator setting (``WMS_RETENTION_*``) and a unit. A value
of 0, a negative or unparseable value, or one longer than the legal maximum the operator
sets (``WMS_RETENTION_MAX_DAYS``, default 730 days) is refused with a message naming the
setting; the bot then refuses to start.

The store's registry of data kinds (``adapters.store.retention``) refers to these periods
by ``name``; a kind without a period (team membership: deleted when the team is gone) is
not in this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping

MAX_DAYS_SETTING = "WMS_RETENTION_MAX_DAYS"
DEFAULT_MAX_DAYS = 730


class RetentionSettingError(ValueError):
    """A retention setting is invalid; the message names the setting."""


@dataclass(frozen=True, slots=True)
class Period:
    """One row of the retention table."""

    name: str          # the data kind, e.g. "profiles"
    setting: str       # the WMS_* variable
    unit: str          # "days" or "minutes"
    default: int
    what: str          # one line for docs and `wms-bot retention`

    def delta(self, value: int) -> timedelta:
        return timedelta(days=value) if self.unit == "days" else timedelta(minutes=value)


PERIODS: tuple[Period, ...] = (
    Period("profiles", "WMS_RETENTION_PROFILE_DAYS", "days", 365,
           "profile of a person without activity and without a future booking"),
    Period("profile_notice", "WMS_RETENTION_PROFILE_NOTICE_DAYS", "days", 30,
           "chat notice this long before an inactive profile is deleted"),
    Period("conversation_state", "WMS_RETENTION_CONVERSATION_MINUTES", "minutes", 30,
           "conversation state after the last message"),
    Period("handled_messages", "WMS_RETENTION_MESSAGES_DAYS", "days", 7,
           "handled-message ids and the replies given (answering retries)"),
    Period("idempotency_keys", "WMS_RETENTION_IDEMPOTENCY_DAYS", "days", 7,
           "idempotency keys of messages that booked"),
    Period("lookups", "WMS_RETENTION_LOOKUPS_DAYS", "days", 7,
           "'who looked me up' records (location sharing)"),
    Period("audit", "WMS_RETENTION_AUDIT_DAYS", "days", 365,
           "pseudonymous security audit trail"),
)
BY_NAME = {p.name: p for p in PERIODS}


@dataclass(frozen=True)
class RetentionTable:
    """The periods in force (validated)."""

    values: Mapping[str, int]
    max_days: int = DEFAULT_MAX_DAYS

    def period(self, name: str) -> timedelta:
        return BY_NAME[name].delta(self.values[name])

    def cutoff(self, name: str, now: datetime) -> datetime:
        """Records of kind ``name`` last touched before this moment are due."""
        return now - self.period(name)

    @classmethod
    def defaults(cls) -> "RetentionTable":
        return cls({p.name: p.default for p in PERIODS})


def _positive_int(setting: str, raw: str) -> int:
    text = raw.strip()
    try:
        value = int(text)
    except ValueError:
        raise RetentionSettingError(f"{setting} must be a whole number, not {raw!r}") from None
    if value <= 0:
        raise RetentionSettingError(f"{setting} must be more than 0, not {value}")
    return value


def parse_table(env: Mapping[str, str]) -> RetentionTable:
    """The retention table from ``WMS_*`` settings; raises :class:`RetentionSettingError`."""
    raw_max = (env.get(MAX_DAYS_SETTING) or "").strip()
    max_days = _positive_int(MAX_DAYS_SETTING, raw_max) if raw_max else DEFAULT_MAX_DAYS
    values: dict[str, int] = {}
    for p in PERIODS:
        raw = (env.get(p.setting) or "").strip()
        value = _positive_int(p.setting, raw) if raw else p.default
        if p.delta(value) > timedelta(days=max_days):
            raise RetentionSettingError(
                f"{p.setting} ({value} {p.unit}) is longer than the legal maximum "
                f"{MAX_DAYS_SETTING}={max_days} days")
        values[p.name] = value
    if values["profile_notice"] >= values["profiles"]:
        raise RetentionSettingError(
            f"WMS_RETENTION_PROFILE_NOTICE_DAYS ({values['profile_notice']}) must be shorter than "
            f"WMS_RETENTION_PROFILE_DAYS ({values['profiles']})")
    return RetentionTable(values, max_days)


def profile_cutoffs(table: RetentionTable, now: datetime) -> tuple[datetime, datetime]:
    """(delete_before, notice_before): a profile last active before ``delete_before`` (and with
    no future booking) is deleted; one last active before ``notice_before`` gets the notice."""
    delete_before = now - table.period("profiles")
    return delete_before, delete_before + table.period("profile_notice")
