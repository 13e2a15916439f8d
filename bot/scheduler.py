"""The night jobs inside ``wms-bot serve``: anonymisation, retention, re-encryption (and the
usage roll-up after the anonymisation); and the minute job that auto-releases bookings not
checked in in time (:func:`run_usage_jobs`, ``WMS_AUTO_RELEASE``).

``run_night_jobs(services, stop)`` runs until ``stop`` is set: on start it catches up on
every missed night, then wakes at ``WMS_ANONYMISE_AT`` (Europe/Amsterdam) each night, and
every few minutes for the light sweep (conversation state older than its period). With
several instances on one database only the holder of the ``night-jobs`` lease
(:mod:`adapters.store.leases`) works; the run log (``privacy_runs``) makes each night happen
exactly once even if two instances overlap while the lease changes hands.

Inactivity notices (retention) are handed to ``notify`` (a channel's proactive-message
hook); without one they are not sent and profiles are deleted at the end of their period.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import update

from adapters.store.anonymise import AnonymiseReport, anonymise, truncate_wal
from adapters.store.engine import WRITE_OPTION
from adapters.store.leases import Lease
from adapters.store.people import reencrypt_people
from adapters.store.retention import KindReport, Notice, due_notices, run_retention
from adapters.store.tables import people
from bot.job_loop import run_leased
from core.i18n import phrasing, text
from core.messages import Reply
from core.privacy.nights import next_run
from core.privacy.retention import RetentionTable
from core.usage.port import ReleaseNotice
from core.usage.wording import release_message

log = logging.getLogger(__name__)

LEASE_NAME = "night-jobs"
LEASE_TTL_SECONDS = 600.0
SWEEP_SECONDS = 300.0

Notifier = Callable[[Notice], Awaitable[bool]]
"""Sends the inactivity notice to the person (``notice.external_id`` says the channel and
id); returns True when it was delivered. :func:`notice_text` gives the text."""

Clock = Callable[[], datetime]


def _system_clock() -> datetime:
    return datetime.now(timezone.utc)


def notice_text(notice: Notice, lang: str = "nl") -> str:
    """The inactivity notice in ``lang`` (nl/en), with the deletion date."""
    return text(lang, "retention.notice", date=phrasing.day(notice.deadline, lang))


@dataclass
class NightReport:
    anonymised: AnonymiseReport
    retention: list[KindReport]
    notices_sent: int = 0
    notices_due: int = 0
    reencrypted: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _table(services: Any) -> RetentionTable:
    return services.privacy.retention if services.privacy is not None else RetentionTable.defaults()


async def send_notices(services: Any, now: datetime, notify: Notifier | None) -> tuple[int, int]:
    """Hand every due inactivity notice to ``notify``; each person's notice is claimed in the
    database first, so two instances never send it twice. Returns (due, sent)."""
    engine = services.engine
    table = _table(services)

    def due() -> list[Notice]:
        with engine.connect() as conn:
            return due_notices(conn, now, table)

    notices = await asyncio.to_thread(due)
    if notify is None:
        return len(notices), 0
    sent = 0
    for notice in notices:
        if not await asyncio.to_thread(_claim_notice, engine, notice.person_id, now):
            continue
        try:
            delivered = await notify(notice)
        except Exception as exc:  # noqa: BLE001 - a channel failure must not stop the night
            log.warning("inactivity notice failed: %s", type(exc).__name__)
            delivered = False
        if delivered:
            sent += 1
        else:
            await asyncio.to_thread(_unclaim_notice, engine, notice.person_id)
    return len(notices), sent


def _claim_notice(engine: Any, person_id: int, now: datetime) -> bool:
    with engine.execution_options(**{WRITE_OPTION: True}).connect() as conn, conn.begin():
        return conn.execute(update(people).where(people.c.id == person_id, people.c.notice_sent_at.is_(None))
                            .values(notice_sent_at=now)).rowcount == 1


def _unclaim_notice(engine: Any, person_id: int) -> None:
    with engine.execution_options(**{WRITE_OPTION: True}).connect() as conn, conn.begin():
        conn.execute(update(people).where(people.c.id == person_id).values(notice_sent_at=None))


def run_night(services: Any, now: datetime) -> tuple[AnonymiseReport, list[KindReport], int]:
    """The synchronous part of a night: anonymise due nights, apply retention, re-encrypt rows
    under an old key, truncate the SQLite WAL."""
    privacy = services.privacy
    kwargs = {} if privacy is None else {"at": privacy.anonymise_at,
                                         "min_department_group": privacy.min_department_group}
    anonymised = anonymise(services.engine, now, **kwargs)
    retention = run_retention(services.engine, now, _table(services))
    with services.engine.execution_options(**{WRITE_OPTION: True}).connect() as conn, conn.begin():
        reencrypted = reencrypt_people(conn)
    truncate_wal(services.engine)
    return anonymised, retention, reencrypted


async def run_due(services: Any, now: datetime, notify: Notifier | None = None) -> NightReport:
    """Everything due at ``now``: notices first (so a deletion never precedes its notice), then
    the night's work."""
    due, sent = await send_notices(services, now, notify)
    anonymised, retention, reencrypted = await asyncio.to_thread(run_night, services, now)
    return NightReport(anonymised, retention, sent, due, reencrypted)


