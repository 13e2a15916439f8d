"""Encryption at rest, keyed look-ups, key files and rotation; privacy settings refuse bad values."""

from __future__ import annotations

import os
import stat
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.store.crypto import AesGcmCipher, DecryptError, decode_key, generate_key
from adapters.store.people import SqlPeopleRepository, reencrypt_people
from adapters.store.tables import people
from bot.bootstrap import bootstrap
from bot.cli import main
from bot.privacy_settings import load_privacy
from bot.settings import Settings, SettingsError
from core.booking.api import PersonInfo
from core.clock import AMSTERDAM

from privacy_helpers import privacy_settings

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=AMSTERDAM)


def test_cipher_round_trip_random_nonce_and_bound_column() -> None:
    c = AesGcmCipher([decode_key(generate_key())], decode_key(generate_key()))
    a, b = c.encrypt("Canary Name", "name"), c.encrypt("Canary Name", "name")
    assert a != b and a.startswith("enc1.") and "Canary" not in a
    assert c.decrypt(a, "name") == "Canary Name"
    with pytest.raises(DecryptError):
        c.decrypt(a, "email")  # a value moved to another column does not decrypt
    assert c.lookup_hash("matrix:@x:example.org") == c.lookup_hash("matrix:@x:example.org")
    assert c.lookup_hash("matrix:@x:example.org").startswith("h1.")
    assert c.encrypt(None, "name") is None and c.decrypt("legacy", "name") == "legacy"


def test_old_keys_still_decrypt_and_unknown_keys_are_refused() -> None:
    old, new, hk = decode_key(generate_key()), decode_key(generate_key()), decode_key(generate_key())
    value = AesGcmCipher([old], hk).encrypt("x", "name")
    rotated = AesGcmCipher([new, old], hk)
    assert rotated.decrypt(value, "name") == "x" and not rotated.is_current(value)
    with pytest.raises(DecryptError):
        AesGcmCipher([new], hk).decrypt(value, "name")


