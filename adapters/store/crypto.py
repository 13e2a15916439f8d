"""Encryption at rest of personal fields, and keyed hashes for look-ups.

- Values are encrypted with AES-256-GCM (``cryptography``), a fresh 96-bit nonce each time,
  stored as ``enc1.<key id>.<base64(nonce + ciphertext + tag)>``; the key id (8 hex digits of
  the key's SHA-256) says which key decrypts it, so several keys can be in use during a
  rotation. The column name is bound as associated data, so a value copied into another
  column does not decrypt.
- Look-ups (a person by their channel id) go through ``HMAC-SHA256(hash key, value)``,
  stored as ``h1.<hex>``; the hash key is separate from the encryption keys and is not rotated
  by ``wms-bot rotate-key``.
- A value without the ``enc1.`` prefix is legacy plaintext (written before encryption was on):
  it reads as is and is encrypted by the next rotation or night job.

Keys are 32 random bytes in URL-safe base64 (``generate_key()``). The cipher in force for
an engine is installed once by the bootstrap (:func:`install`) and found by the store's
repositories through :func:`cipher_for`; an engine without one (unit tests that build an
engine directly) stores plaintext (:class:`PlainCipher`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import weakref
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc1."
HASH_PREFIX = "h1."


class KeyError_(ValueError):
    """A key is malformed (not 32 bytes of URL-safe base64)."""


class DecryptError(ValueError):
    """A value was encrypted with a key that is not configured, or was tampered with."""


def generate_key() -> str:
    """A new random key in the settings' format."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def decode_key(text: str) -> bytes:
    """The 32 key bytes of a key in URL-safe base64 (padding optional); raises :class:`KeyError_`."""
    raw = text.strip()
    try:
        key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        raise KeyError_("not URL-safe base64") from None
    if len(key) != 32:
        raise KeyError_("must be 32 bytes (44 characters of URL-safe base64)")
    return key


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


class FieldCipher(Protocol):
    def encrypt(self, value: str | None, column: str) -> str | None: ...

    def decrypt(self, value: str | None, column: str) -> str | None: ...

    def lookup_hash(self, value: str) -> str: ...

    def is_current(self, value: str | None) -> bool: ...


KEPT_OPEN = frozenset({"department"})
"""Columns whose opened values a cipher remembers (by sealed text) in the process."""
_KEPT_MAX = 8192


class AesGcmCipher:
    """Encrypts with the first key, decrypts with any; hashes with the hash key."""

    def __init__(self, keys: list[bytes], hash_key: bytes) -> None:
        if not keys:
            raise KeyError_("at least one encryption key is needed")
        self._keys = {key_id(k): AESGCM(k) for k in keys}
        self._current = key_id(keys[0])
        self._hash_key = hash_key
        # Departments, by their sealed text: every booking stamps the booker's department on
        # its rows, and opening a sealed value costs more than the rest of reading the person.
        # Keyed by the sealed text itself, so never stale; bounded; only this column (names,
        # e-mail addresses and phone numbers are opened each time they are needed).
        self._opened: dict[str, str] = {}

    @property
    def current_key_id(self) -> str:
        return self._current

    def encrypt(self, value: str | None, column: str) -> str | None:
        if value is None:
            return None
        nonce = os.urandom(12)
        sealed = self._keys[self._current].encrypt(nonce, value.encode("utf-8"), column.encode("ascii"))
        out = f"{PREFIX}{self._current}.{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"
        if column in KEPT_OPEN:
            self._keep(out, value)
        return out

    def _keep(self, sealed: str, value: str) -> None:
        if len(self._opened) >= _KEPT_MAX:
            self._opened.clear()
        self._opened[sealed] = value

    def decrypt(self, value: str | None, column: str) -> str | None:
        if value is None or not value.startswith(PREFIX):
            return value  # legacy plaintext
        kept = column in KEPT_OPEN
        if kept:
            opened = self._opened.get(value)
            if opened is not None:
                return opened
        try:
            kid, body = value[len(PREFIX):].split(".", 1)
            aead = self._keys[kid]
            blob = base64.urlsafe_b64decode(body)
            opened = aead.decrypt(blob[:12], blob[12:], column.encode("ascii")).decode("utf-8")
            if kept:
                self._keep(value, opened)
            return opened
        except KeyError:
            raise DecryptError("encrypted with a key that is not configured "
                               "(set WMS_ENCRYPTION_KEY_OLD during a rotation)") from None
        except (ValueError, InvalidTag, binascii.Error, UnicodeDecodeError):
            raise DecryptError("value cannot be decrypted") from None

    def lookup_hash(self, value: str) -> str:
        return HASH_PREFIX + hmac.new(self._hash_key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    def is_current(self, value: str | None) -> bool:
        """True when ``value`` needs no re-encryption (None, or encrypted with the current key)."""
        return value is None or value.startswith(f"{PREFIX}{self._current}.")


class PlainCipher:
    """No encryption (engines the bootstrap did not set up, e.g. in unit tests)."""

    def encrypt(self, value: str | None, column: str) -> str | None:
        return value

    def decrypt(self, value: str | None, column: str) -> str | None:
        return value

    def lookup_hash(self, value: str) -> str:
        return value

    def is_current(self, value: str | None) -> bool:
        return True


_PLAIN = PlainCipher()
_installed: "weakref.WeakKeyDictionary[object, FieldCipher]" = weakref.WeakKeyDictionary()


def install(engine, cipher: FieldCipher) -> None:  # type: ignore[no-untyped-def]
    """Use ``cipher`` for every connection of ``engine`` (and of its option-engines)."""
    _installed[engine.dialect] = cipher


def cipher_for(conn_or_engine) -> FieldCipher:  # type: ignore[no-untyped-def]
    """The cipher installed for this connection's or engine's database (plaintext if none)."""
    return _installed.get(conn_or_engine.dialect, _PLAIN)
