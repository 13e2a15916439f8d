"""Teams endpoint benchmark: wms-bot vs a minimal Agents SDK echo bot, in the same run.

Each bot runs in its own child process on loopback; this process plays Teams (posting
activities) and the Bot Connector (the stand-in of ``adapters.teams.standin`` receives the
replies and serves the JWKS). wms-bot runs the real endpoint with authentication on and the
complete runtime as ``wms-bot serve`` builds it (``bot.assembly.build_runtime``: dialog with
the privacy, team and usage features) on a fresh SQLite store; the echo bot is the SDK's
canonical sample (``AgentApplication`` + ``CloudAdapter`` + ``start_agent_process`` with the
SDK's JWT middleware in anonymous mode, because the SDK validator cannot use a loopback JWKS);
"adapter" is our endpoint with a trivial handler (the channel layer's own cost).

Measured per bot: round trip (POST until the reply reached the connector) one message at
a time, and with 8 concurrent conversations (p50/p95, messages/s), plus the bot process's
CPU time per message (from /proc). All bots run side by side and are measured in
interleaved rounds (``--rounds``), so a change in the shared machine's load hits them alike;
the CPU ratio is given per round too. Targets: our CPU per message <= 2x the echo bot's;
p95 < 100 ms with 8 concurrent conversations.

``python -m bench teams`` or ``python -m bench.teams [--messages N] [--concurrency C]
[--rounds R] [--profile [wms-bot|adapter]]``; ``--profile`` writes a CPU-time cProfile of all
threads of that bot's process over the measured phases to ``bench/results/teams-profile.txt``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "teams.json"
APP_ID = "00000000-1111-2222-3333-444444444444"
TENANT = "tenant-bench"
TARGET_CPU_RATIO = 2.0
TARGET_P95_MS = 100.0

KINDS = ("echo", "adapter", "wms-bot")
OUR_SCRIPT = (
    "boek morgen een plek op de Turfmarkt",
    "wat heb ik gereserveerd?",
    "is er vrijdag plek bij Spark?",
    "hallo",
    "book a desk at Turfmarkt on Friday",
    "my bookings",
)


# --- the bots (child processes) -------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def _run_ours(env: dict[str, str], port_out: Any, profile: str | None = None) -> None:
    async def main() -> None:
        from bot.assembly import build_runtime
        from bot.bootstrap import bootstrap
        from bot.commands.serve import start_web
        from bot.settings import Settings

        settings = Settings.from_env(env)
        services = bootstrap(settings)
        runtime = build_runtime(services)  # the complete bot, as `wms-bot serve` builds it
        server = await start_web(settings, runtime, services.engine)
        from bot.heap import Heap

        Heap.serving(runtime)  # as `wms-bot serve` does
        port_out.put(int(server.url.rsplit(":", 1)[1]))
        await asyncio.Event().wait()

    if profile:
        _profile_all_threads(profile)
    asyncio.run(main())


def _profile_all_threads(out: str) -> None:
    """cProfile every thread of this process (event loop and worker threads); the combined
    statistics are written to ``out`` when the process is terminated (SIGTERM)."""
    import cProfile
    import pstats
    import signal
    import threading

    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()

    def start() -> cProfile.Profile:
        prof = cProfile.Profile(time.thread_time)  # CPU time: waits (GIL, locks, fsync, I/O) are not counted
        with lock:
            profiles.append(prof)
        prof.enable()
        return prof

    def in_new_thread(*_args: Any) -> None:
        sys.setprofile(None)
        start()

    threading.setprofile(in_new_thread)
    start()

    def dump(*_args: Any) -> None:
        for prof in profiles:
            prof.disable()
        stats = pstats.Stats(profiles[0])
        for prof in profiles[1:]:
            try:
                stats.add(prof)
            except TypeError:  # a profile of a thread that never ran anything
                pass
        stats.dump_stats(out + ".pstats")
        import io

        text = io.StringIO()
        pstats.Stats(out + ".pstats", stream=text).sort_stats("cumulative").print_stats(80)
        pstats.Stats(out + ".pstats", stream=text).sort_stats("tottime").print_stats(60)
        Path(out).write_text(text.getvalue(), encoding="utf-8")
        os._exit(0)

    def reset(*_args: Any) -> None:  # after the warm-up: count the measured phases only
        with lock:
            for prof in profiles:
                prof.clear()

    signal.signal(signal.SIGTERM, dump)
    signal.signal(signal.SIGUSR1, reset)


def _run_adapter_only(env: dict[str, str], port_out: Any, profile: str | None = None) -> None:
    """wms-bot's Teams endpoint (auth on) with a trivial handler: the channel layer's own cost."""

    async def main() -> None:
        from bot.commands.serve import start_web
        from bot.settings import Settings
        from core.messages import Handler, Inbound, Reply

        class Echo(Handler):
            async def handle(self, message: Inbound) -> list[Reply]:
                return [Reply(text=f"you said: {message.text}")]

        server = await start_web(Settings.from_env(env), Echo())
        port_out.put(int(server.url.rsplit(":", 1)[1]))
        await asyncio.Event().wait()

    if profile:
        _profile_all_threads(profile)
    asyncio.run(main())


def _run_echo(port_out: Any) -> None:
    """The minimal Agents SDK echo bot (the SDK's quick-start shape)."""

    async def main() -> None:
        from aiohttp import web
        from microsoft_agents.hosting.aiohttp import CloudAdapter, jwt_authorization_middleware, start_agent_process
        from microsoft_agents.hosting.core import AgentApplication, ApplicationOptions, MemoryStorage, TurnContext, TurnState
        from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration

        from adapters.teams.auth import StaticConnections

        class Anonymous:
            configuration = AgentAuthConfiguration(ANONYMOUS_ALLOWED=True)

            async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
                return ""

        connections = StaticConnections(Anonymous())
        adapter = CloudAdapter(connection_manager=connections)  # type: ignore[arg-type]
        agent = AgentApplication[TurnState](
            ApplicationOptions(storage=MemoryStorage(), start_typing_timer=False), connection_manager=connections  # type: ignore[arg-type]
        )

        @agent.activity("message")
        async def on_message(context: TurnContext, _state: TurnState) -> None:
            await context.send_activity(f"you said: {context.activity.text}")

        async def messages(request: web.Request) -> web.StreamResponse:
            return await start_agent_process(request, agent, adapter)

        app = web.Application(middlewares=[jwt_authorization_middleware])
        app["agent_configuration"] = AgentAuthConfiguration(ANONYMOUS_ALLOWED=True)
        app.router.add_post("/api/messages", messages)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port_out.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    import logging

    logging.getLogger("microsoft_agents").setLevel(logging.CRITICAL + 1)
    asyncio.run(main())


# --- the driver ---------------------------------------------------------------------------


class _Waiters:
    """Replies at the stand-in connector, matched to the activity they answer."""

    def __init__(self) -> None:
        self.futures: dict[str, asyncio.Future[float]] = {}

    def expect(self, activity_id: str) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.futures[activity_id] = future
        return future

    async def pump(self, connector: Any) -> None:
        while True:
            received = await connector.received.get()
            future = self.futures.pop(received.reply_to_id or "", None)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())


