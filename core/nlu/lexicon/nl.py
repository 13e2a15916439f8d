"""Dutch: vocabulary and intent rules as data.

Patterns are regular expressions over the *folded* message: lower case, accents removed,
curly quotes straightened; every date the recogniser found is replaced by ``§`` and
every time of day by ``¤`` (padded with spaces, so positions stay the same).
Weights: 4-5 an unmistakable request, 3 a clear one, 1-2 a hint, below 1 a greeting.
"""

# The start of the message, or of a sentence after a greeting ("Hoi, is Jan er?").
START = r"(?:^|(?<=[,.!?;:])\s*)"

# Words that show the message is Dutch, with how strongly.
LANG_WORDS: dict[str, float] = {
    **dict.fromkeys((
        "ik", "mijn", "m'n", "mij", "je", "jij", "jullie", "u", "wij", "we", "ons", "onze", "het",
        "een", "de", "en", "van", "voor", "met", "naar", "op", "bij", "aan", "uit", "niet", "nog",
        "er", "is", "zijn", "wat", "waar", "wie", "wanneer", "hoe", "welke", "kun", "kan", "kunnen",
        "wil", "graag", "alsjeblieft", "aub", "ajb", "dank", "bedankt", "plek", "plekken", "plekje",
        "werkplek", "bureau", "bureaus", "reserveer", "reserveren", "boek", "boeken", "annuleer",
        "annuleren", "morgen", "vandaag", "overmorgen", "volgende", "week", "deze", "elke",
        "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag", "ochtend",
        "middag", "ja", "nee", "hoi", "hallo", "goedemorgen", "goedemiddag", "zit", "zitten",
        "gegevens", "verwijder", "deel", "delen", "iedereen", "collega", "collega's", "ben", "ga",
        "huis", "klopt", "doe", "maar", "laat", "zien", "heb", "geen", "ook", "dat", "dit", "die",
        "wel", "toch", "even", "mag", "moet", "hele", "dag", "samen", "naast", "elkaar", "schermen",
        "scherm", "stilteplek", "verzet", "verplaats", "inchecken", "uitchecken", "teamdag",
        "hulp", "help", "helpen", "akkoord", "prima", "gaat", "door", "over", "tot", "vanaf",
        "allemaal", "al", "alle", "alles", "weg", "terecht", "druk", "vrij", "beschikbaar",
        "zou", "willen", "regel", "regelen", "zet", "vast", "mee", "ze", "zij", "hij", "haar",
        "zal", "wordt", "worden", "zijn", "hebben", "krijgen", "kopie", "stuur", "toon", "welk",
        "bewaren", "opslaan", "liever", "zoek", "weet", "kom", "komt", "nodig", "gewoon",
        "beschikbaarheid", "reservering", "reserveringen", "boeking", "boekingen", "zaken", "hele",
        "tot", "t/m", "volgnde", "aanstaande", "a.s", "bureaus", "werkplekken", "scherm", "monitoren",
        "dubbel", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "uur",
        "half", "kwart", "dinsdags", "donderdags", "elke", "iedere", "alvast", "fijn", "fijne",
        "weekend", "jij", "zelf", "kantoor", "vergadering", "wij", "daar", "hier", "waarom", "wanneer",
        "gisteren", "geleden", "vorige", "afgelopen", "iets", "niets", "niks", "andere", "anderen",
        "team", "mee", "lukt", "lukken", "klaar", "zeg", "af", "mogelijk", "liefst", "dicht",
    ), 1.0),
    **dict.fromkeys(("het", "een", "ik", "mijn", "de", "niet", "wat", "plek", "morgen"), 1.5),
    "graag": 2.0, "me": 0.8, "in": 1.0, "u": 0.4,  # "u" is also English chat for "you"
    "van": 1.2,
}

NUMBERS: dict[str, int] = {
    "een": 1, "eentje": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
    "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14,
    "vijftien": 15, "zestien": 16, "twintig": 20,
}

# "met z'n vieren": the group size in one word.
GROUP_WORDS: dict[str, int] = {
    "tweeen": 2, "drieen": 3, "vieren": 4, "vijven": 5, "zessen": 6, "zevenen": 7, "achten": 8,
    "negenen": 9, "tienen": 10,
}

ORDINALS: dict[str, int] = {
    "eerste": 1, "1e": 1, "tweede": 2, "2e": 2, "derde": 3, "3e": 3, "vierde": 4, "4e": 4,
    "vijfde": 5, "5e": 5, "zesde": 6, "bovenste": 1,
}

CHOICE_WORDS: str = r"optie|keuze|nummer|nr\.?|de|het|die|voorstel"
CHOICE_KEYWORDS: str = r"optie|keuze|nummer|nr\.?|voorstel"
CHOICE_TAIL: str = r"optie|keuze|plek|dag|graag|aub|maar|dan|alsjeblieft|is goed|pls"

