"""Cross-signing payloads: canonical JSON, signatures a verifier accepts, sealed seeds."""

from __future__ import annotations

from adapters.matrix.crosssign import CrossSigningKeys, SigningKey, canonical_json, device_is_cross_signed, verify

USER = "@wms:gov.example"


def test_canonical_json():
    assert canonical_json({"b": 1, "a": {"d": "é", "c": [1, 2]}}) == '{"a":{"c":[1,2],"d":"é"},"b":1}'.encode()


def test_self_signing_key_signed_by_master_and_device_by_ssk():
    keys = CrossSigningKeys.generate()
    body = keys.upload_body(USER)
    assert body["master_key"]["usage"] == ["master"]
    assert verify(body["self_signing_key"], USER, keys.master.public)
    device = {"user_id": USER, "device_id": "DEV", "algorithms": ["m.olm.v1.curve25519-aes-sha2"],
              "keys": {"ed25519:DEV": "x", "curve25519:DEV": "y"}, "signatures": {USER: {"ed25519:DEV": "sig"}},
              "unsigned": {"device_display_name": "wms-bot"}}
    signed = keys.device_signature_body(device)[USER]["DEV"]
    assert signed["signatures"][USER]["ed25519:DEV"] == "sig"  # the device's own signature kept
    assert "unsigned" not in signed
    assert verify(signed | {"unsigned": {"x": 1}}, USER, keys.self_signing.public)
    query = {"master_keys": {USER: body["master_key"]}, "self_signing_keys": {USER: body["self_signing_key"]},
             "device_keys": {USER: {"DEV": signed}}}
    assert device_is_cross_signed(query, USER, "DEV")
    tampered = signed | {"keys": {"ed25519:DEV": "other"}}
    assert not device_is_cross_signed(query | {"device_keys": {USER: {"DEV": tampered}}}, USER, "DEV")
    assert not device_is_cross_signed({}, USER, "DEV")
    assert not verify(signed, USER, SigningKey.generate().public)


def test_seal_roundtrip_and_wrong_key():
    keys = CrossSigningKeys.generate()
    blob = keys.seal("pickle-key-123456")
    assert CrossSigningKeys.unseal(blob, "pickle-key-123456") == keys
    assert CrossSigningKeys.unseal(blob, "other-key-1234567") is None
    assert CrossSigningKeys.unseal(b"short", "pickle-key-123456") is None