async def _drive(url: str, connector: Any, factory: Any, token: str | None, texts: tuple[str, ...], total: int, concurrency: int, tag: str,
                 stagger: bool = False) -> dict[str, Any]:
    import aiohttp

    waiters = _Waiters()
    pump = asyncio.create_task(waiters.pump(connector))
    latencies: list[float] = []
    by_text: dict[str, list[float]] = {}
    errors = 0
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    per_worker = max(1, total // concurrency)

    async def worker(index: int, session: aiohttp.ClientSession) -> None:
        nonlocal errors
        for n in range(per_worker):
            # A person sends the script once, then the next person takes over the worker: a
            # single conversation never exceeds Teams' 7 messages per second (which the bot
            # itself enforces by waiting), as with real people. ``stagger``: worker i's first person
            # joins at script message i, so the conversations are not all at the same step (all
            # new people at once, then all lists at once) but keep the script's mix.
            k = n + (index % len(texts) if stagger else 0)
            user = f"{tag}-{index}-{k // len(texts)}"
            text = texts[k % len(texts)]
            body = factory.personal(text, user=user, locale="nl-NL")
            started = time.perf_counter()
            reply = waiters.expect(body["id"])
            async with session.post(f"{url}/api/messages", data=json.dumps(body), headers=headers) as resp:
                await resp.read()
                ok = resp.status in (200, 202)
            try:
                arrived = await asyncio.wait_for(reply, 10)
            except asyncio.TimeoutError:
                ok = False
                arrived = time.perf_counter()
            if not ok:
                errors += 1
            latencies.append((max(arrived, time.perf_counter()) - started) * 1000)
            by_text.setdefault(text, []).append(latencies[-1])

    connector_limit = aiohttp.TCPConnector(limit=concurrency * 2)
    async with aiohttp.ClientSession(connector=connector_limit) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(i, session) for i in range(concurrency)))
        elapsed = time.perf_counter() - started
    pump.cancel()
    return {"latencies": latencies, "by_text": by_text, "errors": errors, "elapsed": elapsed}


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Latency percentiles and rate over one phase's runs (one per round)."""
    latencies = sorted(x for run in runs for x in run["latencies"])
    return {
        "messages": len(latencies),
        "errors": sum(run["errors"] for run in runs),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 2),
        "max_ms": round(latencies[-1], 2),
        "per_second": round(len(latencies) / sum(run["elapsed"] for run in runs), 1),
        "cpu_ms_per_message": round(sum(run["cpu"] for run in runs) * 1000 / len(latencies), 3),
        "p95_ms_by_message": {text: round(_p95(sorted(x for run in runs for x in run["by_text"].get(text, ()))), 2)
                              for text in dict.fromkeys(t for run in runs for t in run["by_text"])},
    }


