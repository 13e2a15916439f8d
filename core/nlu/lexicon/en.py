"""English: vocabulary and intent rules as data (same conventions as ``nl.py``)."""

# The start of the message, or of a sentence after a greeting ("Hoi, is Jan er?").
START = r"(?:^|(?<=[,.!?;:])\s*)"

LANG_WORDS: dict[str, float] = {
    **dict.fromkeys((
        "i", "i'm", "im", "i'd", "i'll", "my", "me", "you", "your", "we", "our", "us", "the", "a", "an",
        "and", "of", "for", "with", "to", "on", "at", "from", "not", "still", "there", "are",
        "what", "where", "who", "when", "how", "which", "can", "could", "would", "will", "want",
        "please", "pls", "plz", "thanks", "thank", "desk", "desks", "spot", "seat", "workspace",
        "book", "booking", "bookings", "reserve", "reservation", "cancel", "tomorrow", "today",
        "next", "week", "this", "every", "monday", "tuesday", "wednesday", "thursday", "friday",
        "saturday", "sunday", "morning", "afternoon", "yes", "no", "hi", "hello", "hey", "sit",
        "sitting", "data", "delete", "share", "everyone", "everybody", "colleague", "colleagues",
        "am", "going", "home", "right", "go", "ahead", "let", "see", "have", "does", "don't",
        "also", "that", "it", "is", "be", "day", "whole", "together", "next", "screens", "monitors",
        "quiet", "move", "check", "team", "help", "sure", "yep", "yeah", "nope", "get", "need",
        "any", "free", "available", "busy", "left", "room", "some", "all", "after", "until", "till",
        "by", "in", "out", "off", "office", "like", "should", "mine", "find", "show", "list",
        "send", "copy", "export", "store", "keep", "forget", "erase", "remove",
        "here", "now", "just", "arrived", "leaving", "done", "else", "again", "them", "it's",
        "won't", "can't", "anymore", "hide", "visible", "people", "know", "tell", "up", "else",
        "where's", "what's", "that's", "there's", "sounds", "good", "never", "mind", "option", "correct",
        "disable", "enable", "turn", "allow", "able", "arrived", "got", "heading", "thanks", "bye",
        "number", "one", "second", "third", "first", "great", "fine", "should", "shall", "may", "might",
        "much", "many", "any", "anything", "everything", "nothing", "something", "yet", "already",
        "location", "sharing", "together", "side", "each", "other", "people", "whole", "only", "weather",
        "policy", "statement", "compliant", "personal", "information", "cheers", "thx",
        "checking", "absolutely", "definitely", "certainly", "indeed", "nope", "yeah",
        "u", "ur", "cn", "r", "wanna", "gonna", "gimme", "tmrw", "tmr", "2moro", "2day", "fri", "thu",
        "nah", "nvm", "pls", "plz", "thx", "ty", "np", "btw", "asap", "2morrow", "hiya", "howdy", "tue", "tues", "wed", "thur", "thurs",
        "mon", "sat", "sun", "pm", "tmw", "arrange", "yesterday", "ago", "last",
    ), 1.0),
    **dict.fromkeys(("the", "i", "my", "please", "desk", "tomorrow", "you", "a", "book"), 1.5),
}

NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "twenty": 20, "couple of": 2, "pair of": 2,
}

GROUP_WORDS: dict[str, int] = {}

ORDINALS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6,
}

CHOICE_WORDS: str = r"option|choice|number|no\.?|nr\.?|the|#|pick|i'll take|i take|take"
CHOICE_KEYWORDS: str = r"option|choice|number|no\.?|nr\.?|#"
CHOICE_TAIL: str = r"one|option|choice|please|pls|desk|day|spot|is fine|then"

