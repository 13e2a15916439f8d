"""The few user-visible strings the Teams adapter itself needs, per language (identical keys).

Everything else the user reads comes from the dialog's catalogs through :class:`Reply`.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "choose_hint": "Antwoord met het nummer of typ je keuze.",
        "card_invalid": "Deze knop werkt niet (meer). Typ je vraag gewoon in de chat.",
        "card_failed": "Dat lukte nu niet. Probeer het zo nog eens of typ je vraag in de chat.",
        "busy": "Ik ben hier al mee bezig.",
        "file_too_large": "Het bestand {name} is te groot om hier te tonen; vraag het in een persoonlijke chat met mij.",
        "file_offer": "{name}: je gegevens als bestand. Accepteer om het in je OneDrive op te slaan.",
        "file_declined": "Oké, ik heb het bestand niet verstuurd en niet bewaard.",
        "file_expired": "Dit bestand is niet meer beschikbaar; vraag het opnieuw aan.",
        "file_failed": "Het uploaden van het bestand lukte niet; vraag het zo nog eens aan.",
    },
    "en": {
        "choose_hint": "Reply with the number or type your choice.",
        "card_invalid": "This button does not work (any more). Just type your request in the chat.",
        "card_failed": "That did not work just now. Try again shortly or type your request in the chat.",
        "busy": "I am already working on this.",
        "file_too_large": "The file {name} is too large to show here; ask for it in a personal chat with me.",
        "file_offer": "{name}: your data as a file. Accept to save it in your OneDrive.",
        "file_declined": "OK, I did not send the file and did not keep it.",
        "file_expired": "This file is no longer available; please ask for it again.",
        "file_failed": "Uploading the file did not work; please ask for it again shortly.",
    },
}


def lang_from_locale(locale: str | None) -> str:
    """``nl-NL`` / ``en-US`` / None -> ``nl`` or ``en`` (Dutch by default)."""
    head = (locale or "").strip().lower().replace("_", "-").split("-")[0]
    return head if head in TEXTS else "nl"


def text(lang: str, key: str) -> str:
    return TEXTS.get(lang, TEXTS["nl"])[key]
