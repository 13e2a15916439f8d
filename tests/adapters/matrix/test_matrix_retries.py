"""429 answers and lost connections: the client the channel builds retries with the same
transaction id (so the homeserver deduplicates), against a tiny local homeserver stand-in."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from aiohttp import web
from nio import AsyncClient, RoomSendResponse

from adapters.matrix.channel import MatrixConfig, nio_config

CFG = MatrixConfig(homeserver="http://127.0.0.1", user_id="@wms:gov.example", store_path=Path("/tmp/x"),
                   pickle_key="0123456789abcdef", allowed_servers=frozenset({"gov.example"}))


def test_config_honours_429_and_caps_backoff():
    cfg = nio_config(CFG)
    assert cfg.max_limit_exceeded is None and cfg.max_timeouts is None
    assert cfg.max_timeout_retry_wait_time == 30.0
    assert cfg.store_sync_tokens is False and cfg.pickle_key == CFG.pickle_key


async def test_room_send_retries_after_429_with_the_same_transaction_id():
    seen: list[str] = []

    async def send(request: web.Request) -> web.Response:
        seen.append(request.match_info["txn"])
        if len(seen) == 1:
            return web.json_response({"errcode": "M_LIMIT_EXCEEDED", "error": "slow down", "retry_after_ms": 20}, status=429)
        return web.json_response({"event_id": "$sent"})

    app = web.Application()
    app.router.add_put("/_matrix/client/v3/rooms/{room}/send/{type}/{txn}", send)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    config = dataclasses.replace(nio_config(CFG), encryption_enabled=False, store=None)
    client = AsyncClient(f"http://127.0.0.1:{port}", "@wms:gov.example", config=config)
    client.access_token = "token"
    try:
        resp = await client.room_send("!r:gov.example", "m.room.message", {"msgtype": "m.notice", "body": "x"}, tx_id="wmsabc")
        assert isinstance(resp, RoomSendResponse) and resp.event_id == "$sent"
        assert seen == ["wmsabc", "wmsabc"]
    finally:
        await client.close()
        await runner.cleanup()