DESK_NOUNS: str = (
    r"desks?|spots?|seats?|places?|workspaces?|work ?spaces?|workplaces?|work ?stations?|workstations?"
    r"|hot ?desks?|flex ?desks?"
)
PEOPLE_NOUNS: str = r"people|persons|ppl|colleagues|of us|teammates|team members|members|guys|folks"
ME: str = r"me|myself|i"
AND: str = r"and|plus|\+|&"
COLLEAGUE_NOUN: str = r"colleagues?|coworkers?|co-workers?|teammates?"

FEATURES: dict[str, tuple[str, ...]] = {
    "dual_screen": (
        r"\b(?:two|2|dual|double|twin|extra)[\s-]*(?:screens?|monitors?|displays?)\b",
        r"\bmultiple (?:screens|monitors)\b", r"\bsecond (?:screen|monitor|display)\b",
    ),
    "single_screen": (
        r"\b(?:one|1|single|a single)[\s-]*(?:screen|monitor|display)\b",
    ),
    "sit_stand": (
        r"\bsit[\s/-]*(?:to[\s/-]*)?stand(?:ing)?\b", r"\bstanding\b(?! (?:order|meeting))", r"\bstand(?:ing|up)?[\s-]*(?:desk|desks|table|spot)\b",
        r"\bheight[\s-]*adjustable\b", r"\badjustable[\s-]*(?:height|desk)\b", r"\bstand-up desk\b",
    ),
    "quiet": (
        r"\bquiet\b", r"\bsilent\b", r"\bsilence\b", r"\bconcentration[\s-]*(?:spot|desk|area|zone|place|room)?\b",
        r"\bfocus[\s-]*(?:spot|desk|area|zone|room|place)\b", r"\bcalm (?:spot|desk|area|zone|place)\b",
        r"\bno[\s-]*noise\b", r"\blow[\s-]*noise\b",
    ),
}

TOGETHER: tuple[str, ...] = (
    r"\btogether\b", r"\b2gether\b", r"\bnext to each other\b", r"\bside by side\b", r"\bbeside each other\b",
    r"\bclose to each other\b", r"\bnear each other\b", r"\badjacent\b", r"\bas a group\b",
    r"\bin a cluster\b", r"\bneighbou?ring\b", r"\bnext to one another\b",
)

TEAM: tuple[str, ...] = (
    r"\bfor (?:my|our|the)(?: whole| entire| full)? team\b", r"\bfor all of (?:my|our|the) team\b", r"\b(?:my|our|the) team of \d+",
    r"\bteam (?:booking|reservation)s?\b", r"\bfor (?:my|our|the) (?:department|unit|squad)\b",
    r"\b(?:my|our) team (?:needs|wants|is coming|will be)\b",
)

SHARE_EVERYONE: str = r"\b(?:everyone|everybody|all colleagues|all my colleagues|my colleagues|anyone|anybody|all staff|the whole organisation|the whole organization|public|all)\b"
SHARE_TEAM: str = r"\b(?:my|our|the|my whole|our whole|the whole|my entire|the entire) team\b|\bteammates\b|\bmy department\b"
SHARE_NAME_BEFORE: tuple[str, ...] = (r"\bwith\b", r"\bto\b", r"^let\b", r"\bvisible to\b", r"\bshow\b", r"^(?:can|may)\b",
                                      r"^(?=[\w'-]+(?:\s+[\w'-]+){0,3}\s+(?:may|can)\b)")

MOVE_TO: str = r"\b(?:to|into)\b|\bover to\b|\bbut\b"
MOVE_FROM: str = r"\bfrom\b"

COLLEAGUE_BEFORE: tuple[str, ...] = (
    r"\bwhere(?:'s| is| does| will| was| sits| works| sit)\b", r"\bwhere can i find\b", START + r"find\b", START + r"is\b",
    START + r"will\b", START + r"does\b", r"\bwhen (?:is|will|does)\b", r"\blocate\b", r"\blook up\b",
    r"\bwhere do i find\b", r"\bsearch for\b", r"^and\b", r"\bfind (?:my )?colleague\b",
    r"\bhas\b", r"\b(?:know|tell me|see|show me) where\b", r"\bknow (?:if|whether)\b",
    r"\blooking for\b",
)

