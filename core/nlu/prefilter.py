"""Which rules can match at all: a cheap test before running a regular expression.

For every rule the set of strings its match must begin with (up to three characters,
read from the parsed pattern) is worked out once. A message is turned into the set of
its character n-grams; a rule whose possible beginnings are all absent is skipped. A
rule whose beginning cannot be read (``.``, ``\\s``, a large class) is always run, so
the test never changes a result, only the time it takes.

Start-up: reading the beginnings means parsing the pattern, which costs about as much as
compiling it. So the beginnings of the shipped rules are kept in ``prefilter_cache.json``
(keyed by the pattern's length and CRC-32; a pattern not in it is simply parsed), and a
rule is compiled only when a message first gets past its prefilter (``LazyPattern``).
Refresh the file after changing rules: ``python -m core.nlu.prefilter``.
"""

from __future__ import annotations

import re

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

K = 3
_LIMIT = 64  # more possible beginnings than this: not worth it, always run


class _Unknown(Exception):
    pass


def beginnings(pattern: str) -> frozenset[str] | None:
    """The strings (1 to 3 characters) every match of ``pattern`` starts with; None if unknown."""
    return _from_parsed(_p.parse(pattern))


_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub")


class LazyPattern:
    """A regular expression compiled at its first use; then its methods are the compiled
    pattern's own (no wrapper in the way)."""

    __slots__ = ("pattern", *_METHODS)

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __getattr__(self, name: str):  # only reached while not yet compiled
        if name not in _METHODS:
            raise AttributeError(name)
        rx = re.compile(self.pattern)
        for method in _METHODS:
            setattr(self, method, getattr(rx, method))
        return getattr(rx, name)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"LazyPattern({self.pattern[:40]!r}...)"


_CACHE_FILE = "prefilter_cache.json"
_cache: dict[str, list[str] | None] | None = None


def _key(pattern: str) -> str:
    import zlib

    return f"{len(pattern)}:{zlib.crc32(pattern.encode('utf-8')):08x}"


def _cached() -> dict[str, list[str] | None]:
    global _cache
    if _cache is None:
        import json
        import os

        try:
            with open(os.path.join(os.path.dirname(__file__), _CACHE_FILE), encoding="utf-8") as f:
                _cache = json.load(f)
        except (OSError, ValueError):
            _cache = {}
    return _cache


def compile_rule(pattern: str) -> tuple[LazyPattern, frozenset[str] | None]:
    """The pattern (compiled at first use) and its beginnings, from the cache when known."""
    cache = _cached()
    key = _key(pattern)
    if key in cache:
        begins = cache[key]
        return LazyPattern(pattern), (frozenset(begins) if begins is not None else None)
    return LazyPattern(pattern), beginnings(pattern)


def write_cache(patterns: list[str]) -> int:
    """Write the beginnings of ``patterns`` to the cache file; returns how many."""
    import json
    import os

    table = {}
    for pattern in patterns:
        begins = beginnings(pattern)
        table[_key(pattern)] = sorted(begins) if begins is not None else None
    with open(os.path.join(os.path.dirname(__file__), _CACHE_FILE), "w", encoding="utf-8") as f:
        json.dump(table, f, ensure_ascii=False, sort_keys=True, indent=0)
        f.write("\n")
    return len(table)


def _from_parsed(parsed) -> frozenset[str] | None:
    try:
        out = _starts(list(parsed), "")
    except (_Unknown, RecursionError):
        return None
    if not out or "" in out or len(out) > _LIMIT:
        return None
    return frozenset(out)


def _starts(ops: list, prefix: str) -> set[str]:
    """Possible beginnings of ``prefix`` followed by a match of ``ops``."""
    if len(prefix) >= K:
        return {prefix[:K]}
    if not ops:
        if not prefix:
            raise _Unknown
        return {prefix}
    op, av = ops[0]
    rest = ops[1:]
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        if prefix:  # a condition after the first character: stop the prefix here
            return {prefix}
        return _starts(rest, prefix)
    if op is _c.LITERAL:
        return _starts(rest, prefix + chr(av))
    if op is _c.IN:
        chars = []
        for kind, val in av:
            if kind is _c.LITERAL:
                chars.append(chr(val))
            elif kind is _c.CATEGORY and val is _c.CATEGORY_SPACE:
                chars.extend(" \t\n\r\f\v")
            elif kind is _c.RANGE and val[1] - val[0] < 10:
                chars.extend(chr(x) for x in range(val[0], val[1] + 1))
            elif prefix:
                return {prefix}
            else:
                raise _Unknown
        out: set[str] = set()
        for ch in chars:
            out |= _starts(rest, prefix + ch)
        return out
    if op is _c.SUBPATTERN:
        return _starts(list(av[-1]) + rest, prefix)
    if op is _c.BRANCH:
        out = set()
        for alt in av[1]:
            out |= _starts(list(alt) + rest, prefix)
        return out
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        lo, hi, body = av
        out = set()
        if lo == 0:
            out |= _starts(rest, prefix)
        if hi != 0:
            out |= _starts(list(body) + rest, prefix)  # the first repetition decides
        return out
    if prefix:
        return {prefix}
    raise _Unknown


def grams(text: str) -> frozenset[str]:
    """All 1-, 2- and 3-character substrings of ``text``."""
    n = len(text)
    return frozenset([text[i:i + 3] for i in range(n - 2)] + [text[i:i + 2] for i in range(n - 1)]
                     + list(text))


if __name__ == "__main__":  # python -m core.nlu.prefilter: refresh the cache of beginnings
    from core.nlu.rules import rule_sources

    print(f"{write_cache(rule_sources())} rule beginnings written to {_CACHE_FILE}")