# A desk, in the words people use for one. Used for counts ("twee bureaus").
DESK_NOUNS: str = (
    r"(?:flex|werk|stilte|concentratie|zit-?sta-?)?plek(?:ken|je|jes)?|plaats(?:en)?|bureau'?s?"
    r"|werkplaats(?:en)?|desks?|zitplaats(?:en)?|stoelen|stoel"
)
PEOPLE_NOUNS: str = r"personen|mensen|man|collega'?s|deelnemers|teamleden|mensjes"
ME: str = r"mij|me|mezelf|ikzelf|ik"
AND: str = r"en|plus|\+"
COLLEAGUE_NOUN: str = r"collega'?s?|teamgeno(?:ot|ten)|collegaatje"

FEATURES: dict[str, tuple[str, ...]] = {
    "dual_screen": (
        r"\b(?:twee|2|dubbele?|dual|extra)[\s-]*(?:beeld)?(?:schermen|scherm|schremen|sherm(?:en)?"
        r"|monitoren|monitors?|screens?)\b",
        r"\bdual[\s-]?(?:screen|monitor)s?\b",
        r"\bmeerdere (?:beeld)?schermen\b", r"\btweede (?:beeld)?scherm\b",
    ),
    "single_screen": (
        r"\b(?:een|1|enkel|enkele|enkelvoudig|single)[\s-]*(?:beeld)?(?:scherm|monitor|screen)\b",
    ),
    "sit_stand": (
        r"\bzit[\s/-]*(?:en[\s/-]*)?sta\b", r"\bzit[\s/-]*sta[\s-]*(?:bureau|plek|tafel)",
        r"\bsta[\s-]*(?:bureau|plek|tafel|werkplek)", r"\bhoog[\s/-]*laag",
        r"\b(?:in )?hoogte verstelbaar", r"\bverstelbaar bureau",
    ),
    "quiet": (
        r"\bstilte[\s-]*(?:werk)?(?:plek|ruimte|zone|kamer|gebied|werkplek|plaats)",
        r"\bconcentratie[\s-]*(?:werk)?(?:plek|ruimte|zone|plaats)",
        r"\brustige?[\s-]*(?:werk)?(?:plek|plekje|hoek|ruimte|zone|bureau|plaats)",
        r"\bstille?[\s-]*(?:werk)?(?:plek|ruimte|zone|hoek)", r"\bfocus[\s-]*(?:werk)?plek",
        r"\bstilteplek|\bstiltewerkplek",
    ),
}

TOGETHER: tuple[str, ...] = (
    r"\bnaast elkaar\b", r"\bbij elkaar\b", r"\bbij mekaar\b", r"\bnaast mekaar\b",
    r"\bbij elkaar in de buurt\b", r"\bals groep\b", r"\bin een cluster\b", r"\baaneengesloten\b",
    r"\bsamen\b",
)

# "voor mijn team": the request is for the user's team.
TEAM: tuple[str, ...] = (
    r"\b(?:voor|met|van) (?:mijn|m'n|ons|onze|het|heel het|mn)(?: hele| gehele| voltallige)? team\b",
    r"\b(?:mijn|m'n|ons|het) team (?:van|met) \d+", r"\bteam ?reserveringe?n?\b",
    r"\bteam ?boekinge?n?\b", r"\bvoor (?:mijn|m'n|ons|onze|het) (?:afdeling|teamleden)\b",
    r"\b(?:mijn|m'n|ons|het) team (?:wil|komt|moet|heeft)\b",
)

SHARE_EVERYONE: str = r"\b(?:iedereen|allemaal|alle collega'?s|(?:mijn|m'n) collega'?s|alle medewerkers|heel de organisatie|de hele organisatie|publiek)\b"
SHARE_TEAM: str = r"\b(?:mijn|m'n|ons|onze|het|mn|het hele|heel het|mijn hele|ons hele) team\b|\bteamgenoten\b|\bmijn afdeling\b"
# The person to share with follows one of these.
SHARE_NAME_BEFORE: tuple[str, ...] = (r"\bmet\b", r"\bvoor\b", r"^laat\b", r"\bzichtbaar voor\b",
                                      r"^(?=[\w'-]+(?:\s+[\w'-]+){0,3}\s+(?:mag|mogen|kan)\b)",
                                      r"^(?:mijn |m'n )?collega\b(?!'?s\b)", r"^(?:mag|mogen|kan)\b")

# Where the new day starts in a move: "verzet donderdag naar vrijdag".
MOVE_TO: str = r"\b(?:naar|tot|maar|in plaats van|ipv)\b|\bdoor naar\b|\bverplaatsen naar\b"
MOVE_FROM: str = r"\bvan\b"

# A colleague's name follows these; the name ends at the first ordinary word.
COLLEAGUE_BEFORE: tuple[str, ...] = (
    r"\bwaar (?:zit|zitten|is|werkt|werken|zat)\b", START + r"zit\b", START + r"is\b", START + r"komt\b", START + r"gaat\b",
    START + r"zitten\b", START + r"werkt\b", r"\bzoek (?:de |mijn |m'n )?(?:collega )?", r"\bvind (?:collega )?",
    r"\bweet (?:jij|je|u) waar\b", r"\bwanneer (?:is|zit|komt|werkt)\b", r"\bis collega\b",
    r"\bwaar kan ik\b", r"\bwaar vind ik\b", r"\bvan collega\b", r"\bkomt collega\b",
    r"^(?:en|en is|en zit|is er)\b", r"\bweet \w+ (?:waar|of)\b", r"\bik zoek\b", r"\bzien waar\b",
)

