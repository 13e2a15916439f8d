"""The few user-visible strings of the Matrix adapter itself, per language (identical keys).

Everything the bot says about desks comes from the dialog; the adapter only speaks when a
message could not be read at all. These keys are meant to move into ``core/i18n/{nl,en}.json``
(requested from the dialog engineer); until then they live here.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "matrix.undecryptable": (
            "Ik kon je bericht niet lezen: het is versleuteld en ik heb de sleutel niet "
            "ontvangen. Stuur het nog eens, of controleer of je app sleutels deelt met "
            "niet-geverifieerde apparaten."
        ),
        "matrix.unreadable": "Ik kan dit soort bericht niet lezen. Typ je vraag als tekst.",
    },
    "en": {
        "matrix.undecryptable": (
            "I could not read your message: it is encrypted and I did not receive the key. "
            "Please send it again, or check that your app shares keys with unverified devices."
        ),
        "matrix.unreadable": "I cannot read this kind of message. Please type your question as text.",
    },
}


def text(key: str, lang: str | None) -> str:
    """The text for ``key`` in ``lang``; unknown language: Dutch and English together."""
    if lang in TEXTS:
        return TEXTS[lang][key]
    return f"{TEXTS['nl'][key]}\n\n{TEXTS['en'][key]}"