STOPWORDS: frozenset[str] = frozenset("""
i i'm im me my mine you your he she it they them we us our is are was were be been being sit sits
sitting siting seated working work works in at on to from for with of by the a an this that these those
there here where when who what which how why still also not no yes today tomorrow tonight yesterday
week month next last office home desk desks spot place team colleague colleagues anyone someone
everyone everybody going coming come comes will would could can do does did have has had and or
but so then please pls around free busy available booked find located location now again ever
hey hi hello thanks thank sitting
good fine great ok okay manager boss able allowed
building floor room elevator lift toilet restroom printer canteen entrance reception
""".split())

NAME_PARTICLES: frozenset[str] = frozenset(
    {"van", "de", "der", "den", "el", "al", "la", "le", "da", "dos", "du", "von", "ter", "ten", "bin", "ibn", "o'"})

KEY_WORDS: tuple[str, ...] = (
    "reserve", "cancel", "booking", "bookings", "reservation", "reservations", "reschedule",
    "delete", "export", "availability", "available", "location", "sharing", "colleague",
    "privacy", "download", "checkout", "standing", "monitors", "screens", "booked", "reserved",
    "cancelled", "canceled", "deleted", "exported", "moved", "shared", "reserving", "cancelling",
    "together", "colleagues", "monitor", "reservations",
)

