"""Token validation details and the bot's own client-credentials tokens (loopback stand-in)."""

from __future__ import annotations

import base64
from typing import AsyncIterator

import aiohttp
import jwt
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from adapters.teams.auth import AuthError, ClientCredentialsTokenProvider, Credentials, KeySet, TokenValidator, same_service_url
from adapters.teams.standin import StandInConnector

APP = "app-id"


@pytest_asyncio.fixture
async def standin() -> AsyncIterator[StandInConnector]:
    connector = await StandInConnector(tenant_id="t").start()
    yield connector
    await connector.close()


@pytest_asyncio.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


def activity(service_url: str, channel: str = "msteams") -> dict:
    return {"serviceUrl": service_url, "channelId": channel}


async def test_valid_token_and_key_caching(standin, session) -> None:
    validator = TokenValidator(APP, KeySet(standin.openid_url, lambda: session))
    for _ in range(3):
        claims = await validator.validate(f"Bearer {standin.token(APP)}", activity(standin.service_url))
        assert claims["aud"] == APP
    assert standin.openid_fetches == 1


async def test_unknown_kid_refreshes_at_most_once_per_interval(standin, session) -> None:
    clock = [0.0]
    validator = TokenValidator(APP, KeySet(standin.openid_url, lambda: session, clock=lambda: clock[0]))
    await validator.validate(f"Bearer {standin.token(APP)}", activity(standin.service_url))
    for _ in range(5):
        with pytest.raises(AuthError, match="unknown key id"):
            await validator.validate(f"Bearer {standin.token(APP, kid='rotated')}", activity(standin.service_url))
    assert standin.openid_fetches == 1
    clock[0] += 301
    with pytest.raises(AuthError):
        await validator.validate(f"Bearer {standin.token(APP, kid='rotated')}", activity(standin.service_url))
    assert standin.openid_fetches == 2


async def test_endorsements_must_name_the_channel(standin, session) -> None:
    validator = TokenValidator(APP, KeySet(standin.openid_url, lambda: session))
    with pytest.raises(AuthError, match="endorsed"):
        await validator.validate(f"Bearer {standin.token(APP)}", activity(standin.service_url, channel="webchat"))


async def test_metadata_outage_is_a_refusal_not_a_crash(session) -> None:
    validator = TokenValidator(APP, KeySet("http://127.0.0.1:9/openid", lambda: session))
    with pytest.raises(AuthError, match="unknown key id"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        await validator.validate("Bearer " + jwt.encode({"a": 1}, key, algorithm="RS256", headers={"kid": "x"}), {})


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer a b", "Basic x", "bearer "])
async def test_malformed_headers(standin, session, header) -> None:
    validator = TokenValidator(APP, KeySet(standin.openid_url, lambda: session))
    with pytest.raises(AuthError):
        await validator.validate(header, activity(standin.service_url))


def test_service_url_comparison() -> None:
    assert same_service_url("https://smba.trafficmanager.net/emea/", "https://SMBA.trafficmanager.net/emea")
    assert not same_service_url("https://smba.trafficmanager.net/emea/", "https://smba.trafficmanager.net/amer/")
    assert not same_service_url("https://evil.example/", "https://smba.trafficmanager.net/")
    assert not same_service_url(None, "https://x/")


async def test_client_secret_token_is_cached(standin, session) -> None:
    provider = ClientCredentialsTokenProvider(Credentials(APP, "t", standin.url, secret="s3cret"), lambda: session)
    first = await provider.get_access_token("https://api.botframework.com", ["https://api.botframework.com/.default"])
    again = await provider.get_access_token("https://api.botframework.com", ["https://api.botframework.com/.default"])
    assert first == again and first.startswith("standin-")
    assert standin.tokens_issued == 1


async def test_certificate_client_assertion(standin, session) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    thumb = "AB" * 20
    creds = Credentials(APP, "t", standin.url, cert_private_key_pem=pem, cert_thumbprint=thumb)
    provider = ClientCredentialsTokenProvider(creds, lambda: session)
    assertion = provider._client_assertion()
    header = jwt.get_unverified_header(assertion)
    assert base64.urlsafe_b64decode(header["x5t"] + "=") == bytes.fromhex(thumb)
    claims = jwt.decode(assertion, key.public_key(), algorithms=["RS256"], audience=creds.token_url)
    assert claims["iss"] == claims["sub"] == APP
    assert (await provider.get_access_token("", [])).startswith("standin-")