# Never (part of) a name.
STOPWORDS: frozenset[str] = frozenset("""
ik jij je u hij zij ze wij we jullie mij me mijn m'n mn ons onze zijn haar hun het een de der den
dat dit die deze daar hier er is zijn was waren zit zitten zat komt komen gaat gaan werkt werken
op in bij aan naar van voor met uit om tot vanaf over onder achter naast tussen zonder tegen
morgen vandaag overmorgen gisteren straks nu vanochtend vanmiddag week maand volgende vorige
welke wie wat waar wanneer hoe waarom nog al ook wel niet geen toch even graag aub ajb alsjeblieft
kantoor kantor thuis werk plek plekken bureau werkplek team collega collega's iemand iedereen
samen allemaal alle alles en of maar dus want ja nee ok oke kan kun kunt zou zal wil wilt moet mag
ergens nergens vrij druk zien weet vind zoek hallo hoi dag beste weg terug binnen er's
goed prima fijn leuk mooi klaar baas manager leidinggevende mogen kunnen weten zien
gebouw verdieping etage kamer lift toilet wc printer kantine ingang receptie parkeerplaats
""".split())

# Words that can sit inside a name: "Jan de Vries", "els van der berg", "Yasmina El Amrani".
NAME_PARTICLES: frozenset[str] = frozenset(
    {"van", "de", "der", "den", "het", "'t", "ter", "ten", "te", "el", "al", "la", "le", "da",
     "dos", "du", "von", "op", "in"})

# Words that decide an intent; a misspelling of one ("resevreer", "anuleer") is read as it.
KEY_WORDS: tuple[str, ...] = (
    "reserveer", "reserveren", "annuleer", "annuleren", "verzet", "verzetten", "verplaats",
    "verplaatsen", "boeken", "inchecken", "uitchecken", "verwijder", "verwijderen", "werkplek",
    "bureau", "plekken", "teamdag", "beschikbaarheid", "reservering", "reserveringen", "boeking",
    "boekingen", "gegevens", "locatie", "privacyverklaring", "afzeggen", "exporteer", "zichtbaar",
    "verberg", "stilteplek", "schermen", "collega", "gereserveerd", "geboekt", "elkaar",
    "monitoren", "beeldschermen", "concentratieplek", "stiltewerkplek", "werkplekken",
    # inflections that are right as written
    "verwijderd", "geannuleerd", "verplaatst", "verzette", "gewist", "gedeeld", "reserveert",
    "annuleert", "boekt", "geboekte", "gereserveerde", "werkplekken", "bureaus", "verborgen",
)

