"""Bot Framework authentication: validating inbound tokens, acquiring outbound ones.

Inbound: every request to ``/api/messages`` carries a JWT from the Bot Connector. We
validate it ourselves with PyJWT rather than the SDK's ``JwtTokenValidator`` because that
validator hard-codes the public Bot Framework JWKS address (so it cannot be tested offline
against a loopback key set), validates the issuer only on opt-in, allows 5 minutes of
clock skew, fetches keys synchronously in a thread and only warns when the token's
``serviceurl`` differs from the activity's. Rules implemented (Bot Framework
"Authentication" spec, connector -> bot):

* ``Authorization: Bearer <JWT>``; algorithm RS256 only (``none``/HS* refused);
* the ``kid`` names a key in the JWKS found through the OpenID metadata document
  (refreshed daily, and at most every 5 minutes on an unknown ``kid``); if the key lists
  ``endorsements``, they contain the activity's ``channelId``;
* signature, ``iss`` in the accepted issuers (default ``https://api.botframework.com``),
  ``aud`` = our app id, ``exp``/``nbf`` with a small leeway;
* the ``serviceurl`` claim equals the activity's ``serviceUrl``.

Outbound: replies to the connector need an Entra token for the bot (client credentials
with a secret or a certificate). :class:`ClientCredentialsTokenProvider` gets it with
aiohttp from a configurable authority (so tests serve the token endpoint on loopback),
caches it until shortly before expiry and plugs into the SDK as its token provider.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import aiohttp
import jwt
from jwt.algorithms import RSAAlgorithm

log = logging.getLogger(__name__)

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
BOT_FRAMEWORK_OPENID_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
DEFAULT_AUTHORITY = "https://login.microsoftonline.com"
LEEWAY_SECONDS = 120
KEYS_MAX_AGE = 24 * 3600
UNKNOWN_KID_REFRESH_INTERVAL = 300
VERIFIED_CACHE_SIZE = 256


class AuthError(Exception):
    """A request is not authenticated; ``reason`` is a short code safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class _Key:
    key: Any
    endorsements: tuple[str, ...] | None


