"""Matrix benchmark: reply round trip through a real Synapse, wms-bot vs a minimal nio echo bot.

One Synapse (the test harness, cached venv) on loopback; in this process: wms-bot
(``run_matrix`` with the real Runtime on a fresh SQLite database), a minimal matrix-nio
echo bot (``sync_forever`` + a callback that answers with an ``m.notice``), and test users.
Both bots are exempted from rate limits through the admin API.

Measured, interleaved message by message so both see the same conditions:
- round trip (user sends -> user's client receives the reply), plain and encrypted DMs;
- 20 users in parallel, each sending to wms-bot at once: all answered, no errors.
Target: our median within 1.2x the echo bot's.

``python -m bench matrix`` or ``python -m bench.matrix [--messages N] [--users U]``.
Prints a table and writes ``bench/results/matrix.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "matrix.json"
TARGET_RATIO = 1.2
MESSAGES = ("help", "wat heb ik gereserveerd?", "help", "show my bookings")


def _harness():
    sys.path.insert(0, str(ROOT / "tests" / "e2e"))
    import synapse_harness  # noqa: PLC0415

    return synapse_harness


async def _echo_bot(h: Any, synapse: Any, localpart: str, password: str, store: Path):
    """The baseline: the smallest sensible matrix-nio bot (joins invites, echoes as a notice reply)."""
    from nio import AsyncClient, AsyncClientConfig, InviteMemberEvent, MegolmEvent, RoomMessageText

    store.mkdir(parents=True)
    client = AsyncClient(synapse.url, f"@{localpart}:{synapse.server_name}", store_path=str(store),
                         config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True))
    await client.login(password)

    async def on_invite(room, event):
        if event.state_key == client.user_id and event.membership == "invite":
            await client.join(room.room_id)

    async def on_text(room, event):
        if event.sender == client.user_id:
            return
        content = {"msgtype": "m.notice", "body": f"echo: {event.body}", "m.relates_to": {"m.in_reply_to": {"event_id": event.event_id}}}
        await client.room_send(room.room_id, "m.room.message", content, ignore_unverified_devices=True)

    client.add_event_callback(on_invite, InviteMemberEvent)
    client.add_event_callback(on_text, RoomMessageText)
    await client.sync(timeout=0, full_state=True)
    if client.should_upload_keys:
        await client.keys_upload()
    task = asyncio.create_task(client.sync_forever(timeout=30_000))
    return client, task, MegolmEvent


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"n": len(samples), "median_ms": round(statistics.median(samples), 1), "p95_ms": round(p95, 1),
            "min_ms": round(ordered[0], 1), "max_ms": round(ordered[-1], 1)}


async def _round_trip(user: Any, room: str, text: str) -> float:
    started = time.perf_counter()
    event_id = await user.say(room, text)
    await user.reply_to(event_id, timeout=60)
    return (time.perf_counter() - started) * 1000


async def run(messages: int, users: int) -> dict[str, Any]:
    h = _harness()

    from adapters.matrix.logs import quiet_third_party_loggers
    from bot.bootstrap import bootstrap
    from bot.matrix_channel import run_matrix
    from bot.runtime import Runtime
    from bot.settings import Settings
    from core.dialog.engine import Dialog

    logging.disable(logging.WARNING)  # keep the table readable; nothing personal is logged anyway
    quiet_third_party_loggers()
    with tempfile.TemporaryDirectory(prefix="wms-bench-matrix-") as tmp_name:
        tmp = Path(tmp_name)
        synapse = h.Synapse(tmp / "hs")
        await synapse.start()
        stop = asyncio.Event()
        tasks: list[asyncio.Task[Any]] = []
        clients: list[Any] = []
        try:
            admin = await synapse.register("admin", "admin-pass", admin=True)
            ours_pw, echo_pw = secrets.token_hex(8), secrets.token_hex(8)
            ours = await synapse.register("wmsbot", ours_pw)
            echo = await synapse.register("echobot", echo_pw)
            for reg in (ours, echo):
                await synapse.exempt_from_rate_limits(admin["access_token"], reg["user_id"])
            work = tmp / "bot"
            work.mkdir()
            settings = Settings.from_env({
                "WMS_DATA_DIR": str(work),
                "WMS_DATABASE_URL": f"sqlite:///{work / 'wms.sqlite3'}",
                "WMS_MATRIX_HOMESERVER": synapse.url,
                "WMS_MATRIX_USER_ID": ours["user_id"],
                "WMS_MATRIX_PASSWORD": ours_pw,
                "WMS_MATRIX_STORE_PATH": str(work / "store"),
                "WMS_MATRIX_PICKLE_KEY": secrets.token_hex(16),
            })
            services = bootstrap(settings)
            runtime = Runtime(Dialog(services.booking, services.conversations), services.messages)
            got = asyncio.get_running_loop().create_future()
            tasks.append(asyncio.create_task(run_matrix(settings, runtime, services.engine, stop,
                                                        on_channel=lambda c: got.done() or got.set_result(c))))
            channel = await asyncio.wait_for(got, 60)
            await asyncio.wait_for(channel.ready.wait(), 60)
            echo_client, echo_task, _ = await _echo_bot(h, synapse, "echobot", echo_pw, tmp / "echo-store")
            tasks.append(echo_task)
            clients.append(echo_client)

            async def new_user(name: str):
                pw = secrets.token_hex(8)
                localpart = f"{name}{secrets.token_hex(3)}"
                await synapse.register(localpart, pw)
                store = tmp / "users" / localpart
                store.mkdir(parents=True)
                user = await h.TestUser.login(synapse, localpart, pw, store)
                clients.append(user)
                return user

            results: dict[str, Any] = {}
            for mode in ("plain", "encrypted"):
                user = await new_user(f"bench{mode}")
                room_ours = await user.dm(ours["user_id"], encrypted=mode == "encrypted")
                room_echo = await user.dm(echo["user_id"], encrypted=mode == "encrypted")
                for i in range(3):  # warm-up: sessions, keys, caches
                    await _round_trip(user, room_ours, MESSAGES[i % len(MESSAGES)])
                    await _round_trip(user, room_echo, MESSAGES[i % len(MESSAGES)])
                ours_ms, echo_ms = [], []
                for i in range(messages):
                    text = MESSAGES[i % len(MESSAGES)]
                    if i % 2:
                        echo_ms.append(await _round_trip(user, room_echo, text))
                        ours_ms.append(await _round_trip(user, room_ours, text))
                    else:
                        ours_ms.append(await _round_trip(user, room_ours, text))
                        echo_ms.append(await _round_trip(user, room_echo, text))
                results[mode] = {"wms-bot": _stats(ours_ms), "echo": _stats(echo_ms)}
                results[mode]["ratio_median"] = round(results[mode]["wms-bot"]["median_ms"] / results[mode]["echo"]["median_ms"], 2)

            people = [await new_user(f"par{i}-") for i in range(users)]
            rooms = [await p.dm(ours["user_id"]) for p in people]
            errors = 0

            async def one(p: Any, room: str) -> float | None:
                nonlocal errors
                try:
                    return await _round_trip(p, room, "help")
                except Exception:
                    errors += 1
                    return None

            started = time.perf_counter()
            times = await asyncio.gather(*(one(p, r) for p, r in zip(people, rooms)))
            wall = (time.perf_counter() - started) * 1000
            answered = [t for t in times if t is not None]
            results["parallel"] = {"users": users, "answered": len(answered), "errors": errors,
                                   "wall_ms": round(wall, 1), **(_stats(answered) if answered else {})}
            return results
        finally:
            stop.set()
            for t in tasks[1:]:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for c in clients:
                await c.close()
            await synapse.stop()


def _print(results: dict[str, Any]) -> None:
    print("Matrix reply round trip through Synapse (ms)")
    print(f"{'mode':<10} {'bot':<8} {'n':>4} {'median':>8} {'p95':>8} {'min':>8} {'max':>8}")
    for mode in ("plain", "encrypted"):
        for bot in ("wms-bot", "echo"):
            s = results[mode][bot]
            print(f"{mode:<10} {bot:<8} {s['n']:>4} {s['median_ms']:>8} {s['p95_ms']:>8} {s['min_ms']:>8} {s['max_ms']:>8}")
        ok = "ok" if results[mode]["ratio_median"] <= TARGET_RATIO else "OVER TARGET"
        print(f"{mode:<10} ratio of medians {results[mode]['ratio_median']} (target <= {TARGET_RATIO}) {ok}")
    par = results["parallel"]
    print(f"load average (1 min) at the end: {results.get('load_average_1m')}")
    print(f"parallel: {par['answered']}/{par['users']} users answered, {par['errors']} errors, "
          f"median {par.get('median_ms')} ms, p95 {par.get('p95_ms')} ms, all done in {par['wall_ms']} ms")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.matrix")
    parser.add_argument("--messages", type=int, default=30)
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args(argv)
    results = asyncio.run(run(args.messages, args.users))
    results["target_ratio"] = TARGET_RATIO
    results["load_average_1m"] = round(os.getloadavg()[0], 2)  # the machine is shared: context for the figures
    _print(results)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    par = results["parallel"]
    passed = par["answered"] == par["users"] and par["errors"] == 0
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