def test_people_are_stored_encrypted_and_found_by_keyed_hash(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    svc = bootstrap(privacy_settings(url, tmp_path))
    try:
        pid = svc.booking.ensure_person(PersonInfo("matrix:@canary1:example.org", name="Canary Eén",
                                                   email="canary1@example.org", phone="+31 6 11112222",
                                                   department="Canary Dept"), NOW)
        with svc.engine.connect() as conn:
            raw = conn.execute(select(people)).one()
            person = SqlPeopleRepository(conn).by_external_id("matrix:@canary1:example.org")
        assert "canary" not in " ".join(str(v) for v in raw).lower()
        assert person is not None and person.id == pid and person.name == "Canary Eén"
        assert person.external_id == "matrix:@canary1:example.org" and person.phone == "+31 6 11112222"
    finally:
        svc.dispose()


def test_rotate_key_command_re_encrypts_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    old_key = generate_key()
    settings = privacy_settings(url, tmp_path, WMS_ENCRYPTION_KEY=old_key)
    svc = bootstrap(settings)
    svc.booking.ensure_person(PersonInfo("teams:t:1", name="Canary A", email="a@example.org"), NOW)
    svc.dispose()
    new_key = generate_key()
    env = {k: v for k, v in settings.extra.items()}
    env.update(WMS_ENCRYPTION_KEY=new_key, WMS_ENCRYPTION_KEY_OLD=old_key)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert main(["rotate-key", "--check"]) == 0 and "1 profile(s) not yet" in capsys.readouterr().out
    assert main(["rotate-key"]) == 0 and "re-encrypted 1 profile(s)" in capsys.readouterr().out
    assert main(["rotate-key"]) == 0 and "re-encrypted 0 profile(s)" in capsys.readouterr().out
    # Now the old key can go.
    monkeypatch.delenv("WMS_ENCRYPTION_KEY_OLD")
    svc = bootstrap(Settings.from_env())
    try:
        with svc.engine.connect() as conn:
            person = SqlPeopleRepository(conn).by_external_id("teams:t:1")
        assert person is not None and person.name == "Canary A"
    finally:
        svc.dispose()


def test_legacy_plaintext_rows_are_encrypted_by_the_rotation(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    svc = bootstrap(privacy_settings(url, tmp_path))
    try:
        with svc.engine.begin() as conn:  # as written by a version without encryption
            conn.execute(people.insert().values(external_id="matrix:@old:example.org", name="Old Canary",
                                                email="old@example.org", created_at=NOW, last_active_at=NOW))
        with svc.engine.begin() as conn:
            assert SqlPeopleRepository(conn).by_external_id("matrix:@old:example.org").name == "Old Canary"
            assert reencrypt_people(conn) == 1 and reencrypt_people(conn) == 0
        with svc.engine.connect() as conn:
            raw = conn.execute(select(people)).one()
            found = SqlPeopleRepository(conn).by_external_id("matrix:@old:example.org")
        assert "old" not in " ".join(str(v) for v in raw).lower()
        assert found is not None and found.name == "Old Canary"
    finally:
        svc.dispose()


def test_sqlite_generates_key_files_once_with_0600(tmp_path: Path) -> None:
    settings = Settings.from_env({"WMS_DATA_DIR": str(tmp_path / "d")})
    first = load_privacy(settings)
    assert [p.name for p in first.generated] == ["encryption.key", "hash.key"]
    for p in first.generated:
        assert stat.S_IMODE(os.stat(p).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(first.generated[0].parent).st_mode) == 0o700
    second = load_privacy(settings)
    assert second.generated == () and second.encryption_keys == first.encryption_keys
    assert second.hash_key == first.hash_key


def test_postgresql_requires_the_keys() -> None:
    url = "postgresql://wms@db.example.org/wms"
    with pytest.raises(SettingsError, match="WMS_ENCRYPTION_KEY"):
        load_privacy(Settings.from_env({"WMS_DATABASE_URL": url}))
    with pytest.raises(SettingsError, match="WMS_HASH_KEY"):
        load_privacy(Settings.from_env({"WMS_DATABASE_URL": url, "WMS_ENCRYPTION_KEY": generate_key()}))
    ok = load_privacy(Settings.from_env({"WMS_DATABASE_URL": url, "WMS_ENCRYPTION_KEY": generate_key(),
                                         "WMS_HASH_KEY": generate_key()}))
    assert ok.generated == ()


@pytest.mark.parametrize("name,value", [
    ("WMS_RETENTION_PROFILE_DAYS", "0"),
    ("WMS_RETENTION_PROFILE_DAYS", "-5"),
    ("WMS_RETENTION_MESSAGES_DAYS", "a week"),
    ("WMS_RETENTION_CONVERSATION_MINUTES", "1.5"),
    ("WMS_RETENTION_AUDIT_DAYS", "3000"),          # over the default legal maximum of 730 days
    ("WMS_RETENTION_LOOKUPS_DAYS", "0"),
    ("WMS_RETENTION_IDEMPOTENCY_DAYS", "-1"),
    ("WMS_RETENTION_PROFILE_NOTICE_DAYS", "400"),  # not shorter than the profile period
    ("WMS_RETENTION_MAX_DAYS", "0"),
    ("WMS_RETENTION_MAX_DAYS", "soon"),
    ("WMS_ANONYMISE_AT", "25:00"),
    ("WMS_ANONYMISE_MIN_GROUP", "1"),
    ("WMS_ENCRYPTION_KEY", "too-short"),
    ("WMS_HASH_KEY", "!!!"),
    ("WMS_ENCRYPTION_KEY_OLD", "abc"),
])
def test_bad_privacy_settings_refuse_the_start(tmp_path: Path, name: str, value: str,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with pytest.raises(SettingsError, match=name):
        bootstrap(privacy_settings(url, tmp_path, **{name: value}))
    assert not (tmp_path / "db.sqlite3").exists()  # refused before touching the database
    # The CLI says it in one line naming the setting, no stack trace.
    for k, v in privacy_settings(url, tmp_path, **{name: value}).extra.items():
        monkeypatch.setenv(k, v)
    assert main(["retention", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert name in err and "Traceback" not in err


def test_a_lower_legal_maximum_applies_to_every_period(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with pytest.raises(SettingsError, match="WMS_RETENTION_PROFILE_DAYS.*WMS_RETENTION_MAX_DAYS=300"):
        load_privacy(privacy_settings(url, tmp_path, WMS_RETENTION_MAX_DAYS="300"))
    ok = load_privacy(privacy_settings(url, tmp_path, WMS_RETENTION_MAX_DAYS="300",
                                       WMS_RETENTION_PROFILE_DAYS="300", WMS_RETENTION_AUDIT_DAYS="200"))
    assert ok.retention.values["profiles"] == 300 and ok.retention.values["conversation_state"] == 30
