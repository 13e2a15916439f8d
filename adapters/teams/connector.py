"""Connector clients on pooled HTTP sessions.

The SDK's ``RestChannelServiceClientFactory`` opens a new aiohttp session for every turn,
twice (the connector client and a user-token client), so every reply pays a new TCP and
TLS handshake with the Bot Connector and the session set-up in CPU. This factory keeps one
keep-alive session per service URL (a handful: Teams uses one per region) and one
user-token client for the process (wms-bot uses no user sign-in), and hands the SDK clients
whose ``close`` leaves the shared session open. Tokens still come from the SDK's token
provider per turn (cached there).

The connector client itself is kept with its session: the SDK's ``ConnectorClient.__init__``
looks up the SDK's version in the installed package metadata (a scan of ``sys.path``) every
time it is called, which cost more CPU than the rest of sending a reply.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import Any

from aiohttp import ClientSession, ClientTimeout, TCPConnector
from microsoft_agents.hosting.core import RestChannelServiceClientFactory
from microsoft_agents.hosting.core.connector.client import UserTokenClient
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

MAX_SESSIONS = 16


class _SharedTeamsConnectorClient(TeamsConnectorClient):
    async def close(self) -> None:  # the pooled session outlives the turn
        return None


class _SharedUserTokenClient(UserTokenClient):
    async def close(self) -> None:
        return None


class PooledClientFactory(RestChannelServiceClientFactory):
    """A ``ChannelServiceClientFactory`` reusing HTTP sessions across turns."""

    def __init__(self, connections: Any) -> None:
        super().__init__(connections)
        self._connections = connections
        self._sessions: OrderedDict[tuple[str, str], ClientSession] = OrderedDict()
        self._clients: dict[tuple[str, str], _SharedTeamsConnectorClient] = {}
        self._user_token_client: UserTokenClient | None = None

    @staticmethod
    def _key(service_url: str, token: str) -> tuple[str, str]:
        return (service_url if service_url.endswith("/") else service_url + "/", token)

    def _session(self, service_url: str, token: str) -> ClientSession:
        key = self._key(service_url, token)
        base = key[0]
        session = self._sessions.get(key)
        if session is None or session.closed:
            # One session per (service URL, token): a refreshed token gets a fresh session and
            # the old one is closed when evicted, so headers are never changed under a request.
            session = ClientSession(
                base_url=base,
                connector=TCPConnector(limit=64, keepalive_timeout=60),
                timeout=ClientTimeout(total=30),
            )
            self._sessions[key] = session
            stale = [k for k in self._sessions if k[0] == base and k != key]
            for old in stale:
                self._retire(old)
            while len(self._sessions) > MAX_SESSIONS:
                self._retire(next(iter(self._sessions)))
        else:
            self._sessions.move_to_end(key)
        return session

    def _retire(self, key: tuple[str, str]) -> None:
        session = self._sessions.pop(key)
        self._clients.pop(key, None)
        # Requests in flight on it get time to finish before it is closed.
        asyncio.get_running_loop().call_later(35, lambda: asyncio.ensure_future(session.close()))

    async def create_connector_client(
        self,
        context: Any,
        claims_identity: Any,
        service_url: str,
        audience: str,
        scopes: list[str] | None = None,
        use_anonymous: bool = False,
    ) -> Any:
        if context is not None and context.activity is not None and context.activity.is_agentic_request():
            return await super().create_connector_client(context, claims_identity, service_url, audience, scopes, use_anonymous)
        if use_anonymous:
            token = ""
        else:
            provider = self._connections.get_token_provider(claims_identity, service_url)
            token = await provider.get_access_token(audience, scopes or claims_identity.get_token_scope())
        session = self._session(service_url, token)
        key = self._key(service_url, token)
        client = self._clients.get(key)
        if client is None or client.client is not session:
            client = self._clients[key] = _SharedTeamsConnectorClient(service_url, token, session=session)
        return client

    async def create_user_token_client(self, context: Any, claims_identity: Any, use_anonymous: bool = False) -> Any:
        if self._user_token_client is None:
            # Created once: wms-bot has no user sign-in flows, the client is never called.
            self._user_token_client = _SharedUserTokenClient(
                self._token_service_endpoint, "", app_id=claims_identity.get_app_id() or "wms-bot"
            )
        return self._user_token_client

    async def close(self) -> None:
        for session in self._sessions.values():
            await session.close()
        self._sessions.clear()
        self._clients.clear()
        if self._user_token_client is not None:
            await UserTokenClient.close(self._user_token_client)