# What the user wants: intent -> (pattern, weight).
INTENTS: dict[str, tuple[tuple[str, float], ...]] = {
    "book": (
        (r"\b(?:boek|boeken|boekt|booken|book|reserveer|reserveren|reserver|resreveer|reseveer|reseveren"
         r"|vastleggen|leg .{0,30}vast|zet .{0,40}\bvast|zet .{0,40}\bklaar|regel|regelen"
         r"|geboekt worden|inplannen)\b", 3.0),
        (r"\b(?:" + DESK_NOUNS + r")\b", 1.0),
        (r"\b(?:ik wil|wil graag|ik moet|ik kom|ik ben|ben ik)\b.{0,60}\b(?:werken|zitten|op kantoor|naar)\b", 1.5),
        (r"\bnodig\b", 1.5),
        (r"\b(?:" + DESK_NOUNS + r")\b.{0,30}\bkrijgen\b", 3.0),
        (r"\bmag ik\b.{0,40}\b(?:" + DESK_NOUNS + r")\b", 3.0),
        (r"\bgraag\b", 0.5),
    ),
    "cancel": (
        (r"\b(?:annuleer|annuleren|annuleert|annulering|afzeggen|afmelden|cancel|cancelen"
         r"|cancellen|canceln|schrappen|schrap|intrekken)\b", 4.0),
        (r"\bzeg\b.{0,50}\baf\b", 4.0),
        (r"\b(?:mag|kan|moet) (?:weg|vervallen|vrijgegeven worden|geannuleerd|eraf|er af|eruit|er uit)\b", 4.0),
        (r"\b(?:verwijder|wis|haal)\b.{0,30}\b(?:reservering|reserveringen|boeking|boekingen|plek|plekken|bureau)\b", 4.5),
        (r"\bgaat niet door\b|\bgeen plek (?:meer )?nodig\b|\btoch geen plek\b|\bhoef\b.{0,30}\bgeen\b", 3.5),
        (r"\bgeef\b.{0,50}\bvrij\b", 3.5),
        (r"\b(?:ik ben|ben ik|ik word|ik voel me|ik lig)\b.{0,15}\bziek\b|\bziek thuis\b|\bziekgemeld\b"
         r"|\b(?:ik werk|werk ik|ik zit|zit ik)\b.{0,15}\bthuis\b|\bthuiswerk\w*", 2.5),
        (r"\btrek\b.{0,40}\bin\b(?!\s*§)|\bingetrokken\b", 3.6),
        (r"\b(?:weghalen|weg halen|haal\b.{0,30}\bweg|vrijgeven|vrijmaken|laten vervallen)\b", 4.0),
        (r"\b(?:niet meer|toch niet|niet) nodig\b", 3.6),
        (r"\b(?:kom|ben|ga|zit|werk) (?:ik )?(?:[\w§]+\s+){0,3}niet (?:naar|op|in|bij)\b", 3.5),
        (r"\b(?:kom|kan|ben|zit|ga)\b.{0,25}\btoch niet\b|\bkan (?:er )?(?:toch )?niet (?:bij )?zijn\b", 3.4),
    ),
    "move": (
        (r"\b(?:verzet|verzetten|verplaats|verplaatsen|verschuif|verschuiven|schuif|schuiven"
         r"|omzetten|zet om|omboeken|ruil|ruilen)\b", 4.5),
        # Separable verbs split around the day: "zet dinsdag om naar woensdag", "boek het om naar vrijdag".
        (r"\b(?:zet|boek)\b.{1,40}\bom\s+(?:naar|op)\b", 4.6),
        (r"\b(?:wijzig|wijzigen|aanpassen|pas .{0,30}aan|verander|veranderen)\b.{0,60}\b(?:naar|maar|in)\b", 4.5),
        (r"\bniet\s+§[^§]{0,20}\bmaar\b", 4.5),
        (r"\b(?:reservering|boeking|plek|bureau)\b.{0,30}(?:\bvan\s+)?§[^§]{0,25}\bnaar\s+§", 4.6),
        (r"\b(?:reservering|boeking)\b.{0,40}\bnaar\s+§", 4.0),
        (r"\b(?:zet|doe)\b.{0,30}\b(?:reservering|boeking|plek|bureau)\b.{0,20}§[^§]{0,15}\b(?:op|naar)\s+§", 4.5),
        (r"\b(?:reservering|boeking|plek|bureau)\b.{0,30}\bvan\b.{1,30}\bnaar\b", 4.0),
    ),
    "list": (
        (r"\b(?:mijn|m'n|mn) (?:reserveringen|boekingen|reservering|boeking|plekken)\b", 2.5),
        (r"\b(?:wat|welke)\b.{0,40}\b(?:heb ik|ik heb|staat er|sta ik|staan er)\b", 3.5),
        (r"\bheb ik\b.{0,40}\b(?:" + DESK_NOUNS + r"|gereserveerd|geboekt|reservering|boeking|iets)\b", 3.5),
        (r"\bwaar (?:zit|werk|ben|sta) ik\b", 3.5),
        (r"\b(?:welke|wanneer)\b.{0,12}\b(?:ben|zit|werk|sta) ik\b.{0,20}\b(?:kantoor|ingepland|ingeroosterd|geboekt|gereserveerd)\b", 3.6),
        (r"\b(?:toon|laat|geef|overzicht|lijst)\b.{0,30}\b(?:reserveringen|boekingen|reservering|boeking)\b", 3.5),
        (r"\bgereserveerd\b|\bgeboekt\b", 1.0),
        (r"\b(?:mijn|m'n|mn) (?:planning|rooster|schema)\b", 3.5),
        (r"\b(?:ben|sta) ik\b.{0,20}\b(?:ingepland|ingeroosterd|geboekt|gereserveerd|ingeschreven)\b", 3.6),
        (r"\bstaat er (?:al )?(?:iets|wat)\b.{0,20}\b(?:voor (?:mij|me)|op mijn naam)\b", 3.6),
        (r"\b(?:wat|welke \w+) ik\b.{0,25}\b(?:geboekt|gereserveerd) (?:heb|hebt|staan|staat)\b", 3.6),
    ),
    "availability": (
        (START + r"(?:en )?(?:is|zijn) (?:er|het)\b(?! mogelijk)", 3.5),
        (START + r"(?:zijn|is)\b.{0,80}\b(?:vrij|beschikbaar)\b", 3.5),
        (r"\b(?:hoe druk|hoe vol|hoeveel)\b", 3.5),
        (r"\b(?:beschikbaarheid|bezetting)\b", 3.5),
        (r"\b(?:vrij|beschikbaar|bezet|vol|druk|terecht|open|geopend|gesloten|dicht|afgeladen|rustig)\b", 1.0),
        (r"\bhoe ziet\b.{0,40}\beruit\b", 3.5),
        (r"\bkan ik\b.{0,40}\bterecht\b", 3.5),
        (r"\b(?:kan|kun) (?:ik|je|we)\b.{0,30}\bnog ergens\b|\bnog ergens\b.{0,30}\b(?:plek|ruimte|terecht|zitten|werken)\b", 3.5),
        (r"\bnog (?:een )?(?:plek|plekje|ruimte|plaats)\b", 1.0),
        (r"\b(?:heb je|heb jij|hebben jullie|heeft u|hebt u)\b(?!.{0,60}\bvoor (?:me|mij)\b).{0,40}\b(?:" + DESK_NOUNS
         + r"|ruimte|plaats|plek)\b", 3.5),
    ),
    "find_colleague": (
        (r"\bwie (?:van|uit) (?:mijn|m'n|ons|het|onze) (?:team|afdeling|collega'?s)\b", 4.5),
        (r"\bwie (?:is|zijn|zit|zitten|komt|komen) er\b.{0,40}\b(?:team|collega'?s|kantoor)\b", 4.0),
        (r"\bwelke (?:collega'?s|teamleden|teamgenoten)\b", 4.0),
        (r"\b(?:is|zijn) er (?:iemand|mensen|collega'?s) (?:van|uit) (?:mijn|m'n|ons|onze|het) (?:team|afdeling)\b", 4.6),
        (r"\bzoek (?:een )?collega\b", 4.0),
        (r"^(?:is|zijn|komt|komen)\b.{0,6}\b(?:mijn|m'n|ons|onze|het) (?:hele |voltallige )?(?:team|teamgenoten|teamleden)\b.{0,30}\b(?:er|op kantoor|naar kantoor|binnen)\b", 4.6),
        (r"\bwie (?:zit|zitten|is|zijn|komt|komen|werkt|werken)\b(?! (?:je|jij|jullie|u|de functionaris|verantwoordelijk)\b)", 4.0),
    ),
    "share_location": (
        (r"\b(?:deel|delen|gedeeld|share)\b.{0,40}\b(?:locatie|plek|werkplek|bureau|waar ik)\b", 4.0),
        (r"\b(?:locatie|plek|werkplek|waar ik zit)\b.{0,30}\b(?:delen|deel)\b", 4.0),
        (r"\bzichtbaar\b", 3.5),
        (r"\b(?:toon|laat)\b.{0,30}\b(?:werkplek|plek|locatie|bureau)\b.{0,20}\b(?:aan|zien aan)\b", 4.0),
        (r"\b(?:mag|mogen|kan|kunnen)\b.{0,40}\bzien\b(?!\s+(?:wat|welke|hoe|of)\b)", 3.0),
        (r"^laat\b.{1,40}\bzien waar ik\b", 4.0),
        (r"\b(?:sta toe|toestaan|mag|mogen)\b.{0,40}\b(?:waar ik|mijn (?:plek|werkplek|locatie|bureau))\b.{0,20}"
         r"\b(?:ziet|zien|weet|weten)\b|\b(?:sta toe|toestaan|mag|mogen)\b.{0,40}\b(?:ziet|zien|weet|weten)\b.{0,10}"
         r"\b(?:waar ik|mijn (?:plek|werkplek|locatie|bureau))\b", 3.8),
        (r"\bweten waar ik (?:zit|ben|werk)\b", 3.8),
        (r"\bwil\b.{0,10}\bdat\b.{0,30}\b(?:ziet|zien|weet|weten)\b.{0,10}\b(?:waar ik|mijn)\b", 3.8),
        (r"\bdelen\b.{0,20}\b(?:aan|aanzetten)\b", 4.5),
        (r"\bzet\b.{0,20}\bdelen\b.{0,10}\baan\b", 4.5),
    ),
    "stop_sharing": (
        (r"\b(?:stop|stoppen|gestopt|beeindig|beeindigen)\b.{0,40}\b(?:delen|deel|locatie|zichtbaar)\b", 5.0),
        (r"\b(?:delen|deling|zichtbaarheid)\b.{0,20}\b(?:uit|uitzetten|uitzeten|uitschakelen|stoppen|stop)\b", 5.0),
        (r"\bzet\b.{0,20}\bdelen\b.{0,10}\buit\b", 5.0),
        (r"\b(?:verberg|verbergen|verstop|onzichtbaar|anoniem)\b", 4.5),
        (r"\bniet (?:meer|langer)\b.{0,40}\b(?:zie\w*|delen|deel|gedeeld|zichtbaar|gevonden|vindbaar)\b", 5.0),
        (r"\bniemand\b.{0,30}\bzien\b", 5.0),
        (r"\b(?:hou|houd|kap|stop)\s+(?:eens\s+|nu\s+)?(?:op\s+)?met\b.{0,40}\b(?:delen|deel|zichtbaar|tonen)\b", 5.0),
        (r"\b(?:deel|delen)\b.{0,40}\bniet (?:meer|langer)\b", 5.0),
    ),
    "team_day": (
        (r"\bteam[\s-]?dag(?:en)?\b|\bteamuitje\b|\bteam ?moment\b", 5.0),
        (r"\b(?:wanneer|welke dag)\b.{0,40}\b(?:team|we|wij)\b.{0,40}\bsamen\b", 5.0),
        (r"\b(?:samen|allemaal) (?:op kantoor|naar kantoor|zitten|werken)\b.{0,30}\bteam\b", 4.0),
        (r"\bteam\b.{0,40}\bsamen\b", 3.6),
        (r"\bwanneer\b.{0,30}\b(?:hele|voltallige|gehele) team\b", 5.0),
        (r"\b(?:beste|geschikte|handigste|goede) dag\b.{0,60}\b(?:team|samen)\b", 4.5),
        (r"\bdag\b.{0,20}\b(?:prikken|plannen|kiezen|vinden|uitzoeken)\b.{0,40}\b(?:team|samen)\b", 4.5),
        (r"\bmet (?:het|mijn|m'n|ons|onze|heel het|het hele) team\b.{0,30}\b(?:afspreken|samenkomen|samen|bij elkaar|op kantoor|naar kantoor)\b", 4.5),
        (r"\bteam\b.{0,60}\bwelke dag(?:en)?\b|\bwelke dag(?:en)?\b.{0,60}\bteam\b", 4.5),
        (r"\b(?:plan|plannen|organiseer|organiseren|zoek|prik|prikken|kies)\b.{0,40}\bdag\b.{0,40}\b(?:team|samen)\b", 4.5),
    ),
    "check_in": (
        (r"\b(?:inchecken|incheck|ingecheckt|check (?:mij |me |mezelf )?(?:maar )?in|checkin|check-in)\b(?!s)", 4.5),
        (START + r"(?:ik )?ben (?:er|binnen|aangekomen|op kantoor|gearriveerd)\b(?!\s+(?:vandoor|niet|tussenuit))", 4.0),
        (r"^(?:ik )?ben er\s*(?:[,.!]|$)|\bik ben er\s*(?:[,.!]|$)", 4.0),
        (r"\b(?:net|zojuist|nu) (?:aangekomen|binnen|gearriveerd)\b|^aangekomen\b", 4.0),
        (r"^(?:ik ben )?aanwezig\b|\bik ben aanwezig\b", 4.0),
        (r"\b(?:zit|sta|ben) (?:nu )?(?:op|aan) (?:mijn|m'n|mn) (?:plek|bureau|werkplek)\b", 4.0),
    ),
    "check_out": (
        (r"\b(?:uitchecken|uitcheck|uitgecheckt|check (?:mij |me |mezelf )?(?:maar )?uit|checkout|check-out)\b", 4.5),
        (r"\b(?:ik )?ga (?:nu )?(?:naar huis|weg|ervandoor|vertrekken)\b", 4.0),
        (r"\b(?:ik )?(?:vertrek|ben weg|ben vertrokken|ben er vandoor|ben klaar voor vandaag)\b", 4.0),
        (r"^(?:ik )?ben weg\b|^weg\b|\bplek mag vrij\b", 4.0),
        (r"\bstop voor (?:vandaag|§)|\bik stop ermee\b|\bklaar voor (?:vandaag|§)|\btot morgen\b", 3.0),
        (r"^(?:doei|dag dag|tot ziens|later|houdoe|de mazzel|ciao)\b", 2.5),
    ),
    "privacy": (
        (r"\bprivacy\w*|\bavg\b|\bgdpr\b|\bpersoonsgegevens\b|\bprivacyverklaring\b", 3.5),
        (r"\bwat (?:doen|gebeurt|bewaren|weten|slaan)\b.{0,40}\b(?:gegevens|data|mij|informatie)\b", 4.5),
        (r"\bwie (?:kan|mag|kunnen|ziet|zien)\b.{0,30}\b(?:zien|waar ik|mijn)\b", 4.6),
        (r"\b(?:bewaren|bewaard|opgeslagen|bijgehouden|volgen|gevolgd|meekijken|traceren)\b", 2.5),
        (r"\b(?:leidinggevende|manager|baas)\b.{0,40}\b(?:zien|volgen|bijhouden|controleren)\b", 3.6),
        (r"\b(?:bijgehouden|gevolgd|gecontroleerd|bekeken|gezien)\b.{0,40}\b(?:leidinggevende|manager|baas)\b", 3.6),
        (r"\bhoe lang\b.{0,30}\b(?:bewaren|bewaard|opgeslagen)\b", 4.0),
        (r"\b(?:welke|wat voor) (?:gegevens|informatie|data|persoonsgegevens)\b", 4.0),
        (r"\b(?:gegevens|data)\b.{0,30}\b(?:gedeeld|verkocht|doorgegeven|gebruikt|veilig)\b", 3.8),
        (r"\bwat weten jullie\b|\bwat weet je van mij\b", 4.0),
        (r"\bfunctionaris gegevensbescherming\b|\bfg\b", 4.6),
    ),
    "export_data": (
        (r"\b(?:exporteer|exporteren|export|download|downloaden|inzage|inzageverzoek|kopie|afschrift)\b", 4.0),
        (r"\b(?:stuur|mail|geef|toon)\b.{0,40}\b(?:al )?(?:mijn|m'n) (?:gegevens|data|persoonsgegevens)\b", 4.0),
        (r"\bdataportabiliteit|\boverdraagbaarheid\b", 4.0),
        (r"\b(?:stuur|mail|geef|toon)\b.{0,40}\b(?:alle|al mijn|al m'n) (?:gegevens|data|persoonsgegevens)\b", 4.0),
        (r"\b(?:al )?(?:mijn|m'n|mn) (?:gegevens|data|persoonsgegevens)\b.{0,30}"
         r"\b(?:mailen|sturen|opsturen|toesturen|doorsturen|downloaden)\b", 4.0),
        (r"\b(?:gegevens|data)\b.{0,20}\b(?:inzien|opvragen|ontvangen|meenemen)\b", 4.2),
    ),
    "delete_data": (
        (r"\b(?:verwijder|verwijderen|wis|wissen|vernietig|schrap)\b.{0,40}\b(?:gegevens|data|account|profiel|alles|mij|me)\b(?!n)", 4.8),
        (r"\bvergeet (?:mij|me)\b|\bvergeten\b|\bvergetelheid\b", 4.8),
        (r"\buitschrijven\b|\baccount opheffen\b", 4.0),
        (r"\b(?:gooi|smijt|haal)\b.{0,40}\b(?:gegevens|data|account|profiel|alles)\b.{0,10}\bweg\b", 4.8),
        (r"\b(?:gegevens|data|account|profiel)\b.{0,30}\b(?:verwijderd|gewist|vernietigd|wissen|verwijderen)\b", 4.8),
    ),
    "help": (
        (r"\bhelp\b|\bhelpen\b|\bhulp\b|\buitleg\b|\bhandleiding\b|\bcommando'?s\b|\bopties\b", 3.0),
        (r"\bwie (?:zijn jullie|ben jij|ben je)\b|\bhoe werkt\b|\bwat kun je\b|\bwat kan je\b|\bwat kunt u\b|\bwat doe je\b|\bwie ben je\b|\bwat ben je\b", 4.0),
        (r"\bhoe (?:boek|reserveer|annuleer|verzet|deel|werk|gebruik|moet|check|meld) ik\b|\bhoe kan ik\b", 4.6),
        (r"\b(?:inchecken|uitchecken|boeken|reserveren|annuleren|verzetten)\b.{0,15}\b(?:lukt|werkt|gaat) niet\b"
         r"|\b(?:kan|kun) (?:niet|nie) (?:inchecken|uitchecken|boeken|reserveren|annuleren)\b", 4.8),
        (r"\bsnap (?:het|er) (?:niet|neit|niks)\b|\bbegrijp (?:het )?niet\b", 3.0),
        (r"\bhoe gaat het\b|^hoe is het\b", 2.0),
        (START + r"(?:dank ?je|dank u|bedankt|dankjewel|dankuwel|thanks|merci|top,? bedankt|super,? bedankt)\b", 2.0),
        (r"\bwat kan ik\b.{0,20}\b(?:hier|met (?:jou|je|deze bot|u))\b|^menu\b", 4.0),
        (r"\bwat (?:moet|kan|mag) ik (?:typen|tikken|zeggen|vragen|schrijven|intypen)\b", 4.0),
        (r"\bwat (?:kan|kun|kunt|doet) (?:deze bot|de bot|jij|je|u|het)\b(?!\s+(?:voor mij )?(?:boek|reserv|regel))|\bwat kunnen jullie\b", 4.0),
        (r"^(?:hoi|hallo|hey|hee|hi|goedemorgen|goedemiddag|goedenavond|goeiemorgen|dag|hoi hoi|yo|moi|moin|goedendag|beste)\b", 0.6),
    ),
    "confirm": (
        (r"^(?:ja+|jazeker|jawel|jep|jup|yes|ok|oke|okay|oké|okee|akkoord|klopt|prima|goed|prima zo"
         r"|top|super|perfect|is goed|dat is goed|doe maar|graag|zeker|correct|precies|uitstekend"
         r"|helemaal goed|in orde|afgesproken|bevestig|bevestigd|klinkt goed|dat is (?:goed|prima|oke|ok|in orde)"
         r"|zeker weten|natuurlijk|uiteraard|jawohl|yes|is (?:prima|oke|ok|okay|top|perfect|goed zo)"
         r"|zo is het goed|dat klopt|klinkt prima|helemaal prima)\b", 3.0),
        (r"\b(?:doe maar|boek maar|ga je gang|ga door|ga verder|bevestig)\b", 2.0),
    ),
    "deny": (
        (r"^(?:nee+|neen|nope|neu|nah|nee hoor|niet doen|liever niet|laat maar|stop|annuleer maar|toch niet|helaas niet)\b", 4.0),
        (r"\blaat (?:maar )?(?:zitten|maar)\b|\bniet doen\b|\bklopt niet\b|\bvergeet (?:het|maar)\b|\btoch maar niet\b", 4.0),
        (r"\bliever niet\b|\bniet boeken\b", 4.0),
        (r"^(?:nee,? )?(?:niet nodig|hoeft niet|hoeft niet meer)\b", 4.0),
        (r"^(?:dat is |dat klopt )?(?:niet goed|fout|verkeerd|onjuist|niet juist)\b", 4.0),
    ),
    "unknown": (
        (r"\b(?:vergader\w*|overleg\w*|parkeer\w*|parkeren|auto|fiets\w*|lockers?|kluisje|vlucht\w*"
         r"|vliegticket\w*|trein\w*|taxi|hotel\w*|tafel|restaurant|lunch\w*|kantine|koffie"
         r"|weerbericht|mop|grap|verlof|vakantiedag\w*|laptop|wifi\w*|wachtwoord|printer\w*"
         r"|agenda|ziekmelding|salaris|kamer voor|zaal\w*|italiaan|pizza|boodschappen|meetings?|herinnering\w*"
         r"|muziek|cadeau\w*|huurauto|leenauto)\b", 6.0),
        (r"\bwat voor weer\b|\bhoe is het weer\b|\bwordt het weer\b|\bhoe laat\b", 6.0),
        (r"\bdrop table\b|\bselect\b.{0,40}\bfrom\b|\binsert into\b|<\s*script|;\s*--|\bunion select\b", 8.0),
    ),
}