class KeySet:
    """Signing keys from OpenID metadata -> ``jwks_uri``, cached with bounded refreshes."""

    def __init__(
        self,
        openid_url: str,
        session: Callable[[], aiohttp.ClientSession],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._openid_url = openid_url
        self._session = session
        self._clock = clock
        self._keys: dict[str, _Key] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def get(self, kid: str) -> _Key | None:
        now = self._clock()
        stale = self._fetched_at is None or now - self._fetched_at > KEYS_MAX_AGE
        may_refresh = self._fetched_at is None or now - self._fetched_at > UNKNOWN_KID_REFRESH_INTERVAL
        if stale or (kid not in self._keys and may_refresh):
            await self._refresh(force=stale)
        return self._keys.get(kid)

    async def _refresh(self, force: bool) -> None:
        async with self._lock:
            now = self._clock()
            if not force and self._fetched_at is not None and now - self._fetched_at <= UNKNOWN_KID_REFRESH_INTERVAL:
                return  # another request refreshed while we waited
            try:
                timeout = aiohttp.ClientTimeout(total=10)
                async with self._session().get(self._openid_url, timeout=timeout) as resp:
                    resp.raise_for_status()
                    metadata = await resp.json(content_type=None)
                jwks_uri = metadata["jwks_uri"]
                async with self._session().get(jwks_uri, timeout=timeout) as resp:
                    resp.raise_for_status()
                    jwks = await resp.json(content_type=None)
                keys: dict[str, _Key] = {}
                for entry in jwks.get("keys", ()):
                    if entry.get("kty") != "RSA" or not entry.get("kid"):
                        continue
                    endorsements = entry.get("endorsements")
                    keys[entry["kid"]] = _Key(
                        RSAAlgorithm.from_jwk(entry),
                        tuple(endorsements) if isinstance(endorsements, list) else None,
                    )
            except (aiohttp.ClientError, asyncio.TimeoutError, KeyError, TypeError, ValueError) as exc:
                # Keep the old keys: a transient outage of the metadata endpoint must not
                # lock everybody out; retry after the unknown-kid interval.
                log.warning("could not refresh Bot Framework signing keys: %s", type(exc).__name__)
                self._fetched_at = now if self._keys else (now - UNKNOWN_KID_REFRESH_INTERVAL + 30)
                return
            self._keys = keys
            self._fetched_at = now


class TokenValidator:
    """Validates the connector's JWT for one activity (see the module docstring)."""

    def __init__(
        self,
        app_id: str,
        keys: KeySet,
        issuers: tuple[str, ...] = (BOT_FRAMEWORK_ISSUER,),
        leeway: int = LEEWAY_SECONDS,
    ) -> None:
        self._app_id = app_id
        self._keys = keys
        self._issuers = list(issuers)
        self._leeway = leeway
        self._verified: dict[str, tuple[dict[str, Any], tuple[str, ...] | None]] = {}

    async def validate(self, authorization: str | None, activity: Mapping[str, Any]) -> dict[str, Any]:
        """The verified claims, or :class:`AuthError`."""
        if not authorization:
            raise AuthError("missing authorization")
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or " " in token:
            raise AuthError("malformed authorization")
        cached = self._verified.get(token)
        if cached is not None:
            # The connector reuses one token for many requests (about an hour): its signature
            # and fixed claims were verified already; expiry and per-activity checks are not.
            claims, endorsements = cached
            if time.time() > float(claims["exp"]) + self._leeway:
                self._verified.pop(token, None)
                raise AuthError("expired")
            self._check_activity(claims, endorsements, activity)
            return claims
        claims, endorsements = await self._verify(token)
        self._check_activity(claims, endorsements, activity)
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            self._verified.pop(next(iter(self._verified)))
        self._verified[token] = (claims, endorsements)
        return claims

    @staticmethod
    def _check_activity(claims: Mapping[str, Any], endorsements: tuple[str, ...] | None, activity: Mapping[str, Any]) -> None:
        if endorsements is not None and activity.get("channelId") not in endorsements:
            raise AuthError("key not endorsed for channel")
        if not same_service_url(claims.get("serviceurl"), activity.get("serviceUrl")):
            raise AuthError("serviceUrl mismatch")

    async def _verify(self, token: str) -> tuple[dict[str, Any], tuple[str, ...] | None]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthError("malformed token") from None
        if header.get("alg") != "RS256":
            raise AuthError("algorithm not allowed")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise AuthError("no key id")
        key = await self._keys.get(kid)
        if key is None:
            raise AuthError("unknown key id")
        try:
            claims = jwt.decode(
                token,
                key=key.key,
                algorithms=["RS256"],
                audience=self._app_id,
                issuer=self._issuers,
                leeway=self._leeway,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("expired") from None
        except jwt.InvalidAudienceError:
            raise AuthError("wrong audience") from None
        except jwt.InvalidIssuerError:
            raise AuthError("wrong issuer") from None
        except jwt.PyJWTError:
            raise AuthError("invalid token") from None
        return claims, key.endorsements


def same_service_url(claimed: Any, actual: Any) -> bool:
    """Service URLs compared exactly, ignoring a trailing slash and the case of scheme/host."""
    if not isinstance(claimed, str) or not isinstance(actual, str) or not claimed or not actual:
        return False
    return _norm_url(claimed) == _norm_url(actual)


def _norm_url(url: str) -> str:
    scheme, sep, rest = url.strip().partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}{sep}{host.lower()}{slash}{path}".rstrip("/")


# --- outbound -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """The bot's own Entra application credentials (a secret or a certificate)."""

    app_id: str
    tenant_id: str
    authority: str = DEFAULT_AUTHORITY
    secret: str | None = None
    cert_private_key_pem: bytes | None = None
    cert_thumbprint: str | None = None

    @property
    def token_url(self) -> str:
        return f"{self.authority.rstrip('/')}/{self.tenant_id}/oauth2/v2.0/token"


class ClientCredentialsTokenProvider:
    """An SDK token provider (``AccessTokenProviderBase``) for the client-credentials flow."""

    def __init__(
        self,
        credentials: Credentials,
        session: Callable[[], aiohttp.ClientSession],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._credentials = credentials
        self._session = session
        self._clock = clock
        self._cache: dict[tuple[str, ...], tuple[str, float]] = {}
        self._lock = asyncio.Lock()
        self._configuration: Any = None

    @property
    def configuration(self) -> Any:
        if self._configuration is None:
            from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration

            self._configuration = AgentAuthConfiguration(
                CLIENTID=self._credentials.app_id, TENANTID=self._credentials.tenant_id
            )
        return self._configuration

    def get_token_credential(self) -> Any:
        raise NotImplementedError("not used by wms-bot")

    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
        scope_key = tuple(scopes or (BOT_FRAMEWORK_SCOPE,))
        cached = self._cache.get(scope_key)
        if cached and not force_refresh and cached[1] > self._clock():
            return cached[0]
        async with self._lock:
            cached = self._cache.get(scope_key)
            if cached and not force_refresh and cached[1] > self._clock():
                return cached[0]
            token, lifetime = await self._request(" ".join(scope_key))
            # Renew five minutes before expiry (never cache for less than a minute).
            self._cache[scope_key] = (token, self._clock() + max(60.0, lifetime - 300.0))
            return token

    async def _request(self, scope: str) -> tuple[str, float]:
        creds = self._credentials
        form = {"grant_type": "client_credentials", "client_id": creds.app_id, "scope": scope}
        if creds.cert_private_key_pem is not None:
            form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            form["client_assertion"] = self._client_assertion()
        else:
            form["client_secret"] = creds.secret or ""
        async with self._session().post(creds.token_url, data=form, timeout=aiohttp.ClientTimeout(total=15)) as resp:
            payload = await resp.json(content_type=None)
            if resp.status != 200 or not isinstance(payload, dict) or "access_token" not in payload:
                # The error body may name the app; log only the status.
                log.error("token request for the bot failed with HTTP %s", resp.status)
                raise RuntimeError(f"token endpoint answered HTTP {resp.status}")
        return str(payload["access_token"]), float(payload.get("expires_in", 3600))

    def _client_assertion(self) -> str:
        creds = self._credentials
        thumb = bytes.fromhex((creds.cert_thumbprint or "").replace(":", ""))
        now = int(self._clock())
        return jwt.encode(
            {
                "aud": creds.token_url,
                "iss": creds.app_id,
                "sub": creds.app_id,
                "jti": str(uuid.uuid4()),
                "nbf": now,
                "iat": now,
                "exp": now + 600,
            },
            creds.cert_private_key_pem,  # type: ignore[arg-type]
            algorithm="RS256",
            headers={"x5t": base64.urlsafe_b64encode(thumb).decode("ascii").rstrip("=")},
        )


class StaticConnections:
    """The SDK's ``Connections`` with one token provider for every outbound call."""

    def __init__(self, provider: Any) -> None:
        self._provider = provider

    def get_connection(self, connection_name: str) -> Any:
        return self._provider

    def get_default_connection(self) -> Any:
        return self._provider

    def get_token_provider(self, claims_identity: Any, service_url: str) -> Any:
        return self._provider

    def get_token_provider_from_activity(self, claims_identity: Any, activity: Any) -> Any:
        return self._provider

    def get_default_connection_configuration(self) -> Any:
        return self._provider.configuration
