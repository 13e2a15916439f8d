"""The operator's texts of the privacy statement, from ``WMS_PRIVACY_*`` settings.

- ``WMS_PRIVACY_CONTROLLER``: the controller (the organisation responsible), e.g.
  ``Ministerie van BZK, Turfmarkt 147, Den Haag``.
- ``WMS_PRIVACY_DPO_CONTACT``: how to reach the data protection officer (e-mail or web address).
- ``WMS_PRIVACY_PURPOSE``: the purpose, when it differs from the default (booking workplaces).
- ``WMS_PRIVACY_LEGAL_BASIS``: the legal basis, when it differs from the default (public task,
  art. 6(1)(e) GDPR).
- ``WMS_PRIVACY_COMPLAINTS``: where to complain (default: the Dutch DPA, Autoriteit Persoonsgegevens).

Empty means the catalog's default wording. Each value is one line of at most 300 printable
characters; anything else raises :class:`~bot.settings.SettingsError` naming the setting.
The retention periods shown come from the retention table (``WMS_RETENTION_*``).
"""

from __future__ import annotations

from bot.settings import Settings, SettingsError
from core.privacy.retention import RetentionTable
from core.privacy.rights import PrivacyTexts

MAX_CHARS = 300
SETTINGS = {
    "controller": "WMS_PRIVACY_CONTROLLER",
    "dpo_contact": "WMS_PRIVACY_DPO_CONTACT",
    "purpose": "WMS_PRIVACY_PURPOSE",
    "legal_basis": "WMS_PRIVACY_LEGAL_BASIS",
    "complaints": "WMS_PRIVACY_COMPLAINTS",
}


def _text(name: str, raw: str | None) -> str:
    value = (raw or "").strip()
    if len(value) > MAX_CHARS:
        raise SettingsError(f"{name} must be at most {MAX_CHARS} characters, not {len(value)}")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise SettingsError(f"{name} must be one line of printable text")
    if "{" in value or "}" in value:
        raise SettingsError(f"{name} may not contain braces")
    return value


def load_privacy_texts(settings: Settings, retention: RetentionTable | None = None) -> PrivacyTexts:
    """The statement texts in force; raises SettingsError on a bad value."""
    env = settings.extra
    values = {attr: _text(name, env.get(name)) for attr, name in SETTINGS.items()}
    table = retention or RetentionTable.defaults()
    return PrivacyTexts(retention_profile_days=table.values.get("profiles", 365),
                        retention_lookups_days=table.values.get("lookups", 7), **values)