INTENTS: dict[str, tuple[tuple[str, float], ...]] = {
    "book": (
        (r"\b(?:book|books|booking|reserve|reserving|resevre|reseve|resrve|bok|boook|grab|get me"
         r"|hold|secure|sort me out|set me up|sign me up|put me down|save me|arrange|organi[sz]e)\b", 3.0),
        (r"\b(?:" + DESK_NOUNS + r")\b", 1.0),
        (r"\b(?:i need|i'd like|i would like|i want|need a|can i have|could i have|can i get|could i get)\b", 1.5),
        (r"\b(?:i'll be|i will be|i'm coming|i am coming|i'm going|coming)\b.{0,40}\b(?:in|to|at)\b", 1.5),
        (r"\bwork from\b", 1.5),
    ),
    "cancel": (
        (r"\b(?:cancel|cancle|cancell?ed|cancell?ing|cancellation|unbook|un-book|call off|scrap|revoke|withdraw)\b", 4.0),
        (r"\b(?:drop|remove|delete|release|free up|give up|get rid of)\b.{0,30}\b(?:booking|bookings|reservation|reservations|desk|spot|seat)\b", 4.5),
        (r"\b(?:won't|will not|don't|do not) need\b.{0,30}\b(?:desk|spot|seat|it|booking)\b", 3.5),
        (r"\bnot coming\b|\bcan't make it\b|\bcannot make it\b|\bwon't be (?:coming|in|there)\b", 3.5),
        (r"\b(?:can't|cannot|can not|won't|will not|couldn't)\b.{0,6}\b(?:come|make it|be there|be in|go)\b", 3.5),
        (r"\b(?:no longer|don't|do not|won't) need\b", 3.5),
        (r"\bscratch\b.{0,20}\b(?:booking|reservation|desk)\b", 4.0),
        (r"\b(?:i'm|im|i am|i feel|feeling|i'll be|i will be)\b.{0,15}\b(?:sick|ill|unwell)\b|\bcalling in sick\b"
         r"|\bi(?:'m| am)? (?:working|work)\b.{0,15}\bhome\b|\bwfh\b", 2.5),
        (r"\b(?:booking|reservation|desk|spot|seat)\b.{0,40}\b(?:can|may|should) (?:go|be (?:cancell?ed|released|removed|dropped|deleted))\b", 4.0),
    ),
    "move": (
        (r"\b(?:move|moving|moved|shift|shifted|reschedule|rescheduled|postpone|postponed|swap|switch|rebook|push)\b", 4.5),
        (r"\b(?:change|changed|modify|modified|update|amend)\b.{0,60}\b(?:to|into|instead)\b", 4.5),
        (r"\bnot\s+§[^§]{0,20}\bbut\b", 4.5),
        # "can my Wednesday booking go to Thursday (instead)?"
        (r"\b(?:booking|reservation|desk|spot|seat)\b.{0,20}\b(?:go|be|change|switch|become)\b.{0,6}\b(?:to|until)\s+§", 4.6),
    ),
    "list": (
        (r"\b(?:my|upcoming) (?:bookings|reservations|booking|reservation|desks)\b", 2.5),
        (r"\bwhat (?:have|did|do) i\b.{0,20}\b(?:booked|reserved|have)\b", 3.5),
        (r"\bdo i have\b|\bhave i (?:got|booked)\b|\bam i booked\b|\bdid i book\b", 3.5),
        (r"\bwhere (?:am|do|will) i\b.{0,10}\b(?:sit|sitting|be|work|working|seated)\b", 3.5),
        (r"\b(?:show|list|see|view|display|give me)\b.{0,20}\b(?:bookings|reservations|booking|reservation)\b", 3.5),
        (r"\b(?:which|what) days? (?:am|do|will) i\b|\bwhen (?:am|will) i (?:in|at|booked)\b", 3.6),
        (r"\bmy (?:schedule|planning|agenda)\b", 3.5),
        (r"\bwhere(?:'s| is| are) my (?:booking|bookings|reservation|reservations|desk|desks|spot)\b", 3.6),
        (r"\bwhat's booked\b|\bwhat is booked\b|\banything booked\b", 3.5),
        (r"\b(?:any|anything|what) (?:bookings?|reservations?|booked)\b.{0,20}\b(?:for me|i have|of mine)\b", 4.2),
    ),
    "availability": (
        (START + r"(?:and )?(?:is|are|r) (?:there|it)\b(?! possible)", 3.5),
        (r"\b(?:how busy|how full|how crowded|how many|how much room|how much space)\b", 3.5),
        (r"\b(?:availability|occupancy)\b", 3.5),
        (r"\b(?:free|available|left|busy|full|fully booked|fully bookd|crowded|packed|space|room|vacant|open|closed)\b", 1.0),
        (r"\bwhat (?:does|will)\b.{0,40}\blook like\b|\bhow does\b.{0,40}\blook\b", 3.5),
        (r"(?:^|[!.,?]\s*)any\b", 3.0),
        (START + r"(?:are|is)\b.{0,80}\b(?:free|available|left|vacant)\b", 3.5),
        (r"(?:\b(?:do|does) (?:you|u|ya|it) (?:still )?(?:have|got)\b|\bhave (?:you|u) (?:still )?got\b"
         r"|\bgot any\b)(?!.{0,60}\bfor me\b)", 3.5),
    ),
    "find_colleague": (
        (r"\b(?:which|who) (?:of|from|in) (?:my|our|the) (?:team|teammates|colleagues|department)\b", 4.5),
        (r"\bwhich (?:of my )?(?:teammates|colleagues|team members)\b", 4.5),
        (r"\b(?:is|are) (?:there )?(?:anyone|anybody|someone|people|colleagues)\b.{0,6}\b(?:from|of|in) (?:my|our|the) (?:team|department)\b", 4.6),
        (r"\bwho(?:'s| is| are) (?:in|coming)\b.{0,40}\b(?:team|colleagues)\b", 4.0),
        (r"\bfind (?:a |my )?colleague\b", 4.0),
        (r"^(?:is|are|will)\b.{0,6}\b(?:my|our|the) (?:whole |entire )?(?:team|teammates)\b.{0,6}\b(?:be )?(?:in|there|coming in|in the office|at the office)\b", 4.6),
        (r"\bwho(?:'s| is| are| will be)\b.{0,6}\b(?:in|at|sitting|coming|there|here|working)\b", 4.0),
    ),
    "share_location": (
        (r"\b(?:share|sharing|shared)\b.{0,40}\b(?:location|locaton|desk|spot|seat|where i|place|workplace|workspace|whereabouts|position)\b", 4.0),
        (r"\b(?:location|desk|spot|seat|where i sit)\b.{0,30}\b(?:sharing|shared)\b", 4.0),
        (r"\bvisible\b", 3.5),
        (r"\bshow\b.{0,20}\b(?:desk|location|spot|seat|whereabouts)\b.{0,10}\bto\b", 4.0),
        (r"\b(?:let|allow)\b.{0,30}\b(?:see|know|find)\b.{0,20}\bwhere i\b", 4.0),
        (r"\b(?:let|allow)\b.{0,30}\bsee\b.{0,10}\b(?:my|where)\b", 4.0),
        (r"\b(?:may|can|could|are allowed to|is allowed to)\s+(?:see|know)\b.{0,12}\bwhere i(?:'m| am)?\s+(?:sit|sitting|work|working|am)\b", 4.0),
        (r"\b(?:turn|switch) on\b.{0,20}\bsharing\b|\bsharing on\b|\benable\b.{0,20}\bsharing\b", 4.5),
        (r"\b(?:can|may) see (?:my|where)\b", 3.0),
        (r"^(?:can|may)\s+[\w'-]+(?:\s+[\w'-]+)?\s+see\s+(?:my|where)\b", 3.8),
        (r"\b(?:want|like|would like)\b.{0,30}\bto (?:see|know) (?:my|where)\b", 3.8),
        (r"\b(?:show|tell)\b.{0,30}\bwhere (?:i|i'm|im|i am) (?:sit|sitting|am|work|working|be)?\b", 4.0),
    ),
    "stop_sharing": (
        (r"\b(?:stop|stopped|end|quit)\b.{0,20}\b(?:sharing|share|showing)\b", 5.0),
        (r"\b(?:turn|switch|toggle) off\b.{0,30}\b(?:sharing|location)\b|\bsharing off\b|\b(?:disable|deactivate)\b.{0,20}\bsharing\b", 5.0),
        (r"\b(?:turn|switch) (?:location )?sharing off\b", 5.0),
        (r"\bhide\b|\binvisible\b|\bunshare\b|\bgo dark\b|\bincognito\b", 4.5),
        (r"\b(?:don't|do not|no longer|doesn't|not)\b.{0,30}\b(?:see|know|share)\b.{0,40}\b(?:anymore|any more|no more)\b", 5.0),
        (r"\b(?:don't|do not|no longer)\b.{0,20}\b(?:want|wish|like) to be (?:found|seen|visible|tracked|located)\b", 5.0),
        (r"\bno longer\b.{0,30}\b(?:see|share|visible)\b|\bnobody\b.{0,20}\bsee\b|\bno one\b.{0,20}\bsee\b", 5.0),
    ),
    "team_day": (
        (r"\bteam[\s-]?days?\b|\bteam[\s-]?day\b|\bteam ?meet ?up\b|\boffice day\b.{0,20}\bteam\b", 5.0),
        (r"\bwhen can (?:my|our|the) team\b|\bwhen can we (?:all )?(?:meet|sit|be)\b", 5.0),
        (r"\bwhen (?:is|are|will)\b.{0,12}\b(?:whole|entire|full) team\b", 5.0),
        (r"\bteam\b.{0,40}\btogether\b", 3.6),
        (r"\b(?:which|what) days?\b.{0,40}\b(?:team|together)\b.{0,30}\b(?:team|together)\b", 4.5),
        (r"\b(?:which|what) days?\b.{0,20}\b(?:works?|suits?|is best|is good|would work)\b.{0,30}\bteam\b", 4.8),
        (r"\b(?:whole|entire|full) team\b.{0,20}\b(?:to )?(?:come in|be in|be at the office|in the office)\b", 4.8),
        (r"\bteam\b.{0,30}\b(?:meet up|get together|sit together|in the office together)\b", 4.0),
        (r"\b(?:best|good|suitable|ideal) day\b.{0,40}\b(?:team|together)\b", 4.5),
        (r"\b(?:plan|organi[sz]e|schedule|find|pick|choose)\b.{0,40}\bday\b.{0,40}\b(?:team|together)\b", 4.5),
        (r"\bwith (?:the|my|our|the whole) team\b.{0,30}\b(?:meet|get together|together|in the office)\b", 4.5),
    ),
    "check_in": (
        (r"\bcheck (?:me |myself )?in\b|\bcheck-?in\b(?!s)|\bchecking in\b", 4.5),
        (START + r"(?:i'm|i am|im) (?:here|there|in|at the office|at my desk|at the desk|in the office)\b", 4.0),
        (r"\b(?:just )?(?:arrived|got here|got in)\b|\bjust got (?:to|into|at)\b|\bi've arrived\b", 4.0),
        (r"\b(?:i'm|i am|im) at my (?:desk|spot|seat)\b|\bat my desk\b|\bi'm in\b", 4.0),
    ),
    "check_out": (
        (r"\bheading off\b|\boff for the day\b|\bcalling it (?:a day|quits)\b", 4.0),
        (r"\bcheck (?:me |myself )?out\b|\bcheck-?out\b|\bchecking out\b", 4.5),
        (r"\bi go home\b|\boutta here\b|\bout of here\b|\b(?:leaving|heading home|going home|heading out|off home|i'm off|im off|i'm out|clocking out|signing off|logging off|calling it a day)\b", 4.0),
        (r"^(?:bye|goodbye|see you|see ya|cya|later|ciao)\b", 2.5),
        (r"\b(?:done|finished) for (?:the day\b|today\b|§)|\bleaving for t(?:he|eh) day\b", 4.0),
    ),
    "privacy": (
        (r"\bprivacy\b|\bgdpr\b|\bavg\b|\bdata protection\b|\bpersonal data\b|\bdpo\b", 3.5),
        (r"\bwhat (?:data|information|info|personal)\b.{0,30}\b(?:store|keep|collect|have|hold|save)\b", 4.0),
        (r"\b(?:track|tracking|tracked|monitored|monitoring|spy|spying|surveil\w*)\b", 3.6),
        (r"\bwho (?:has|have|gets|can get) access\b", 4.8),
        (r"\bmy (?:data|information|info|details)\b.{0,20}\b(?:safe|secure|shared|sold|used|stored)\b", 3.8),
        (r"\bwhat do you know about me\b", 4.0),
        (r"\bwhat happens (?:to|with) (?:my|our) (?:data|information|info|details|personal)", 4.5),
        (r"\bwho can see\b|\bwho sees\b|\bcan (?:my )?(?:manager|boss)\b|\bwho can (?:i|we) share\b", 4.6),
        (r"\bhow long\b.{0,30}\b(?:keep|store|retain)\b|\bretention\b", 4.0),
        (r"\bwhat do you (?:do|store|keep)\b.{0,20}\b(?:data|with my|about me)\b", 4.0),
    ),
    "export_data": (
        (r"\b(?:export|download|portability|takeout)\b", 4.0),
        (r"\b(?:send|give|email|mail)\b.{0,20}\b(?:copy|all my data|my data|my personal)\b", 4.2),
        (r"\b(?:send|give|email|mail|show)\b.{0,40}\ball (?:the |of the |my )?(?:data|information|info|personal data)\b.{0,30}\b(?:me|mine)\b", 4.2),
        (r"\b(?:subject )?access request\b|\bsar\b|\bdsar\b|\bcopy of (?:all )?my\b", 4.5),
        (r"\beverything you (?:have|know|store|hold) (?:on|about) me\b", 3.0),
        (r"\baccess to (?:all )?(?:my|the) (?:data|information|info|personal)", 4.5),
        (r"\b(?:see|view|access|get|have)\b.{0,10}\ball (?:of )?my (?:data|information|info|personal data)\b", 4.2),
    ),
    "delete_data": (
        (r"\b(?:delete|erase|remove|wipe|purge|destroy)\b.{0,40}\b(?:data|account|profile|information|info|everything|all about me|me)\b", 4.8),
        (r"\bforget (?:me|about me|all about me|everything about me)\b|\bright to be forgotten\b|\berasure\b|\bbe forgotten\b", 4.8),
        (r"\bclose my account\b|\bunsubscribe\b", 4.0),
        (r"\b(?:throw away|throw out|get rid of|bin|trash|scrap)\b.{0,30}\b(?:data|account|profile|information|info)\b", 4.8),
    ),
    "help": (
        (r"\bhelp\b|\bmanual\b|\binstructions\b|\bcommands\b|\bhow does (?:this|it) work\b", 3.0),
        (r"\bwhat can (?:this bot|the bot|it|this thing) do\b|\bwhat does (?:this bot|the bot|it) do\b", 4.0),
        (r"\bwhat can you do\b|\bwhat do you do\b|\bwho are you\b|\bwhat are you\b", 4.0),
        (r"\bhow (?:do|can|should) i (?:use|book|cancel|reserve|start|move|share|check)\b", 4.6),
        (r"\b(?:can't|cannot|can not|unable to) (?:check in|check out|book|reserve|cancel)\b"
         r"|\b(?:check-?in|checking in|booking|reserving) (?:doesn't|does not|isn't|is not|won't) work", 4.8),
        (r"\bwhat (?:should|can|do|must) i (?:type|say|ask|write|enter)\b", 4.0),
        (r"\bhow are you\b|^what's up\b|^how's it going\b", 2.0),
        (START + r"(?:thanks|thank you|thx|ty|cheers|much appreciated|great,? thanks)\b", 2.0),
        (r"\bhow does this\b|\bhow do you work\b|\bi'm lost\b|\bconfused\b|\bdon't understand\b", 3.0),
        (r"^(?:hi+|hello|hey|hiya|yo|howdy|good (?:morning|afternoon|evening)|greetings|morning|dear)\b", 0.6),
    ),
    "confirm": (
        (r"^(?:yes+|yeah|yep|yup|ya|yea|ok|okay|okey|k|sure|fine|great|perfect|correct|right|exactly"
         r"|confirm|confirmed|agreed|absolutely|definitely|sounds good|go ahead|do it|please do"
         r"|of course|certainly|yes please|please do|looks good|perfect"
         r"|that's (?:right|correct|fine|good|it|perfect)|that is (?:right|correct)|alright|all right|cool)\b", 3.0),
        (r"\b(?:go ahead|do it|book it|go for it|proceed|confirm)\b", 2.0),
    ),
    "deny": (
        (r"^(?:no,? )?(?:not needed|no need|not necessary)\b", 4.0),
        (r"^(?:no+|nope|nah|nay|nvm|no thanks|no thank you|not really|never ?mind|nevermind|forget it|cancel that|don't|do not|stop|wrong)\b", 4.0),
        (r"^(?:that's|that is|this is) (?:not right|not correct|wrong|incorrect)\b|\bnot what i (?:want|asked|meant)\b", 4.0),
        (r"\bnever ?mind\b|\bforget (?:it|that|about it)\b|\bdon't (?:book|do) it\b|\bthat's wrong\b|\bthat is wrong\b|\bnot that\b", 4.0),
    ),
    "unknown": (
        (r"\b(?:meeting ?rooms?|conference ?rooms?|board ?room|parking|car ?park|park(?:ing)? (?:spot|space|place)"
         r"|bike|locker|flights?|train tickets?|trains?|ticket|tiket|taxi|cab|uber|hotel|restaurant|table for|lunch|dinner|canteen"
         r"|cafeteria|coffee|weather|joke|match|football|leave request|vacation days?|holiday request|laptop"
         r"|wifi|wi-fi|password|printer|salary|pizza|groceries|meetings?|reminders?|cars?|rental car|music|song)\b", 6.0),
        (r"\bwhat time\b", 4.0),
        (r"\bdrop table\b|\bselect\b.{0,40}\bfrom\b|\binsert into\b|<\s*script|;\s*--|\bunion select\b", 8.0),
    ),
}