def _p95(values: list[float]) -> float:
    return values[max(0, int(len(values) * 0.95) - 1)] if values else 0.0


async def _round(kind: str, bot: dict[str, Any], connector: Any, factory: Any, messages: int, concurrency: int, n: int,
                 stagger: bool = False) -> None:
    """One round of one bot: ``messages`` one at a time, then ``messages`` from ``concurrency``
    conversations; the bot process's CPU time over both."""
    cpu0 = _cpu_seconds(bot["pid"])
    seq = await _drive(bot["url"], connector, factory, bot["token"], bot["texts"], messages, 1, f"{kind}-seq{n}")
    cpu1 = _cpu_seconds(bot["pid"])
    par = await _drive(bot["url"], connector, factory, bot["token"], bot["texts"], messages, concurrency, f"{kind}-par{n}", stagger)
    cpu = _cpu_seconds(bot["pid"]) - cpu0
    seq["cpu"], par["cpu"] = cpu1 - cpu0, cpu - (cpu1 - cpu0)
    bot["sequential"].append(seq)
    bot["concurrent"].append(par)
    bot["cpu"].append((cpu, len(seq["latencies"]) + len(par["latencies"])))


PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def _create_pg_database() -> str:
    """A fresh PostgreSQL database for one run; returns its SQLAlchemy URL."""
    import secrets

    import psycopg

    name = f"wms_teams_bench_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _drop_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _bench(messages: int, concurrency: int, postgres: bool = False, profile: str | None = None, rounds: int = 3,
                 profiled: str = "wms-bot", stagger: bool = False) -> dict[str, Any]:
    from adapters.teams.standin import ActivityFactory, StandInConnector

    load_at_start = os.getloadavg()

    connector = await StandInConnector(tenant_id=TENANT).start()
    factory = ActivityFactory(connector.service_url, tenant_id=TENANT)
    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            "WMS_DATA_DIR": data_dir,
            "WMS_TEAMS_APP_ID": APP_ID,
            "WMS_TEAMS_APP_PASSWORD": "bench-secret-bench-secret",
            "WMS_TEAMS_TENANT_ID": TENANT,
            "WMS_TEAMS_HOST": "127.0.0.1",
            "WMS_TEAMS_PORT": "0",
            "WMS_TEAMS_OPENID_URL": connector.openid_url,
            "WMS_TEAMS_AUTHORITY": connector.url,
            "WMS_LOG_LEVEL": "WARNING",
        }
        if os.environ.get("WMS_TURN_THREADS"):  # e.g. to compare the number of turn threads
            env["WMS_TURN_THREADS"] = os.environ["WMS_TURN_THREADS"]
        database = _create_pg_database() if postgres else None
        if database:
            env["WMS_DATABASE_URL"] = database
        # All bots run side by side (an idle one costs nothing) and are measured in interleaved
        # rounds, so a change in the machine's load hits each of them alike.
        bots: dict[str, dict[str, Any]] = {}
        try:
            for kind in KINDS:
                ports: Any = ctx.Queue()
                target, args = {"echo": (_run_echo, (ports,)), "adapter": (_run_adapter_only, (env, ports, profile if profiled == kind else None)),
                                "wms-bot": (_run_ours, (env, ports, profile if profiled == kind else None))}[kind]
                process = ctx.Process(target=target, args=args, daemon=True)
                process.start()
                bots[kind] = {"process": process, "ports": ports, "pid": process.pid or 0, "sequential": [], "concurrent": [], "cpu": [],
                              "token": connector.token(APP_ID) if kind != "echo" else None,
                              "texts": OUR_SCRIPT if kind == "wms-bot" else ("hallo", "hello there", "ping")}
            for kind, bot in bots.items():
                bot["url"] = f"http://127.0.0.1:{await asyncio.to_thread(bot['ports'].get, True, 120)}"
                # Warm up (imports, JWKS and token fetch, SQLite caches).
                await _drive(bot["url"], connector, factory, bot["token"], bot["texts"], 2 * len(bot["texts"]), 1, f"{kind}-warm")
            if profile:
                import signal

                os.kill(bots[profiled]["pid"], signal.SIGUSR1)  # the profile starts now
                await asyncio.sleep(0.2)
            per_round = max(concurrency, messages // rounds)
            for n in range(rounds):
                for kind, bot in bots.items():
                    await _round(kind, bot, connector, factory, per_round, concurrency, n, stagger)
        finally:
            for bot in bots.values():
                bot["process"].terminate()
            for bot in bots.values():
                await asyncio.to_thread(bot["process"].join, 60 if profile else 10)
        if database:
            _drop_pg_database(database)
    await connector.close()
    results: dict[str, Any] = {}
    for kind, bot in bots.items():
        cpu = sum(c for c, _ in bot["cpu"])
        handled = sum(m for _, m in bot["cpu"])
        results[kind] = {"sequential": _summary(bot["sequential"]), "concurrent": _summary(bot["concurrent"]),
                         "cpu_ms_per_message": round(cpu * 1000 / handled, 3), "cpu_seconds": round(cpu, 3),
                         "cpu_ms_per_message_by_round": [round(c * 1000 / m, 3) for c, m in bot["cpu"]]}
    by_round = [o / e for o, e in zip(results["wms-bot"]["cpu_ms_per_message_by_round"], results["echo"]["cpu_ms_per_message_by_round"])]
    ours, echo, adapter = results["wms-bot"], results["echo"], results["adapter"]
    ratio = ours["cpu_ms_per_message"] / echo["cpu_ms_per_message"] if echo["cpu_ms_per_message"] else float("inf")
    adapter_ratio = adapter["cpu_ms_per_message"] / echo["cpu_ms_per_message"] if echo["cpu_ms_per_message"] else float("inf")
    return {
        "benchmark": "teams",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "messages_per_phase": messages,
        "concurrency": concurrency,
        "database": "postgresql" if postgres else "sqlite",
        "cpu_count": os.cpu_count(),
        "results": results,
        "rounds": rounds,
        "staggered": stagger,
        "cpu_ratio": round(ratio, 2),
        "cpu_ratio_by_round": [round(r, 2) for r in by_round],
        "load_average_at_start": load_at_start,
        "cpu_ratio_adapter_only": round(adapter_ratio, 2),
        "load_average": os.getloadavg(),
        "targets": {
            "cpu_ratio_max": TARGET_CPU_RATIO,
            "p95_ms_max_concurrent": TARGET_P95_MS,
            "cpu_ratio_met": ratio <= TARGET_CPU_RATIO,
            "cpu_ratio_adapter_only_met": adapter_ratio <= TARGET_CPU_RATIO,
            "p95_met": ours["concurrent"]["p95_ms"] < TARGET_P95_MS,
            "no_errors": ours["sequential"]["errors"] + ours["concurrent"]["errors"] == 0,
        },
    }


def _table(report: dict[str, Any]) -> str:
    lines = [
        f"Teams /api/messages round trip ({report['messages_per_phase']} messages per phase, {report['concurrency']} concurrent conversations"
        f" ({'staggered' if report['staggered'] else 'in lockstep'}), wms-bot on {report['database']})",
        f"{'bot':<10} {'seq p50':>8} {'seq p95':>8} {'seq msg/s':>9} {'8x p50':>8} {'8x p95':>8} {'8x msg/s':>9} {'CPU ms/msg':>11} {'(seq/8x)':>12} {'errors':>7}",
    ]
    for kind in KINDS:
        r = report["results"][kind]
        s, c = r["sequential"], r["concurrent"]
        lines.append(
            f"{kind:<10} {s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} {s['per_second']:>9.1f} {c['p50_ms']:>8.1f} {c['p95_ms']:>8.1f} {c['per_second']:>9.1f} {r['cpu_ms_per_message']:>11.2f} {s['cpu_ms_per_message']:>5.2f} / {c['cpu_ms_per_message']:>5.2f} {s['errors'] + c['errors']:>7}"
        )
    t = report["targets"]
    lines.append(f"echo = minimal Agents SDK echo bot; adapter = our endpoint (auth on) with a trivial handler; wms-bot = full stack (Runtime, dialog, {report['database']})")
    lines.append(
        f"CPU ratio adapter/echo: {report['cpu_ratio_adapter_only']:.2f} (target <= {t['cpu_ratio_max']}: {'met' if t['cpu_ratio_adapter_only_met'] else 'NOT met'}); "
        f"load average at start / end: {' '.join(f'{x:.1f}' for x in report['load_average_at_start'])} / {' '.join(f'{x:.1f}' for x in report['load_average'])} on {report['cpu_count']} cores"
    )
    lines.append(
        f"CPU ratio wms-bot/echo: {report['cpu_ratio']:.2f}, by round {' '.join(f'{r:.2f}' for r in report['cpu_ratio_by_round'])} (target <= {t['cpu_ratio_max']}: {'met' if t['cpu_ratio_met'] else 'NOT met'}); "
        f"p95 with {report['concurrency']} conversations: {report['results']['wms-bot']['concurrent']['p95_ms']:.1f} ms "
        f"(target < {t['p95_ms_max_concurrent']:.0f} ms: {'met' if t['p95_met'] else 'NOT met'})"
    )
    by_message = report["results"]["wms-bot"]["concurrent"]["p95_ms_by_message"]
    lines.append(f"wms-bot p95 by message with {report['concurrency']} conversations: " + "; ".join(f"{t!r} {v:.0f} ms" for t, v in by_message.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.teams", description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=240, help="messages per phase and bot (default 240)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent conversations (default 8)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds over the bots; the messages are split over them (default 3)")
    parser.add_argument("--stagger", action="store_true", help="concurrent conversation i starts at script message i instead of "
                        "all starting the script together (every new person at once, then every list at once)")
    parser.add_argument("--postgres", action="store_true", help="wms-bot on a fresh PostgreSQL database (127.0.0.1:5432) instead of SQLite")
    parser.add_argument("--profile", nargs="?", const="wms-bot", choices=("wms-bot", "adapter"), default=None,
                        help="cProfile (CPU time) a bot's process, all threads, measured phases only; its CPU figures are then "
                             "not comparable: bench/results/teams-profile.txt (default: wms-bot)")
    parser.add_argument("--out", default=None, help="where to write the JSON (default bench/results/teams.json, teams-postgres.json)")
    args = parser.parse_args(argv if argv is not None else [])
    profile = str(RESULTS.with_name("teams-profile.txt")) if args.profile else None
    report = asyncio.run(_bench(max(args.messages, args.concurrency), max(1, args.concurrency), args.postgres, profile, max(1, args.rounds),
                                args.profile or "wms-bot", args.stagger))
    if args.out is None:
        args.out = str(RESULTS.with_name("teams-postgres.json") if args.postgres else RESULTS)
    print(_table(report))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
