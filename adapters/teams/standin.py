"""A local stand-in for the Bot Connector service and Entra, for tests, benchmarks and demos.

It plays every remote party of the Bot Framework protocol on loopback: it serves OpenID
metadata and a JWKS made from its own RSA key, signs connector tokens with that key (and
can forge bad ones), issues the bot's outbound tokens, and receives the bot's replies
(``POST /v3/conversations/{id}/activities[/{replyToId}]``) into a queue that tests await.
Nothing here is used in production.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"


@dataclass
class Received:
    """One request the bot made to the connector."""

    method: str
    path: str
    conversation_id: str
    reply_to_id: str | None
    activity: dict[str, Any]
    authorization: str | None


@dataclass
class Failure:
    status: int
    retry_after: str | None = None


class StandInConnector:
    """The stand-in service; ``await start()``, use ``url``, ``await close()``."""

    def __init__(self, tenant_id: str = "tenant-a", kid: str = "standin-key-1", endorsements: tuple[str, ...] = ("msteams",)) -> None:
        self.tenant_id = tenant_id
        self.kid = kid
        self.endorsements = endorsements
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.received: asyncio.Queue[Received] = asyncio.Queue()
        self.all_received: list[Received] = []
        self.failures: list[Failure] = []
        self.tokens_issued = 0
        self.openid_fetches = 0
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""
        self._issued: set[str] = set()
        self.members: dict[str, list[str]] = {}
        self.uploads: dict[str, tuple[bytes, str | None]] = {}
        self.member_requests = 0

    # --- lifecycle -----------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1") -> "StandInConnector":
        app = web.Application()
        app.router.add_get("/openid", self._openid)
        app.router.add_get("/keys", self._keys)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._activity)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self._activity)
        app.router.add_put("/v3/conversations/{conversation}/activities/{reply_to}", self._activity)
        app.router.add_get("/v3/conversations/{conversation}/members", self._members)
        app.router.add_put("/upload/{name}", self._upload)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://{host}:{port}"
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def openid_url(self) -> str:
        return f"{self.url}/openid"

    @property
    def service_url(self) -> str:
        return f"{self.url}/"

    # --- waiting for replies -------------------------------------------------------------

    async def next(self, timeout: float = 10.0) -> Received:
        """The next request the bot made (raises ``TimeoutError`` after ``timeout``)."""
        return await asyncio.wait_for(self.received.get(), timeout)

    def drain(self) -> list[Received]:
        items = []
        while not self.received.empty():
            items.append(self.received.get_nowait())
        return items

    # --- tokens ----------------------------------------------------------------------------

    def token(
        self,
        app_id: str,
        service_url: str | None = None,
        *,
        issuer: str = ISSUER,
        audience: str | None = None,
        expires_in: int = 3600,
        kid: str | None = None,
        alg: str = "RS256",
        other_key: bool = False,
        extra: dict[str, Any] | None = None,
    ) -> str:
        """A connector token for ``app_id`` (or a forged one, through the options)."""
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": audience if audience is not None else app_id,
            "nbf": now - 5,
            "exp": now + expires_in,
            "serviceurl": service_url if service_url is not None else self.service_url,
        }
        claims.update(extra or {})
        headers = {"kid": kid if kid is not None else self.kid}
        if alg == "none":
            return jwt.encode(claims, None, algorithm="none", headers=headers)
        key = self._other_key if other_key else self._key
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        return jwt.encode(claims, pem, algorithm=alg, headers=headers)

    def token_hs256_with_public_key(self, app_id: str) -> str:
        """The classic algorithm-confusion forgery: HMAC-signed with the public key as secret."""
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": app_id, "nbf": now - 5, "exp": now + 3600, "serviceurl": self.service_url}
        public_pem = self._key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

        def b64(data: bytes) -> str:
            return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")

        signing_input = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": self.kid}).encode()) + "." + b64(json.dumps(claims).encode())
        signature = hmac.new(public_pem, signing_input.encode("ascii"), hashlib.sha256).digest()
        return f"{signing_input}.{b64(signature)}"

    @staticmethod
    def flip_signature_bit(token: str) -> str:
        head, payload, signature = token.split(".")
        raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
        raw[len(raw) // 2] ^= 0x01
        return f"{head}.{payload}." + base64.urlsafe_b64encode(bytes(raw)).decode("ascii").rstrip("=")

    # --- handlers ----------------------------------------------------------------------------

    async def _openid(self, _request: web.Request) -> web.Response:
        self.openid_fetches += 1
        return web.json_response(
            {
                "issuer": ISSUER,
                "authorization_endpoint": f"{self.url}/authorize",
                "jwks_uri": f"{self.url}/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _keys(self, _request: web.Request) -> web.Response:
        jwk = json.loads(RSAAlgorithm.to_jwk(self._key.public_key()))
        jwk.update({"kid": self.kid, "use": "sig", "endorsements": list(self.endorsements)})
        return web.json_response({"keys": [jwk]})

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("grant_type") != "client_credentials" or not form.get("client_id"):
            return web.json_response({"error": "invalid_request"}, status=400)
        if not form.get("client_secret") and not form.get("client_assertion"):
            return web.json_response({"error": "invalid_client"}, status=401)
        self.tokens_issued += 1
        token = f"standin-{uuid.uuid4().hex}"
        self._issued.add(token)
        return web.json_response({"token_type": "Bearer", "expires_in": 3600, "access_token": token})

    async def _activity(self, request: web.Request) -> web.Response:
        body = await request.json()
        received = Received(
            method=request.method,
            path=request.path,
            conversation_id=request.match_info["conversation"],
            reply_to_id=request.match_info.get("reply_to"),
            activity=body,
            authorization=request.headers.get("Authorization"),
        )
        if self.failures:
            failure = self.failures.pop(0)
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else None
            self.all_received.append(received)
            return web.json_response({"error": {"code": "Throttled"}}, status=failure.status, headers=headers)
        self.all_received.append(received)
        self.received.put_nowait(received)
        return web.json_response({"id": f"reply-{next(self._ids)}"})

    async def _upload(self, request: web.Request) -> web.Response:
        """Plays OneDrive's upload session URL for the file-consent flow."""
        self.uploads[request.match_info["name"]] = (await request.read(), request.headers.get("Content-Range"))
        return web.json_response({"id": "file-1"}, status=201)

    async def _members(self, request: web.Request) -> web.Response:
        self.member_requests += 1
        members = self.members.get(request.match_info["conversation"], [])
        return web.json_response([{"id": f"29:{m}", "aadObjectId": m, "name": "Member"} for m in members])

    def authorized(self, received: Received) -> bool:
        """Whether a request carried a token this stand-in issued."""
        auth = received.authorization or ""
        return auth.startswith("Bearer ") and auth[7:] in self._issued