def sweep(services: Any, now: datetime) -> int:
    """The light, frequent part: conversation state past its period."""
    reports = run_retention(services.engine, now, _table(services), kinds=["conversation_state"])
    return sum(r.removed for r in reports)


async def run_night_jobs(services: Any, stop: asyncio.Event, *, clock: Clock = _system_clock,
                         notify: Notifier | None = None, holder: str | None = None,
                         sweep_seconds: float = SWEEP_SECONDS) -> None:
    """Run the night jobs until ``stop`` is set (see the module docstring). Never raises
    (failures are logged by class name and retried at the next wake-up)."""
    lease = Lease(services.engine, LEASE_NAME, holder or uuid.uuid4().hex, ttl=LEASE_TTL_SECONDS)
    at = services.privacy.anonymise_at if services.privacy is not None else None
    last_night_check: datetime | None = None

    async def work(now: datetime) -> None:
        nonlocal last_night_check
        night_due = last_night_check is None or next_run(last_night_check, *([at] if at else [])) <= now
        if night_due:
            await run_due(services, now, notify)
            last_night_check = now
        else:
            await asyncio.to_thread(sweep, services, now)

    def pause(now: datetime) -> float:
        wake = (next_run(now, *([at] if at else [])) - now).total_seconds()
        return max(1.0, min(wake, sweep_seconds))

    await run_leased(lease, stop, clock, work, pause, "night jobs")


# ------------------------------------------------------------------ auto-release (issue 8)
USAGE_LEASE_NAME = "usage-jobs"
AUTO_RELEASE_SECONDS = 60.0

SendProactive = Callable[[str, list[Reply]], Awaitable[bool]]
"""Delivers replies to a person's one-to-one chat (``bot.proactive.ProactiveSender.send``)."""


def release_replies(notice: ReleaseNotice) -> list[Reply]:
    """The proactive message for one auto-release notice (the person's language, else nl + en)."""
    body, lang = release_message(notice)
    return [Reply(text=body, lang=lang, kind="proactive")]


async def auto_release_tick(usage: Any, now: datetime, send: SendProactive | None) -> tuple[int, int]:
    """Release what is due at ``now`` (``usage.auto_release``) and tell each person once.

    The release is idempotent and each row is released by exactly one caller, so a notice is
    never sent twice; a notice that cannot be delivered is logged (by count) and not retried:
    the person also hears it when they try to check in. Returns (notices, delivered)."""
    notices = await asyncio.to_thread(usage.auto_release, now)
    sent = 0
    for notice in notices:
        if send is None:
            break
        try:
            ok = await send(notice.person, release_replies(notice))
        except Exception as exc:  # noqa: BLE001 - one failed delivery must not stop the others
            log.warning("auto-release notice failed: %s", type(exc).__name__)
            ok = False
        sent += bool(ok)
    if notices:
        log.info("auto-release notices: %d sent of %d", sent, len(notices))
    return len(notices), sent


async def run_usage_jobs(usage: Any, engine: Any, send: SendProactive | None, stop: asyncio.Event, *,
                         clock: Clock = _system_clock, holder: str | None = None,
                         every: float = AUTO_RELEASE_SECONDS) -> None:
    """Run the auto-release every ``every`` seconds until ``stop`` is set; only the holder of the
    ``usage-jobs`` lease works (several instances on one database). Never raises."""
    lease = Lease(engine, USAGE_LEASE_NAME, holder or uuid.uuid4().hex, ttl=max(60.0, every * 3))

    async def work(now: datetime) -> None:
        await auto_release_tick(usage, now, send)

    await run_leased(lease, stop, clock, work, lambda _now: every, "usage jobs")


def auto_release_usage(services: Any) -> Any:
    """The usage store that auto-releases for ``wms-bot serve`` (``WMS_AUTO_RELEASE``, checked
    against the known buildings: raises :class:`bot.settings.SettingsError`); None when off."""
    from adapters.store.usage import SqlUsage
    from bot.usage_settings import UsageSettings

    settings = UsageSettings.from_settings(services.settings)
    if not settings.auto_release:
        return None
    usage = SqlUsage(services.engine, release_times=settings.auto_release, cache=services.uow_factory.cache)
    settings.check_buildings(usage.building_ids())
    return usage


@dataclass(frozen=True)
class _JobServices:
    engine: Any
    privacy: Any


async def run_night_jobs_for(settings: Any, engine: Any, stop: asyncio.Event, *,
                             notify: Notifier | None = None) -> None:
    """:func:`run_night_jobs` for ``wms-bot serve``, which keeps the settings and the engine
    (already bootstrapped, so its cipher is installed); returns when ``stop`` is set."""
    from bot.privacy_settings import load_privacy

    if engine is None:
        return
    await run_night_jobs(_JobServices(engine, load_privacy(settings)), stop, notify=notify)
