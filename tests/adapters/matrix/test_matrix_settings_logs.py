"""WMS_MATRIX_* parsing and the redaction of matrix-nio's log records."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from adapters.matrix.logs import quiet_third_party_loggers
from bot.matrix_channel import matrix_config
from bot.settings import Settings, SettingsError

BASE = {
    "WMS_DATA_DIR": "/tmp/wms-x",
    "WMS_MATRIX_HOMESERVER": "https://matrix.gov.example/",
    "WMS_MATRIX_USER_ID": "@wms:gov.example",
    "WMS_MATRIX_PASSWORD": "secret",
    "WMS_MATRIX_PICKLE_KEY": "0123456789abcdef0123",
}


def test_defaults():
    cfg = matrix_config(Settings.from_env(BASE))
    assert cfg.homeserver == "https://matrix.gov.example"
    assert cfg.allowed_servers == frozenset({"gov.example"})
    assert cfg.store_path == Path("/tmp/wms-x/matrix")
    assert cfg.undecryptable_grace == 5.0 and cfg.device_id is None


def test_explicit_values():
    cfg = matrix_config(Settings.from_env(BASE | {
        "WMS_MATRIX_ALLOWED_SERVERS": "gov.example, Rijksoverheid.NL",
        "WMS_MATRIX_STORE_PATH": "/var/lib/wms/matrix",
        "WMS_MATRIX_DEVICE_ID": "WMSBOT1",
        "WMS_MATRIX_ACCESS_TOKEN": "syt_x",
    }))
    assert cfg.allowed_servers == frozenset({"gov.example", "rijksoverheid.nl"})
    assert cfg.store_path == Path("/var/lib/wms/matrix") and cfg.device_id == "WMSBOT1" and cfg.access_token == "syt_x"


@pytest.mark.parametrize(
    "change, name",
    [
        ({"WMS_MATRIX_HOMESERVER": "matrix.gov.example"}, "WMS_MATRIX_HOMESERVER"),
        ({"WMS_MATRIX_USER_ID": "wms"}, "WMS_MATRIX_USER_ID"),
        ({"WMS_MATRIX_PASSWORD": ""}, "WMS_MATRIX_PASSWORD"),
        ({"WMS_MATRIX_PICKLE_KEY": "short"}, "WMS_MATRIX_PICKLE_KEY"),
        ({"WMS_MATRIX_ALLOWED_SERVERS": " , "}, "WMS_MATRIX_ALLOWED_SERVERS"),
        ({"WMS_MATRIX_DECRYPT_GRACE_SECONDS": "soon"}, "WMS_MATRIX_DECRYPT_GRACE_SECONDS"),
    ],
)
def test_bad_values_name_the_setting(change, name):
    with pytest.raises(SettingsError, match=name):
        matrix_config(Settings.from_env(BASE | change))


def test_nio_records_are_redacted(caplog):
    quiet_third_party_loggers()
    nio_log = logging.getLogger("nio.client.async_client")
    with caplog.at_level(logging.DEBUG):
        nio_log.info("Room !secret:gov.example handling event from @anna:gov.example")
        nio_log.warning("Error decrypting event %s from %s", "$ev", "@anna:gov.example")
    text = caplog.text
    assert "@anna" not in text and "!secret" not in text and "$ev" not in text
    assert "details withheld" in text