# Team features (issue 7), extra frame fields only: act -> patterns on the text as written
# (case-insensitive); a ``name`` group is the colleague.
# A seat of a team's group booking, and where a name given a seat ends (a day follows).
_SEAT = r"(?:open |free |spare )?(?:seat|desk|spot|place)"
_NAME_END = (r"(?=\s+(?:on|for|this|next|tomorrow|today|monday|tuesday|wednesday|thursday|friday|\d)\b"
             r"|\s*[?.!,]*\s*$)")
_NOT_A_NAME = r"(?!(?:me|us|myself|you|yourself|him|her|them|someone|somebody|a|an|the|one|it)\b)"
_GROUP_BOOKING = r"(?:group|team) (?:booking|reservation)s?"

ACTS: tuple[tuple[str, str], ...] = (
    # the booker gives an open seat to a named member: "assign a seat to Sanne", "give Jan the seat"
    ("seat_assign", r"\b(?:assign|give|allocate) (?:a|an|one|the|that|this|1) " + _SEAT + r" to (?P<name>.{1,60}?)" + _NAME_END),
    ("seat_assign", r"\b(?:assign|give|allocate) " + _NOT_A_NAME + r"(?P<name>.{1,60}?) (?:a|an|one|the|that|this|1) " + _SEAT + r"\b"),
    # a member accepts the seat booked for them: "accept my seat", "I accept the desk"
    ("seat_accept", r"\baccept (?:the|my|that|this) (?:seat|desk|spot|place)\b"),
    # the booker's overview of their group bookings: "show my group booking", "who accepted?"
    ("seat_status", r"\b(?:status|overview|show|how is|how's)\b.{0,30}\b" + _GROUP_BOOKING + r"\b"),
    ("seat_status", r"^\s*(?:my|our) " + _GROUP_BOOKING + r"\s*\??\s*$"),
    ("seat_status", r"\bhow are the (?:seats|desks) (?:of|for) (?:my|our|the) team\b"),
    ("seat_status", r"^\s*who (?:has |have )?(?:already )?(?:accepted|claimed|declined)\b"),
    ("team_add", r"\badd (?P<name>.{1,60}?) to (?:my|our|the) team\b"),
    ("team_remove", r"\bremove (?P<name>.{1,60}?) from (?:my|our|the) team\b"),
    ("team_remove", r"^(?P<name>.{1,60}?) (?:left|has left|is no longer in) (?:my|our|the) team\b"),
    ("team_list", r"^\s*who(?:'s| is| are)? (?:all )?(?:in|on) (?:my|our) team\s*\??\s*$"),
    ("team_list", r"^\s*(?:show )?(?:my|our) team(?: members)?\s*\??\s*$"),
    ("claim", r"\bi(?:'ll| will)? take (?:one|a seat|a desk|that seat|it)\b|\bclaim (?:a|one|my|that) (?:seat|desk)\b"),
    ("vote", r"^\s*(?:i )?vote(?: for)?(?: option| day| number)? ?(?P<name>\d{1,2})\s*[.!]?\s*$"),
    ("waitlist", r"\bwait ?(?:ing )?list\b"),
    ("remind_off", r"\bno (?:more )?reminders?\b|\breminders? off\b|\bstop (?:the )?reminders?\b|\bturn off reminders?\b"),
    ("remind_on", r"\bremind me\b|\breminders? on\b|\bsend me (?:a )?reminders?\b|\bturn on reminders?\b"),
)
RECURRING: str = r"\b(?:every|each) (?:monday|tuesday|wednesday|thursday|friday|week|weekday|working day)\b|\bweekly\b"