# Team features (issue 7), extra frame fields only: act -> patterns on the text as written
# (case-insensitive); a ``name`` group is the colleague.
# A seat of a team's group booking, and where a name given a seat ends (a day follows).
_SEAT = r"(?:open |vrije )?(?:plek|plaats|werkplek|bureau|stoel)"
_NAME_END = (r"(?=\s+(?:op|voor|van|deze|volgende|morgen|overmorgen|vandaag|maandag|dinsdag|woensdag|donderdag"
             r"|vrijdag|\d)\b|\s*[?.!,]*\s*$)")
_NOT_A_NAME = r"(?!(?:me|mij|mezelf|ons|jou|je|jezelf|hem|haar|hun|iemand|een|de|die|het|er)\b)"
_GROUP_BOOKING = r"(?:groeps?boeking|teamboeking|groepsreservering|teamreservering)(?:en)?"

ACTS: tuple[tuple[str, str], ...] = (
    # the booker gives an open seat to a named member: "geef een plek aan Sanne", "wijs Sanne een plek toe"
    ("seat_assign", r"\b(?:geef|wijs|ken) (?:een|de|die|deze|één|1) " + _SEAT + r" (?:toe )?aan (?P<name>.{1,60}?)" + _NAME_END),
    ("seat_assign", r"\b(?:geef|wijs|ken) " + _NOT_A_NAME + r"(?P<name>.{1,60}?) (?:een|de|die|deze|één|1) " + _SEAT + r"\b"),
    # a member accepts the seat booked for them: "ik neem de plek aan", "ik accepteer mijn plek"
    ("seat_accept", r"\bik neem (?:de|die|deze|mijn) (?:plek|plaats|werkplek|stoel)\b.{0,60}?\baan\s*[.!]*\s*$"),
    ("seat_accept", r"\b(?:accepteer|aanvaard|bevestig) (?:de|die|deze|mijn) (?:plek|plaats|werkplek|stoel)\b"),
    ("seat_accept", r"\b(?:de|die|deze|mijn) (?:plek|plaats|werkplek) (?:aannemen|accepteren)\b"),
    # the booker's overview of their group bookings: "hoe staat mijn groepsboeking ervoor?"
    ("seat_status", r"\b(?:hoe staat|status|overzicht|stand)\b.{0,30}\b" + _GROUP_BOOKING + r"\b"),
    ("seat_status", r"\b(?:toon|laat (?:me|mij)) (?:mijn|m'n|onze|ons|de) " + _GROUP_BOOKING + r"\b"),
    ("seat_status", r"^\s*(?:mijn|m'n|onze) " + _GROUP_BOOKING + r"\s*\??\s*$"),
    ("seat_status", r"\bhoe staat het met (?:de )?plekken (?:van|voor) (?:mijn|m'n|ons|onze|het) team\b"),
    ("seat_status", r"\bwie (?:heeft|hebben) (?:er )?(?:al )?(?:zijn |haar |hun |een |de )?plek(?:ken)? (?:al )?"
                    r"(?:aangenomen|geaccepteerd|geclaimd|afgeslagen)\b"),
    ("team_add", r"\bvoeg (?P<name>.{1,60}?) toe aan (?:mijn|m'n|mn|ons|onze|het) team\b"),
    ("team_add", r"^(?P<name>.{1,60}?) (?:hoort|zit) (?:ook )?(?:bij|in) (?:mijn|m'n|ons|onze) team\b"),
    ("team_remove", r"\b(?:haal|verwijder) (?P<name>.{1,60}?) uit (?:mijn|m'n|mn|ons|onze|het) team\b"),
    ("team_remove", r"^(?P<name>.{1,60}?) (?:zit|hoort) niet meer (?:in|bij) (?:mijn|m'n|ons|onze) team\b"),
    ("team_list", r"^\s*(?:wie|welke collega'?s) (?:zit|zitten|is|zijn|staan|staat) (?:er )?(?:allemaal )?in (?:mijn|m'n|mn|ons|onze) team\s*\??\s*$"),
    ("team_list", r"^\s*(?:toon|laat (?:me|mij) )?(?:mijn|ons) team(?:leden)?(?: zien)?\s*\??\s*$"),
    ("claim", r"\bik neem (?:er )?(?:een|eentje|1|die plek|een plek)\b|\bclaim (?:een|mijn|die) plek\b"),
    ("vote", r"^\s*(?:ik )?stem(?: op| voor)?(?: optie| dag| nummer)? ?(?P<name>\d{1,2})\s*[.!]?\s*$"),
    ("waitlist", r"\bwachtlijst\b"),
    ("remind_off", r"\bgeen herinneringen? meer\b|\bherinneringen? uit\b|\bstop (?:met )?(?:de )?herinneringen?\b|\bzet (?:de )?herinneringen? uit\b"),
    ("remind_on", r"\bherinner (?:me|mij)\b|\bherinneringen? aan\b|\bstuur (?:me|mij) (?:een )?herinnering"),
)
RECURRING: str = r"\b(?:elke|iedere|elk|ieder) (?:maandag|dinsdag|woensdag|donderdag|vrijdag|week|werkdag)\b|\bwekelijks\b"
