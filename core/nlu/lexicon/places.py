"""The pilot buildings (SCHEMA.md) and the cities they are in, with every name people use.

Aliases are written folded (lower case, no accents). Multi-word aliases match as
phrases; a single word of at least five letters also matches with a small typo.
``EXACT_ONLY`` aliases are too short or too common to match fuzzily.
"""

BUILDINGS: dict[str, tuple[str, ...]] = {
    "parnassusplein-5": (
        "parnassusplein 5", "parnassusplein", "parnassus", "szw", "vws", "sociale zaken",
        "volksgezondheid", "ministerie van szw", "ministerie van vws",
        "sociale zaken en werkgelegenheid", "volksgezondheid welzijn en sport",
        "social affairs", "social affairs and employment", "health welfare and sport",
        "ministry of health", "ministry of social affairs",
    ),
    "turfmarkt-147": (
        "turfmarkt 147", "turfmarkt", "bzk", "jenv", "j&v", "jen v", "binnenlandse zaken",
        "justitie en veiligheid", "justitie", "ministerie van bzk", "ministerie van jenv",
        "binnenlandse zaken en koninkrijksrelaties",
        "justice and security", "ministry of justice", "ministry of the interior",
        "interior and kingdom relations", "home affairs", "justice", "ministry of justice and security",
    ),
    "prinses-beatrixlaan-2": (
        "prinses beatrixlaan 2", "prinses beatrixlaan", "beatrixlaan 2", "beatrixlaan", "rvo",
        "nvwa", "rijksdienst voor ondernemend nederland", "netherlands enterprise agency",
    ),
    "griffioenlaan-2": ("griffioenlaan 2", "griffioenlaan", "rws", "rijkswaterstaat"),
    "de-knoop": ("rijksontmoetingsplein de knoop", "de knoop", "knoop"),
    "spark": ("rijksontmoetingsplein spark", "spark", "amsterdam", "a'dam"),
    "kop-van-zuid": ("rijksontmoetingsplein kop van zuid", "kop van zuid", "kvz", "rotterdam", "r'dam", "rdam"),
    "fellenoord": ("rijksontmoetingsplein fellenoord", "fellenoord", "eindhoven", "ehv"),
    "hub-leiden": ("hub leiden", "leiden"),
    "hub-assen": ("hub assen", "assen"),
}

CITIES: dict[str, tuple[str, ...]] = {
    "city:den-haag": ("den haag", "the hague", "'s-gravenhage", "s-gravenhage", "'s gravenhage",
                      "haag", "hague"),
    "city:utrecht": ("utrecht",),
}

# Too short or too much like ordinary words to match with a typo.
EXACT_ONLY: frozenset[str] = frozenset({
    "szw", "vws", "bzk", "jenv", "rvo", "nvwa", "rws", "a'dam", "r'dam", "haag",
    "knoop", "assen", "hague", "justitie", "justice", "kvz", "rdam", "ehv",
})

