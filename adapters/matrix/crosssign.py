"""Cross-signing for the bot's own device (sans-I/O), which matrix-nio lacks (its issue #229).

The bot owns a master key and a self-signing key (ed25519). The master key signs the
self-signing key; the self-signing key signs the bot's device keys. Other users' clients
then see the device as verified by its owner. Signatures are over canonical JSON
(sorted keys, no spaces, UTF-8) without ``signatures`` and ``unsigned``, unpadded base64.
The private seeds are kept in a file sealed with AES-GCM under a key derived from the
pickle key.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def canonical_json(obj: Any) -> bytes:
    """Matrix canonical JSON: sorted keys, compact separators, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def unpadded_b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _b64decode(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _signable(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}


@dataclass(frozen=True)
class SigningKey:
    """An ed25519 key given by its 32-byte seed."""

    seed: bytes

    @classmethod
    def generate(cls) -> "SigningKey":
        return cls(os.urandom(32))

    @property
    def _private(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    @property
    def public(self) -> str:
        """The public key, unpadded base64 (also its key id after ``ed25519:``)."""
        raw = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return unpadded_b64(raw)

    def sign(self, obj: dict[str, Any], user_id: str) -> dict[str, Any]:
        """A copy of ``obj`` with this key's signature added under ``user_id``."""
        signed = copy.deepcopy(obj)
        signature = unpadded_b64(self._private.sign(canonical_json(_signable(obj))))
        signed.setdefault("signatures", {}).setdefault(user_id, {})[f"ed25519:{self.public}"] = signature
        return signed


def verify(obj: dict[str, Any], user_id: str, public_key: str) -> bool:
    """Whether ``obj`` carries a valid signature by ``public_key`` under ``user_id``."""
    try:
        signature = obj["signatures"][user_id][f"ed25519:{public_key}"]
        Ed25519PublicKey.from_public_bytes(_b64decode(public_key)).verify(
            _b64decode(signature), canonical_json(_signable(obj))
        )
        return True
    except (KeyError, TypeError, ValueError, InvalidSignature):
        return False


@dataclass(frozen=True)
class CrossSigningKeys:
    """The bot's master and self-signing keys."""

    master: SigningKey
    self_signing: SigningKey

    @classmethod
    def generate(cls) -> "CrossSigningKeys":
        return cls(SigningKey.generate(), SigningKey.generate())

    def master_key(self, user_id: str) -> dict[str, Any]:
        """The public master key object for ``/keys/device_signing/upload``."""
        return {"user_id": user_id, "usage": ["master"], "keys": {f"ed25519:{self.master.public}": self.master.public}}

    def self_signing_key(self, user_id: str) -> dict[str, Any]:
        """The public self-signing key object, signed by the master key."""
        key = {
            "user_id": user_id,
            "usage": ["self_signing"],
            "keys": {f"ed25519:{self.self_signing.public}": self.self_signing.public},
        }
        return self.master.sign(key, user_id)

    def upload_body(self, user_id: str) -> dict[str, Any]:
        """Body of ``POST /keys/device_signing/upload`` (master + self-signing)."""
        return {"master_key": self.master_key(user_id), "self_signing_key": self.self_signing_key(user_id)}

    def device_signature_body(self, device_keys: dict[str, Any]) -> dict[str, Any]:
        """Body of ``POST /keys/signatures/upload`` signing the device with the self-signing key."""
        user_id, device_id = device_keys["user_id"], device_keys["device_id"]
        signed = self.self_signing.sign(_signable(device_keys) | {"signatures": device_keys.get("signatures", {})}, user_id)
        return {user_id: {device_id: signed}}

    # -- sealed storage -----------------------------------------------------------------

    def seal(self, pickle_key: str) -> bytes:
        """The seeds encrypted with a key derived from ``pickle_key`` (AES-GCM)."""
        nonce = os.urandom(12)
        plain = json.dumps({"master": unpadded_b64(self.master.seed), "self_signing": unpadded_b64(self.self_signing.seed)})
        return nonce + AESGCM(_seal_key(pickle_key)).encrypt(nonce, plain.encode(), b"wms-cross-signing")

    @classmethod
    def unseal(cls, blob: bytes, pickle_key: str) -> "CrossSigningKeys | None":
        """The keys from :meth:`seal`'s output; None when the key is wrong or the blob broken."""
        try:
            plain = AESGCM(_seal_key(pickle_key)).decrypt(blob[:12], blob[12:], b"wms-cross-signing")
            data = json.loads(plain)
            return cls(SigningKey(_b64decode(data["master"])), SigningKey(_b64decode(data["self_signing"])))
        except (InvalidTag, ValueError, KeyError, TypeError):
            return None


def _seal_key(pickle_key: str) -> bytes:
    return hashlib.sha256(b"wms-bot cross-signing\x00" + pickle_key.encode()).digest()


def device_is_cross_signed(query: dict[str, Any], user_id: str, device_id: str) -> bool:
    """Whether a ``/keys/query`` answer shows ``device_id`` signed by the user's self-signing key,
    which in turn is signed by the user's master key."""
    try:
        master = query["master_keys"][user_id]
        ssk = query["self_signing_keys"][user_id]
        device = query["device_keys"][user_id][device_id]
        (master_pub,) = master["keys"].values()
        (ssk_pub,) = ssk["keys"].values()
    except (KeyError, TypeError, ValueError):
        return False
    return verify(ssk, user_id, master_pub) and verify(device, user_id, ssk_pub)
