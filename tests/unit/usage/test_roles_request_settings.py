"""Role check, request checks, usage settings and the usage catalogs."""

from __future__ import annotations

import string
from datetime import date, time

import pytest

from bot.settings import Settings, SettingsError
from bot.usage_settings import UsageSettings
from core.usage.request import ReportProblem, ReportRequest, RequestRefusal, check_request
from core.usage.roles import is_facility_manager
from core.usage.wording import usage_catalog

MANAGERS = ("matrix:@fm:rijksoverheid.nl", "teams:tenant-1:aad-42")


@pytest.mark.parametrize("key, allowed", [
    ("matrix:@fm:rijksoverheid.nl", True),
    ("MATRIX:@fm:rijksoverheid.nl", True),          # the channel is not case-sensitive
    ("teams:tenant-1:aad-42", True),
    ("matrix:@FM:rijksoverheid.nl", False),          # the id is compared exactly
    ("matrix:@someone:rijksoverheid.nl", False),
    ("teams:tenant-2:aad-42", False),                # another tenant
    ("@fm:rijksoverheid.nl", False),                 # no channel
    ("", False), (None, False), ("matrix:", False),
])
def test_facility_manager_role(key, allowed) -> None:  # type: ignore[no-untyped-def]
    assert is_facility_manager(key, MANAGERS) is allowed


def test_no_managers_no_reports() -> None:
    assert not is_facility_manager("matrix:@fm:rijksoverheid.nl", ())


KNOWN = ("turfmarkt-147", "spark")


@pytest.mark.parametrize("start, end, building, problem", [
    ("2026-11-20", "2026-11-16", None, ReportProblem.WRONG_ORDER),
    ("2026-13-01", "2026-12-01", None, ReportProblem.INVALID_DATE),
    ("2026-02-30", "2026-03-01", None, ReportProblem.INVALID_DATE),
    ("vorige week", "2026-03-01", None, ReportProblem.INVALID_DATE),
    ("", "2026-03-01", None, ReportProblem.INVALID_DATE),
    (None, "2026-03-01", None, ReportProblem.INVALID_DATE),
    ("2020-01-01", "2026-01-01", None, ReportProblem.TOO_LONG),
    ("2026-11-16", "2026-11-20", "nergens", ReportProblem.UNKNOWN_BUILDING),
    ("2026-11-16", "2026-11-20", "x" * 5000, ReportProblem.UNKNOWN_BUILDING),
])
def test_bad_requests(start, end, building, problem) -> None:  # type: ignore[no-untyped-def]
    result = check_request(start, end, building, KNOWN)
    assert isinstance(result, RequestRefusal) and result.problem is problem
    assert len(result.detail) <= 64


def test_good_requests() -> None:
    r = check_request("2026-11-16", "2026-11-20", "spark", KNOWN)
    assert r == ReportRequest(date(2026, 11, 16), date(2026, 11, 20), "spark")
    assert r.days == 5
    three_years = check_request(date(2023, 11, 24), date(2026, 11, 23), None, KNOWN)
    assert isinstance(three_years, ReportRequest)


def settings(**env: str) -> UsageSettings:
    return UsageSettings.from_settings(Settings.from_env({"WMS_DATA_DIR": "/tmp/x", **env}))


def test_usage_settings_defaults() -> None:
    s = settings()
    assert (s.min_cell, s.facility_managers, s.auto_release) == (5, (), {})


def test_usage_settings_values() -> None:
    s = settings(WMS_REPORT_MIN_CELL="10", WMS_FACILITY_MANAGERS=" matrix:@fm:x.nl, teams:t:1 ,",
                 WMS_AUTO_RELEASE="turfmarkt-147=10:00, spark=9:30")
    assert s.min_cell == 10
    assert s.facility_managers == ("matrix:@fm:x.nl", "teams:t:1")
    assert s.auto_release == {"turfmarkt-147": time(10, 0), "spark": time(9, 30)}


@pytest.mark.parametrize("name, value", [
    ("WMS_REPORT_MIN_CELL", "1"), ("WMS_REPORT_MIN_CELL", "vijf"), ("WMS_REPORT_MIN_CELL", "-5"),
    ("WMS_FACILITY_MANAGERS", "@fm:x.nl"), ("WMS_FACILITY_MANAGERS", "slack:U123"),
    ("WMS_AUTO_RELEASE", "turfmarkt-147"), ("WMS_AUTO_RELEASE", "turfmarkt-147=25:00"),
    ("WMS_AUTO_RELEASE", "spark=09:30,spark=10:00"), ("WMS_AUTO_RELEASE", "Spark Amsterdam=09:30"),
    ("WMS_REPORT_MAX_DAYS", "0"),
])
def test_bad_usage_settings_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as err:
        settings(**{name: value})
    assert name in str(err.value)


def test_usage_catalogs_have_identical_keys_and_placeholders() -> None:
    nl, en = usage_catalog("nl"), usage_catalog("en")
    assert set(nl.entries) == set(en.entries)
    for key in nl.entries:
        assert nl.placeholders(key) == en.placeholders(key), key
        for entry in (nl.entries[key], en.entries[key]):
            list(string.Formatter().parse(entry))  # well-formed


def test_auto_release_for_unknown_buildings_is_refused() -> None:
    s = settings(WMS_AUTO_RELEASE="spark=09:30,nergens=10:00")
    with pytest.raises(SettingsError) as err:
        s.check_buildings(["spark", "turfmarkt-147"])
    assert "WMS_AUTO_RELEASE" in str(err.value) and "nergens" in str(err.value)
    settings(WMS_AUTO_RELEASE="spark=09:30").check_buildings(["spark"])