@dataclass
class ActivityFactory:
    """Builds Teams activities as the connector sends them (camelCase JSON)."""

    service_url: str
    tenant_id: str = "tenant-a"
    bot_id: str = "28:bot-app-id"
    bot_name: str = "wms-bot"
    _ids: Any = field(default_factory=lambda: itertools.count(1_700_000_000_000))

    def next_id(self) -> str:
        return str(next(self._ids))

    def _base(self, kind: str, conversation: dict[str, Any], user: str, locale: str) -> dict[str, Any]:
        return {
            "type": kind,
            "id": self.next_id(),
            "timestamp": "2026-11-23T10:00:00.000Z",
            "localTimestamp": "2026-11-23T11:00:00.000+01:00",
            "serviceUrl": self.service_url,
            "channelId": "msteams",
            "from": {"id": f"29:{user}", "name": "Display Name Is Not Identity", "aadObjectId": user},
            "conversation": {"tenantId": self.tenant_id, **conversation},
            "recipient": {"id": self.bot_id, "name": self.bot_name},
            "locale": locale,
            "channelData": {"tenant": {"id": self.tenant_id}},
        }

    def personal(self, text: str, user: str = "aad-user-1", locale: str = "nl-NL", conversation: str | None = None) -> dict[str, Any]:
        body = self._base("message", {"conversationType": "personal", "id": conversation or f"a:personal-{user}"}, user, locale)
        body.update({"text": text, "textFormat": "plain", "entities": [{"type": "clientInfo", "locale": locale, "country": "NL", "platform": "Web"}]})
        return body

    def channel(self, text: str, user: str = "aad-user-2", locale: str = "en-US", mention: bool = True, thread: str = "1700000000001") -> dict[str, Any]:
        conv = {"conversationType": "channel", "isGroup": True, "id": f"19:channel-general@thread.tacv2;messageid={thread}"}
        body = self._base("message", conv, user, locale)
        at = f"<at>{self.bot_name}</at>"
        body.update(
            {
                "text": f"{at} {text}" if mention else text,
                "textFormat": "plain",
                "entities": [{"type": "mention", "mentioned": {"id": self.bot_id, "name": self.bot_name}, "text": at}] if mention else [],
                "channelData": {
                    "tenant": {"id": self.tenant_id},
                    "team": {"id": "19:team@thread.tacv2"},
                    "channel": {"id": "19:channel-general@thread.tacv2"},
                    "teamsChannelId": "19:channel-general@thread.tacv2",
                    "teamsTeamId": "19:team@thread.tacv2",
                },
            }
        )
        return body

    def install(self, user: str = "aad-user-1", locale: str = "nl-NL") -> dict[str, Any]:
        body = self._base("conversationUpdate", {"conversationType": "personal", "id": f"a:personal-{user}"}, user, locale)
        body["membersAdded"] = [{"id": self.bot_id}]
        return body

    def file_consent(self, token: Any, accept: bool, upload_url: str, user: str = "aad-user-1", locale: str = "nl-NL") -> dict[str, Any]:
        body = self._base("invoke", {"conversationType": "personal", "id": f"a:personal-{user}"}, user, locale)
        body["id"] = f"f:{uuid.uuid4()}"
        value: dict[str, Any] = {"type": "fileUpload", "action": "accept" if accept else "decline", "context": {"t": token}}
        if accept:
            value["uploadInfo"] = {
                "contentUrl": "https://contoso-my.sharepoint.com/personal/export.json",
                "name": "export.json",
                "uploadUrl": upload_url,
                "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C9D",
                "fileType": "json",
            }
        body.update({"name": "fileConsent/invoke", "value": value})
        return body

    def card_action(self, data: Any, user: str = "aad-user-1", locale: str = "nl-NL", conversation: str | None = None, verb: str = "wms.choose") -> dict[str, Any]:
        body = self._base("invoke", {"conversationType": "personal", "id": conversation or f"a:personal-{user}"}, user, locale)
        body["id"] = f"f:{uuid.uuid4()}"
        body.update(
            {
                "name": "adaptiveCard/action",
                "replyToId": "reply-1",
                "value": {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"},
            }
        )
        return body
