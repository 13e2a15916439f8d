"""Rights and sharing phrases the language contract has no intent for, as data per language.

The frame (``../shared/nlu/SCHEMA.md``) knows ``privacy``, ``export_data``, ``delete_data``,
``share_location``, ``stop_sharing`` and ``find_colleague``; correcting a profile field,
pausing and resuming processing, "who looked me up" and "with whom do I share" have no
intent, and some of them read as another intent ("change my email to ..." looks like a
``move``). :func:`recognise` reads those phrases first; anything else is left to the frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FIELD_WORDS = {
    "phone": r"telefoonnummer|telefoon|mobiele nummer|mobiel nummer|mobiel|nummer|06-nummer|phone number|phone|"
             r"mobile number|mobile|telephone number|telephone|number",
    "email": r"e-mailadres|emailadres|e-mail adres|mailadres|e-mail|email|mail|e-mail address|email address",
    "name": r"naam|volledige naam|name|full name",
    "department": r"afdeling|directie|department|team name",
}
_FIELD = "|".join(f"(?:{v})" for v in _FIELD_WORDS.values())
_DAYWORD = (r"(?:op|on|in|at|om|deze|this|volgende|next|vandaag|morgen|overmorgen|today|tomorrow|maandag|dinsdag|"
            r"woensdag|donderdag|vrijdag|zaterdag|zondag|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
            r"ma|di|wo|do|vr|[0-9])")
_MY = r"(?:mijn|m'n|my)"

# (kind, pattern); a pattern is matched in full against the message (case-insensitive, trailing
# punctuation dropped). Named groups: ``field`` and ``value`` (rectify), ``name`` (stop_with).
PATTERNS: dict[str, tuple[tuple[str, str], ...]] = {
    "nl": (
        ("other_data", r"(?:.*\s)?(?:gegevens|data|informatie|reserveringen)\s+van\s+(?!mij\b|mezelf\b)(?P<name>[^\s].*)"),
        ("other_data", r"(?:.*\s)?(?!mijn\b)\w+'s\s+(?:gegevens|data|reserveringen)(?:\s.*)?"),
        ("other_data", r"wat\s+weet\s+je\s+(?:over|van)\s+(?!mij\b|mezelf\b)(?P<name>[^\s].*)"),
        ("rectify", rf"{_MY}\s+(?P<field>{_FIELD})\s+(?:is|wordt|moet zijn|moet worden|is nu|klopt niet,? het is)\s*:?\s*(?P<value>.+)"),
        ("rectify", rf"(?:wijzig|verander|corrigeer|pas|zet|update)\s+{_MY}\s+(?P<field>{_FIELD})\s+(?:in|naar|aan naar|om naar|op)\s*:?\s*(?P<value>.+)"),
        ("rectify_ask", rf"(?:wijzig|verander|corrigeer|update|verbeter)\s+{_MY}\s+(?P<field>{_FIELD})(?:\s+aan)?"),
        ("rectify_ask", rf"{_MY}\s+(?P<field>{_FIELD})\s+(?:klopt niet|is fout|is verkeerd|moet anders)"),
        ("restrict", r"(?:pauzeer|stop|beperk|blokkeer)\s+(?:(?:het|de|alle|mijn)\s+)*(?:verwerking|verwerken)(?:\s+van\s+mijn\s+gegevens)?"),
        ("restrict", r"(?:pauzeer|bevries)\s+(?:mijn\s+gegevens|mijn\s+account|alles)"),
        ("restrict", r"(?:stop|stop met)\s+(?:het\s+)?verwerken\s+van\s+mijn\s+gegevens"),
        ("restrict", r"ik\s+maak\s+bezwaar(?:\s+tegen\s+(?:de\s+)?verwerking(?:\s+van\s+mijn\s+gegevens)?)?"),
        ("restrict", r"ik\s+wil\s+(?:de\s+)?verwerking\s+(?:beperken|pauzeren|stoppen)"),
        ("resume", r"(?:hervat|herstart)(?:\s+(?:de|het|alle)?\s*(?:verwerking|verwerken|alles))?"),
        ("resume", r"(?:ga\s+)?(?:weer\s+)?(?:verder|door)\s+met\s+(?:de\s+|het\s+)?verwerken"),
        ("resume", r"hef\s+(?:de\s+)?(?:beperking|pauze)\s+op|(?:pauze|beperking)\s+(?:opheffen|stoppen|beëindigen)"),
        ("lookups", r"wie\s+(?:heeft|hebben)\s+(?:mij|mijn\s+(?:locatie|werkplek|plek))\s+(?:opgezocht|bekeken|gezocht)(?:\s+.*)?"),
        ("lookups", r"wie\s+(?:zocht|zochten|keek|keken)\s+(?:mij|naar\s+mij|mijn\s+(?:locatie|werkplek))\s*(?:op|na)?(?:\s+.*)?"),
        ("lookups", r"wie\s+(?:heeft|hebben)\s+(?:gekeken|opgezocht|gezocht)\s+waar\s+ik\s+zit(?:\s+.*)?"),
        ("sharing_status", r"met\s+wie\s+deel\s+ik\s+(?:mijn\s+)?(?:locatie|werkplek|plek)?.*"),
        ("sharing_status", r"wie\s+(?:kan|mag|kunnen|mogen)\s+(?:zien\s+waar\s+ik\s+zit|mijn\s+(?:locatie|werkplek)\s+zien)"),
        ("sharing_status", r"wie\s+ziet\s+(?:waar\s+ik\s+zit|mijn\s+(?:locatie|werkplek))"),
        ("share_everyone", r"deel\s+(?:mijn\s+(?:locatie|werkplek|plek)\s+)?met\s+iedereen"),
        ("share_team", r"deel\s+(?:mijn\s+(?:locatie|werkplek|plek)\s+)?met\s+(?:mijn|ons)\s+team"),
        ("stop_with", r"(?:stop\s+(?:met\s+)?(?:het\s+)?delen|deel\s+niet\s+meer|niet\s+meer\s+delen)\s+met\s+(?P<name>.+)"),
        ("find_named", r"wie\s+van\s+(?P<name>.+?)\s+(?:is|zijn|zit|zitten)\s+er(?:\s+.*)?"),
        ("find_named", rf"waar\s+zitten\s+(?P<name>.+?)(?:\s+{_DAYWORD}\b.*)?"),
        ("share_named", r"deel\s+(?:mijn\s+(?:locatie|werkplek|plek|bureau)\s+|waar\s+ik\s+zit\s+)?met\s+(?P<name>[^\s].{0,200})"),
    ),
    "en": (
        ("other_data", r"(?:.*\s)?(?:data|details|information|bookings|reservations)\s+(?:of|about|from)\s+(?!me\b|myself\b)(?P<name>[^\s].*)"),
        ("other_data", r"(?:.*\s)?(?!my\b)\w+'s\s+(?:data|details|information|bookings|reservations)(?:\s.*)?"),
        ("other_data", r"what\s+do\s+you\s+know\s+about\s+(?!me\b|myself\b)(?P<name>[^\s].*)"),
        ("rectify", rf"{_MY}\s+(?P<field>{_FIELD})\s+(?:is|is now|should be|has changed to|changed to)\s*:?\s*(?P<value>.+)"),
        ("rectify", rf"(?:change|update|correct|set|fix)\s+{_MY}\s+(?P<field>{_FIELD})\s+(?:to|into|as)\s*:?\s*(?P<value>.+)"),
        ("rectify_ask", rf"(?:change|update|correct|fix)\s+{_MY}\s+(?P<field>{_FIELD})"),
        ("rectify_ask", rf"{_MY}\s+(?P<field>{_FIELD})\s+is\s+(?:wrong|incorrect|not right|out of date)"),
        ("restrict", r"(?:pause|stop|restrict|suspend|freeze)\s+(?:all\s+)?(?:the\s+)?processing(?:\s+(?:of\s+)?my\s+data)?"),
        ("restrict", r"(?:stop|pause)\s+processing\s+my\s+(?:data|personal\s+data)"),
        ("restrict", r"(?:pause|freeze)\s+(?:my\s+data|my\s+account|everything)"),
        ("restrict", r"i\s+object(?:\s+to\s+(?:the\s+)?processing(?:\s+of\s+my\s+data)?)?"),
        ("restrict", r"i\s+want\s+to\s+(?:restrict|pause|stop)\s+(?:the\s+)?processing(?:\s+of\s+my\s+data)?"),
        ("resume", r"(?:resume|restart|unpause)(?:\s+(?:the\s+|all\s+)?processing(?:\s+(?:of\s+)?my\s+data)?)?"),
        ("resume", r"(?:lift|end|remove)\s+(?:the\s+)?(?:restriction|pause)"),
        ("resume", r"(?:continue|carry on)\s+processing(?:\s+my\s+data)?"),
        ("lookups", r"who\s+(?:has\s+|have\s+)?(?:looked\s+me\s+up|looked\s+up\s+(?:me|my\s+(?:location|desk))|"
                    r"checked\s+(?:where\s+i\s+sit|my\s+location)|searched\s+for\s+me)(?:\s+.*)?"),
        ("lookups", r"who\s+(?:has\s+)?(?:been\s+)?looking\s+(?:me\s+up|for\s+me|up\s+my\s+location)(?:\s+.*)?"),
        ("sharing_status", r"who\s+(?:do|am)\s+i\s+shar(?:e|ing)\s+(?:my\s+(?:location|desk)\s+)?with"),
        ("sharing_status", r"who\s+(?:can|may)\s+see\s+(?:where\s+i\s+sit|my\s+(?:location|desk))"),
        ("sharing_status", r"(?:show|list)\s+(?:my\s+)?sharing(?:\s+settings)?|what\s+am\s+i\s+sharing"),
        ("share_everyone", r"share\s+(?:my\s+(?:location|desk)\s+|where\s+i\s+sit\s+)?with\s+(?:everyone|everybody|all)"),
        ("share_team", r"share\s+(?:my\s+(?:location|desk)\s+|where\s+i\s+sit\s+)?with\s+(?:my|our|the)\s+team"),
        ("stop_with", r"(?:stop\s+sharing|don't\s+share|do\s+not\s+share|unshare)(?:\s+my\s+(?:location|desk))?\s+with\s+(?P<name>.+)"),
        ("find_named", rf"where\s+(?:are|do)\s+(?P<name>.+?)(?:\s+sit)?(?:\s+{_DAYWORD}\b.*)?"),
        ("find_named", r"which\s+of\s+(?P<name>.+?)\s+(?:is|are)\s+(?:in|there|at|coming)\b.*"),
        ("share_named", r"share\s+(?:my\s+(?:location|desk|workplace)\s+|where\s+i\s+sit\s+)?with\s+(?P<name>[^\s].{0,200})"),
    ),
}

_COMPILED = {lang: tuple((kind, re.compile(p, re.IGNORECASE)) for kind, p in pats) for lang, pats in PATTERNS.items()}
_FIELD_OF = {w: field for field, words in _FIELD_WORDS.items() for w in words.split("|")}


@dataclass(frozen=True, slots=True)
class Phrase:
    """A recognised rights or sharing phrase."""

    kind: str                 # rectify, rectify_ask, restrict, resume, lookups, sharing_status,
                              # share_everyone, share_team, share_named, stop_with, other_data,
                              # find_named (several colleagues by name)
    lang: str
    field: str | None = None  # rectify: name, email, phone, department
    value: str | None = None  # rectify: the new value as written
    name: str | None = None   # stop_with, share_named, other_data, find_named: the name(s) as written


_SEVERAL = re.compile(r"\s*(?:,|\sen\s|\sand\s|\s&\s)\s*", re.IGNORECASE)
_OWN = re.compile(r"\b(?:mijn|my|m'n|ons|onze|our|me|mij|ik|i)\b", re.IGNORECASE)


def _several_names(raw: str) -> bool:
    parts = [p for p in _SEVERAL.split(raw) if p.strip()]
    return len(parts) >= 2 and not _OWN.search(raw)


def field_of(word: str) -> str | None:
    return _FIELD_OF.get(re.sub(r"\s+", " ", word.strip().lower()))


def recognise(text: str, prefer: str | None = None) -> Phrase | None:
    """The phrase in ``text`` (at most 300 characters are read), or None. Never raises."""
    said = re.sub(r"\s+", " ", (text or "")[:300]).strip().rstrip("?!. ")
    if not said:
        return None
    langs = [prefer] if prefer in _COMPILED else []
    langs += [lang for lang in _COMPILED if lang not in langs]
    for lang in langs:
        for kind, pattern in _COMPILED[lang]:
            m = pattern.fullmatch(said)
            if m is None:
                continue
            groups = m.groupdict()
            field = field_of(groups["field"]) if groups.get("field") else None
            if kind.startswith("rectify") and field is None:
                continue
            if kind == "find_named" and not _several_names(groups.get("name") or ""):
                continue  # one name (or "my bookings") is the parser's find_colleague or another intent
            return Phrase(kind=kind, lang=lang, field=field, value=(groups.get("value") or None),
                          name=(groups.get("name") or None))
    return None


__all__ = ["PATTERNS", "Phrase", "field_of", "recognise"]
