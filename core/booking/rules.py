"""Booking rules with their defaults (configurable from the settings)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rules:
    """``horizon_days``: how far ahead one may book (today + N days).
    ``max_group_size``: the most desks one request may take.
    ``race_retries``: how often a booking that lost its desk in a race tries another desk.
    ``max_alternatives``: how many ranked alternatives a refusal carries.
    ``closed_holidays_excluded``: public holidays on which offices stay open.
    """

    horizon_days: int = 28
    max_group_size: int = 50
    race_retries: int = 3
    max_alternatives: int = 5
    closed_holidays_excluded: tuple[str, ...] = ("Good Friday",)
    max_text: int = 200  # longest name/department kept; longer input is cut
