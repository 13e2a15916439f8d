"""Usage recording (check-in, check-out, auto-release) and reports without personal data.

Pure: no SQL, no clock, no environment. The store implements :class:`UsagePort`
(``adapters.store.usage``); ``adapters.reports`` renders a :class:`Report`.
"""

from core.usage.model import (
    DEFAULT_MIN_CELL,
    MAX_RANGE_DAYS,
    METRICS,
    BuildingReport,
    Cell,
    Figures,
    Report,
)
from core.usage.port import CheckInResult, CheckOutResult, ReleaseNotice, UsagePort, UsageSummary
from core.usage.presence import CheckInOutcome, CheckOutOutcome
from core.usage.request import ReportProblem, ReportRequest, RequestRefusal, check_request
from core.usage.roles import is_facility_manager

__all__ = [
    "DEFAULT_MIN_CELL", "MAX_RANGE_DAYS", "METRICS", "BuildingReport", "Cell", "Figures", "Report",
    "CheckInResult", "CheckOutResult", "ReleaseNotice", "UsagePort", "UsageSummary",
    "CheckInOutcome", "CheckOutOutcome", "ReportProblem", "ReportRequest", "RequestRefusal",
    "check_request", "is_facility_manager",
]
