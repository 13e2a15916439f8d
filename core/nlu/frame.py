"""The frame: what a message means, as in ``../shared/nlu/SCHEMA.md``."""

from __future__ import annotations

from datetime import date
from typing import Any

INTENTS: tuple[str, ...] = (
    "book", "cancel", "move", "list", "availability", "find_colleague", "share_location",
    "stop_sharing", "team_day", "check_in", "check_out", "privacy", "export_data",
    "delete_data", "help", "confirm", "deny", "unknown",
)


_NEW_LIST: Any = object()


def field(default_factory: Any = None) -> Any:
    """A field that starts as a new empty list (the one kind of mutable default a frame has)."""
    return _NEW_LIST


class Frame:
    """One understood message. ``to_json`` gives exactly the SCHEMA.md object.

    ``choice`` is an extra (not scored): a picked option ("2", "de tweede") when the
    message is only that; ``raw_location`` the place words as written when unresolved
    ("bij Hogwarts": the dialog says it does not know that building). ``past`` is true when
    the message names days and all of them have passed (``past_dates``; ``dates`` keeps
    only what SCHEMA.md gives), so the dialog can say the day has passed.

    A plain class with the fields declared below (in this order, as keywords or
    positionally), equality by fields: not a dataclass, because importing ``dataclasses``
    costs `wms-bot parse` start-up time. Add a field with its default like the others.
    """

    lang: str = "nl"
    intent: str = "unknown"
    dates: list[date] = field(default_factory=list)
    to_dates: list[date] = field(default_factory=list)
    time: dict[str, str] | None = None
    count: int | None = None
    together: bool = False
    team: bool = False
    features: list[str] = field(default_factory=list)
    location: str | None = None
    colleague: str | None = None
    share_with: str | None = None
    choice: int | None = None
    raw_location: str | None = None
    act: str | None = None        # extra (not scored): a team-feature action ("team_add", "claim", ...)
    member: str | None = None     # extra: the colleague named in "voeg Sanne toe aan mijn team"
    recurring: bool = False       # extra: "elke dinsdag in december" (a series)
    past: bool = False            # extra: only days that have passed are named ("gisteren", "last Monday")
    past_dates: list[date] = field(default_factory=list)  # extra: those passed days

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(_FIELDS):
            raise TypeError(f"Frame takes at most {len(_FIELDS)} positional arguments")
        for name, value in zip(_FIELDS, args):
            if name in kwargs:
                raise TypeError(f"Frame got multiple values for {name!r}")
            kwargs[name] = value
        for name in kwargs:
            if name not in _FIELD_SET:
                raise TypeError(f"Frame got an unexpected keyword argument {name!r}")
        for name in _FIELDS:
            if name in kwargs:
                setattr(self, name, kwargs[name])
            elif getattr(Frame, name) is _NEW_LIST:
                setattr(self, name, [])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in _FIELDS)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaces

    def __repr__(self) -> str:
        return "Frame(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in _FIELDS) + ")"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"lang": self.lang, "intent": self.intent}
        if self.dates:
            out["dates"] = [d.isoformat() for d in sorted(set(self.dates))]
        if self.to_dates:
            out["to_dates"] = [d.isoformat() for d in sorted(set(self.to_dates))]
        if self.time:
            out["time"] = dict(self.time)
        if self.count is not None and self.count != 1:
            out["count"] = self.count
        if self.together:
            out["together"] = True
        if self.team:
            out["team"] = True
        if self.features:
            out["features"] = sorted(set(self.features))
        if self.location:
            out["location"] = self.location
        if self.colleague:
            out["colleague"] = self.colleague
        if self.share_with:
            out["share_with"] = self.share_with
        if self.choice is not None:
            out["choice"] = self.choice
        return out


_FIELDS: tuple[str, ...] = tuple(Frame.__annotations__)
_FIELD_SET = frozenset(_FIELDS)
