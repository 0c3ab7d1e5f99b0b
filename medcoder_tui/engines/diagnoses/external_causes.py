"""External causes of an injury from the External Cause Index (guideline I.C.20).

Beside an injury code, a coder reports how it happened (V00-X58, assault X92-Y09),
and at the initial encounter only, where (Y92), doing what (Y93) and in what status
(Y99). The terms come from the official External Cause Index (``codes.index_data``),
not from hand lists: a row of the index matches a sentence of the note when the
sentence holds its main term and its last subterm, and the intermediate subterms
it holds break ties (more is more specific). Prepositional subterms ("from, off,
out of") are optional. Only sentences that tell the injury's story are read (the
chief complaint, the history, the assessment), never negated or hypothetical words.
Y99.9 is never proposed (I.C.20.k: not when the status is not stated).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from medcoder_tui.codes.text import STOPWORDS, stem
from medcoder_tui.codes.text import fold as _fold
from medcoder_tui.engines.analysis.clinical_text import LIST_MARKER, NoteAnalysis

_WORD = re.compile(r"[a-z0-9]+")
_IRREGULAR = {"fell": "fall", "bitten": "bite", "bit": "bite", "hit": "struck", "strike": "struck",
              "burnt": "burn", "stung": "sting", "collided": "collision", "crashed": "collision",
              "caught": "catch", "thrown": "throw", "threw": "throw", "ran": "run", "swam": "swim",
              "rode": "ride", "drove": "drive", "driving": "drive", "mvc": "collision", "mva": "collision", "icy": "ice",
              "glasses": "eyewear", "sunglasses": "eyewear", "eyeglasses": "eyewear", "goggles": "eyewear",
              # ("Fight (hand) (fists) (foot)": a fistfight is the index's fight)
              "fistfight": "fight", "fistfights": "fight", "fisticuffs": "fight"}
# Main terms that frame their subterms ("Contact, with, knife"; "Accident, transport, car occupant"):
# a note names the object or the vehicle, not the frame.
_FRAMES = frozenset({"contact", "accident"})
_MOTOR_VEHICLE = re.compile(r"\bmv[ac]s?\b", re.I)
_PREPOSITIONS = frozenset("from off out of in on into onto with by at against under over to".split())
_STORY_SECTIONS = frozenset({None, "chief_complaint", "hpi", "assessment_plan", "impression", "diagnoses",
                             "hospital_course"})
# An activity is what the patient was doing: the words after "while", "during", "playing"...
# ("when she slipped on the wet tile floor" tells the event; "when running for the bus" the activity)
_ACTIVITY_CUE = re.compile(r"\b(?:while|during|when(?= \w+ing\b)|playing|doing|pick-?up(?= (?:game|\w*ball))|"
                           r"(?:was|were)(?= \w+ing\b))\b"
                           r"(?=([^.,;:()]{0,60}))", re.I)
# A place is where the patient was: the words after "at", "in", "on"... ("by car" is no place).
# (and a possessive "of": "cleaning the gutters of her own house (single-family home)")
_PLACE_CUE = re.compile(r"\b(?:at|in|on|inside|outside|near|onto|into|off|from|behind|across|within|around|"
                        r"of(?= (?:her|his|their|the patient's|pt's) )|out of(?= (?:the |his |her |their )?bed\b))"
                        r"\b(?=([^.,;:]{0,40}))",
                        re.I)
# A line that names the place outright ("Place: garden of his house", "Location of injury: kitchen")
_PLACE_LABEL = re.compile(r"\s*(?:place|location|site)(?: of (?:occurrence|injury|event|incident))?\s*:\s*(.+)", re.I)
# A line that tells the injury's story in items ("Mechanism: collision with another player with fall, soccer game,
# park soccer field"): its items name the place and the activity as well as the cause
_MECHANISM_LABEL = re.compile(r"\s*(?:\d{1,2}[.)]\s*)?(?:mechanism(?: of injury)?|moi|injury|external causes?)\s*:\s*(.+)", re.I)
# How many distinct story sentences are read for the external causes of one note.
_STORY_BUDGET = 800
# Below this a match rests on one word with the rest of its index path missing.
MIN_SCORE = 0.5
_STATUS = (
    # (not "employer" alone: "Tdap 09/2023 (employer record)" tells no work injury)
    (re.compile(r"\b(?:at work|on the job|while working|work[- ]related|workplace|on duty|on the clock|"
                r"workers'? comp\w*|(?:for|by|at) (?:his|her|their|the|an?) employer|"
                r"employer'?s (?:premises|site|property|warehouse|store|shop))\b", re.I),
     "Y99.0", "work-related injury documented"),
    # (not an airbag's or a device's deployment: "front and side curtain airbag deployment")
    (re.compile(r"\b(?:military|active duty|(?<!airbag )(?<!air bag )(?<!airbags )deployment)\b", re.I), "Y99.1",
     "military activity documented"),
    (re.compile(r"\bvolunteer(?:ing)?\b", re.I), "Y99.2", "volunteer activity documented"),
    (re.compile(r"\b(?:leisure|recreational|hobby|for fun|playing|sports?)\b", re.I), "Y99.8",
     "leisure activity documented"),
)


def takes_external_cause(code: str) -> bool:
    """Injuries, burns, frostbite, effects of heat, cold, pressure, asphyxiation and other external
    causes, maltreatment and traumatic complications (S00-T34, T66-T76, T79). Poisonings and adverse
    effects (T36-T65) already name their cause and intent (guideline I.C.19.e), and an allergy or
    adverse effect not elsewhere classified (T78) names no injury mechanism."""
    # (an asphyxiation by smothering, strangling or hanging, T71.1-, names its intent as a poisoning does)
    return code[:1] == "S" or "T00" <= code[:3] <= "T34" or ("T66" <= code[:3] <= "T76" and code[:5] != "T71.1") \
        or code[:3] == "T79"


def norm(word: str) -> str:
    """One word as the index spells it: irregular verbs, -ing and -ed forms, plurals."""
    word = _IRREGULAR.get(word, word)
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) > len(suffix) + 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "ls":
                word = word[:-1]      # tripped -> trip, but falling -> fall
            break
    return stem(word)


def words_of(text: str) -> frozenset[str]:
    return frozenset(norm(w) for w in _WORD.findall(_fold(text)) if w not in STOPWORDS)


Parts = tuple[frozenset[str], ...]   # a subterm's comma-separated spellings, each a set of words


@dataclass(frozen=True)
class _Entry:
    kind: str                                  # cause, place, activity
    main: Parts                                # the main term ("Fall, falling")
    inner: tuple[Parts, ...]                   # intermediate subterms
    leaf: Parts                                # the last subterm
    path: tuple[str, ...]
    codes: tuple[str, ...]                     # billable codes, or stems that take a 7th character
    modifiers: tuple[Parts, ...] = ()          # the main term's nonessential words ("Slipping (with fall)")
    from_frame: bool = False                   # a subterm "from, off, out of": the note says the fall was off a thing


# the index's inverted adjectives ("Contact, with, engine, hot NEC", "pipe, pressurized", "arthropod, nonvenomous")
_INVERTED_ADJECTIVE = re.compile(r"(?:hot|cold|pressurized|nonvenomous|venomous|powered|nonpowered|heated)(?: NEC)?",
                                 re.I)


def _parts(term: str) -> Parts:
    """'Fall, falling' -> ({fall}, {fall}); 'from, off, out of' -> () (prepositions only)."""
    out = []
    pieces: list[str] = []
    for part in term.split(","):
        if pieces and _INVERTED_ADJECTIVE.fullmatch(part.strip()):
            pieces[-1] += " " + part   # "engine, hot NEC" is a hot engine, not an engine or anything hot
        else:
            pieces.append(part)
    for part in pieces:
        for spelling in _alternatives(part):
            # ("climbing NEC": not elsewhere classified is the index's remark, not a word a note says)
            words = frozenset(w for w in words_of(spelling) if w not in _PREPOSITIONS
                              and not (w == "nec" and spelling.strip().lower() != "specified nec"))
            if words and words not in out:
                out.append(words)
    return tuple(out)


def _alternatives(part: str) -> list[str]:
    """'local residential or business street' -> that, 'residential street', 'business street';
    'ice or snow' -> 'ice', 'snow'."""
    if " or " not in part:
        return [part]
    left, right = part.split(" or ", 1)
    head = right.split()[-1] if right.split() else ""
    left_words = left.split()
    if len(right.split()) == 1 and len(left_words) == 1:
        return [left, right]   # "ice or snow": either word
    if len(right.split()) < 2 or not left_words:
        return [part]
    return [f"{left} {head}", f"{left_words[-1]} {head}", right]


def _held(parts: Parts, words: frozenset[str]) -> bool:
    """Some spelling of the subterm is wholly in ``words``."""
    return any(p <= words for p in parts)


@lru_cache(maxsize=1)
def _entries() -> tuple[_Entry, ...]:
    from medcoder_tui.codes.index_data import external_cause_index

    index = external_cause_index()
    out: list[_Entry] = []
    # Rows share their ancestors' terms: one string and one Parts per distinct term, not per row
    # (6,600 entries held 11 MB with a copy of each ancestor's words and text in every row).
    parts_of: dict[str, Parts] = {}
    terms: dict[str, str] = {}

    def _shared_parts(term: str) -> Parts:
        got = parts_of.get(term)
        if got is None:
            got = parts_of[term] = _parts(term)
        return got

    told_by: dict[int, tuple[frozenset[str], ...]] = {}   # a main term's nonessential modifiers, by its row

    def _modifiers(i: int) -> tuple[frozenset[str], ...]:
        while index.rows[i].get("u", -1) != -1:
            i = index.rows[i]["u"]
        got = told_by.get(i)
        if got is None:
            groups = re.findall(r"\(([^()]*)\)", index.rows[i].get("f") or "")
            got = told_by[i] = tuple(w for w in (frozenset(words_of(g)) - _PREPOSITIONS - {"accidental"}
                                                 for g in groups) if w)
        return got

    for i, row in enumerate(index.rows):
        path = [terms.setdefault(t, t) for t in index.path(i)]
        codes = index.codes(i)
        top = path[0].lower()
        kind = "place" if top.startswith("place of occurrence") else "activity" if top == "activity" else \
            "status" if "status" in top else "cause"
        if not codes or kind == "status" or (len(path) < 2 and kind != "cause"):
            # the status is read from the note's own words (_STATUS); "Place of occurrence" alone
            # is Y92.9, never reported when the place is not stated (I.C.20.b)
            continue
        leaf = _shared_parts(path[-1])
        if not leaf:
            continue
        if kind == "activity" and " and " in path[-1]:
            # "Activity, cooking and baking": either activity is the row's ("while cooking at work"); in "floor
            # mopping and cleaning" and "survival training and testing" the object is both gerunds' (a floor's
            # cleaning: cleaning gutters is no floor's)
            sides = path[-1].split(" and ")
            left, right = sides[0].split(), sides[-1].split()
            if len(sides) == 2 and len(left) >= 2 and len(right) == 1 and left[-1].endswith("ing") \
                    and right[0].endswith("ing"):
                sides[-1] = f"{left[0]} {right[0]}"
            leaf = leaf + tuple(w for w in (frozenset(words_of(side)) - _PREPOSITIONS
                                            for side in sides) if w and w not in leaf)
        inner = tuple(p for p in (_shared_parts(t) for t in path[1:-1]) if p)
        from_frame = len(path) > 2 and _FROM_FRAME.fullmatch(path[1].strip()) is not None
        out.append(_Entry(kind, _shared_parts(path[0]), inner, leaf, tuple(path), tuple(codes), _modifiers(i),
                          from_frame))
    return tuple(out)


_FROM_FRAME = re.compile(r"(?:from|off|out of)(?:,\s*(?:from|off|out of))*", re.I)
# the words a "from" puts its object in: "fell off the toilet", "from the top of a 6-ft ladder", "down 3 steps"
_ON_WHAT = re.compile(r"\b(?:on|onto|over)\s+((?:[a-z0-9'/-]+\s*){1,5})", re.I)
_OFF_WHAT = re.compile(r"\b(?:from|off|out of|down|up(?= (?:the |a |\d+ )?(?:stairs|steps|flight)))\s+"
                       r"((?:[a-z0-9'/-]+\s*){1,5})", re.I)


def _shared_object(entry: _Entry) -> Parts:
    """The object of a "Fall, from, <object>, <detail>" row ("stairs, steps" of "..., stairs, steps, curb")."""
    return entry.inner[0] if entry.inner else ()


# household things whose names share the stem of a sport the Index lists by its gerund (bowling, boxing, fishing)
_THINGS_NOT_SPORTS = frozenset({"bowl", "bowls", "box", "boxes", "fish"})


def _activity_words(text: str) -> frozenset[str]:
    """The words of what the patient was doing; a thing that shares a sport's stem names no sport ("putting down
    the food bowl for her dog" is no bowling, "carrying a box" no boxing)."""
    return words_of(" ".join(w for w in _WORD.findall(_fold(text)) if w not in _THINGS_NOT_SPORTS))


@lru_cache(maxsize=1)
def _entries_by_word() -> dict[str, tuple[_Entry, ...]]:
    """Entries by each word that can start a match: a leaf word, or a bare main term's head word."""
    out: dict[str, list[_Entry]] = {}
    for entry in _entries():
        keys = entry.main[0] if len(entry.path) == 1 else {w for part in entry.leaf for w in part}
        for w in keys:
            out.setdefault(w, []).append(entry)
    return {w: tuple(es) for w, es in out.items()}


def _score(entry: _Entry, words: frozenset[str]) -> float | None:
    """How well a sentence's words hold an index row: its last subterm, then its other subterms."""
    # a bare main term ("Fall, falling": W19) scores below any of its subterms
    leaf = max((len(p) for p in entry.leaf if p <= words), default=0) if len(entry.path) > 1 else 0.5
    if not leaf and entry.kind == "place" and entry.path[-1] == "specified NEC" and words & _ROOMS \
            and not words & _LISTED_ROOMS:
        leaf = 1   # "the living room of her house": the index's other place in a single-family house
    if not leaf:
        return None
    # the main term's head word ("Fall" of "Fall, falling"; "Insolation" of "Insolation, effects"),
    # except for the index's frames, which notes leave out ("cut with a knife": Contact, with, knife)
    if entry.kind == "cause" and any(parts == (_THROUGH,) for parts in entry.inner) and "through" not in words:
        return None   # "fell to the floor" is no fall through the floor (W13.3)
    frame = entry.main[0] <= _FRAMES
    if entry.kind == "cause" and not frame and not entry.main[0] <= words:
        return None
    # A cause's intermediate subterm counts by the share of its best spelling's words the sentence
    # holds ("car occupant" for a driver's car); a place's only when whole, so that "home" does not
    # make a kitchen a mobile home's.
    if entry.kind == "cause":
        # "motor vehicle" and "occupant" are in every transport row: they say nothing of which vehicle
        held = sum(max(len((p - _GENERIC_VEHICLE) & words) / max(len(p - _GENERIC_VEHICLE), 1) for p in parts)
                   for parts in entry.inner)
    else:
        held = sum(1 for parts in entry.inner if _held(parts, words))
    # "collision, motor vehicle NOS" is for a vehicle the note does not name: "car driver vs car"
    # (an "MVC" read as "motor vehicle") is the collision with a car
    nos = 1.25 if entry.kind == "cause" and entry.path[-1].endswith(" NOS") and len(words & _VEHICLES) \
        and entry.leaf and not any(p & _VEHICLES for p in entry.leaf) else 0.0
    # "at home" names the residence, a room of it ("kitchen at home") the place within it
    home = 0.25 if entry.kind == "place" and all(p <= _DWELLING for p in entry.leaf) else 0.0
    # "slipped on ice and fell": "Slipping (on same level) (with fall), on ice" says the fall too, and
    # is the index's entry for it (W00.0), not "Fall, due to ice or snow" (W00.9)
    told = 0.25 if entry.kind == "cause" and any(m <= words for m in entry.modifiers) else 0.0
    # a place's missing subterm is another place ("on the ice" is no ice skating rink)
    missing = (1.0 if entry.kind == "place" else 0.5) * (len(entry.inner) - held)
    return leaf + held - missing - (0.25 if frame and not entry.main[0] <= words else 0) \
        - home - nos + told


@dataclass(frozen=True)
class ExternalCause:
    code: str
    kind: str          # cause, place, activity, status
    start: int
    end: int
    why: str


# A foreign body entering a natural orifice (eye, ear, nose, airway, gut: T15-T19) is W44 by its material; iron
# and steel (a grinder's or a welder's fragment, a rust ring) are the magnetic metals
_FOREIGN_BODY_MATERIALS = (
    (re.compile(r"\bbutton batter(?:y|ies)\b", re.I), "W44.A1", "a button battery"),
    (re.compile(r"\bbatter(?:y|ies)\b", re.I), "W44.A0", "a battery"),
    (re.compile(r"\b(?:steel|iron|rust(?:y)? ring|rust\b|grind\w*|weld\w*|magnet\w*|metal (?:filing|shaving)s?)", re.I),
     "W44.D9", "a magnetic metal object (iron or steel)"),
    (re.compile(r"\b(?:coins?|penny|pennies|nickel|dime|quarter)\b", re.I), "W44.E2", "a coin"),
    (re.compile(r"\b(?:broken glass|glass (?:shard|fragment|sliver)s?|shards? of glass)\b", re.I), "W44.C1",
     "sharp glass"),
    (re.compile(r"\bglass\b", re.I), "W44.C0", "glass"),
    (re.compile(r"\b(?:insects?|bugs?|gnats?|moths?|beetles?|cockroach\w*|ticks?)\b", re.I), "W44.F4", "an insect"),
    (re.compile(r"\b(?:food|popcorn|kernels?|peanuts?|seeds?|beans?|fish ?bones?|chicken bones?|meat|food bolus|"
                r"grapes?|hot dog|nuts?)\b", re.I), "W44.F3", "food"),
    (re.compile(r"\b(?:wood(?:en)?|splinters?|sawdust|plant|leaf|twig|thorn|vegetable matter)\b", re.I), "W44.F9",
     "natural or organic material"),
    (re.compile(r"\b(?:plastic )?beads?\b", re.I), "W44.B1", "a plastic bead"),
)
# the sentences that tell the foreign body (not "NKFA: no food allergies" or "removed with a 25 g needle")
_FOREIGN_BODY_TOLD = re.compile(r"\b(?:foreign body|fb|swallow\w*|ingest\w*|aspirat\w*|inserted|stuck|lodged|flew|fly|put|pushed|shoved|"
                                r"flying|blew|blown|embedded|grind\w*|weld\w*)\b", re.I)


def foreign_body_cause(note: str, seventh: str) -> ExternalCause | None:
    """The W44 code of a foreign body in a natural orifice, by the first material the note names (None when it
    names none)."""
    told = [(m.start(), m.end()) for m in re.finditer(r"[^.\n]+", note) if _FOREIGN_BODY_TOLD.search(m.group(0))
            and not re.search(r"(?i)\b(?:removed|lifted|extracted)\s+(?:\w+\s+){0,3}with\b", m.group(0))]
    for rx, code, what in _FOREIGN_BODY_MATERIALS:
        if (m := next((f for start, end in told if (f := rx.search(note, start, end))), None)) is not None:
            return ExternalCause(f"{code}X{seventh}", "cause", m.start(), m.end(),
                                 f"foreign body entering a natural orifice, {what} (W44 by material)")
    return None


_KIND_OF = {norm(w): kind for w, kind in (
    ("coffee", "drink"), ("tea", "drink"), ("cocoa", "drink"), ("chocolate", "drink"), ("soup", "food"),
    ("broth", "food"), ("noodles", "food"), ("grease", "fat"), ("bacon", "fat"),
    # a car is a four-wheeled vehicle for up to seven persons (V40-V49)
    ("sedan", "car"), ("suv", "car"), ("hatchback", "car"), ("coupe", "car"), ("automobile", "car"),
    ("minivan", "car"), ("station wagon", "car"),
    # what the index's "striking against furniture" means by furniture
    ("table", "furniture"), ("chair", "furniture"), ("desk", "furniture"), ("dresser", "furniture"),
    ("couch", "furniture"), ("sofa", "furniture"), ("nightstand", "furniture"), ("bookcase", "furniture"),
    ("bookshelf", "furniture"), ("armchair", "furniture"), ("recliner", "furniture"), ("cabinet", "furniture"))}
# a hot liquid and the vessel that held it ("pan of hot cooking oil", "pot of boiling water", "kettle of water")
_HOT_CONTENTS = frozenset(norm(w) for w in ("oil", "fat", "grease", "water", "drink", "food", "coffee", "tea", "soup"))
_VESSELS = frozenset(norm(w) for w in ("pan", "saucepan", "skillet", "pot", "kettle", "frying", "fryer"))
_CONTENTS_OF = re.compile(r"\b(?:pan|saucepan|skillet|pot|kettle|fryer|cup|mug)\s+of\b", re.I)
_THROUGH = frozenset({"through"})
# "fell to the floor", "collapsed to the ground": where the fall ended, on the level the patient stood on
_TO_THE_FLOOR = re.compile(r"\b(?:fell|fall(?:s|ing)?|collapsed|collapsing|slumped|went down|dropped)\b[^.;\n]{0,30}?"
                           r"\b(?:on)?to the (?:floor|ground)\b", re.I)
_FROM_HEIGHT = re.compile(r"\b(?:from|off|out of)\b(?! (?:a )?(?:standing|sitting|seated)\b)|\b(?:down|up) (?:the |a |\d+ )?"
                          r"(?:stairs|steps|flight)", re.I)
_SAME_LEVEL_FALL = words_of("fall same level")
_OWN_BODY_HIT = re.compile(r"\b(?:hit|hitting|struck|striking|bump(?:ed|ing)?|bang(?:ed|ing)?)\s+(?:his|her|their)\s+"
                           r"(?:own\s+)?(?:head|face|forehead|chin|nose|mouth|eye|knee|elbow|shoulder|hip|back|chest|"
                           r"ribs?|arm|leg|hand|wrist)\b(?!\s+(?:on|against|into)\b)", re.I)
# "landed on an opponent's foot", "collided with another player": the index's striking against a person (W51)
_STRUCK_PERSON = re.compile(r"\b(?:land\w*|stepp?\w*|came down) on (?:an? |the |another )?(?:opponent|player|teammate|"
                            r"defender|person|other player)'?s? (?:foot|feet|shoe)|\b(?:collid\w*|bump\w*|ran) (?:into|with) "
                            r"(?:an? |the |another |his |her |a fellow )?(?:[a-z-]+ ){0,2}?(?:opponent|player|teammate|"
                            r"defender|person|other player|child|kid|classmate|skater|runner|catcher|goalie|fielder)s?\b",
                            re.I)
_PERSON_STRUCK = words_of("striking against person")
# hit by another person's body: "struck in the face by an opponent's elbow", "elbowed by a defender"
_BY_A_PERSON = re.compile(r"\b(?:(?:struck|hit|kicked|kneed|punched|head-?butted)\b[^.;\n]{0,30}?\bby|elbowed by|kneed by)"
                          r" (?:an? |the |another |other |an opposing |a fellow )?(?:opposing )?(?:opponent|player|"
                          r"teammate|defender|person|other player|child|kid|classmate|student|peer|sibling)(?:'s|s'|s)?"
                          r"(?: (?:elbow|knee|head|foot|feet|hand|fist|shoulder|forearm|arm|leg|cleat|helmet))?\b", re.I)
_STRUCK_BY_PERSON = words_of("struck by other person")
_PLAYGROUND_EQUIPMENT = frozenset(norm(w) for w in ("slide", "swing", "swings", "playground", "jungle"))
_LADDERS = frozenset(norm(w) for w in ("ladder", "ladders"))
_STEPPED_DOWN = re.compile(r"\b(?:step(?:ped|ping|s)?|missed (?:a|the) step\w*)\s+(?:(?:off|down|from)\s+)?(?:(?:of|off|from)\s+)?"
                           r"(?:(?:a|the|an)\s+)?(?:\w+\s+)?(?:curbs?|kerbs?|steps?|stairs?|ledges?|stoops?|porch|"
                           r"platforms?|bleachers?)\b", re.I)
_NO_FALL = re.compile(r"\b(?:did not|didn't|did n't|without|no)\s+(?:\w+\s+)?fall(?:ing)?\b", re.I)
_FELL = re.compile(r"\b(?:fell|falls?|falling)\b", re.I)
_STEPPING_DOWN = words_of("stumbling without fall due to stepping from one level to another")
_SPORT_GROUNDS = frozenset(norm(w) for w in ("court", "courts", "field", "fields", "rink", "pitch"))
_SPORTS = frozenset(norm(w) for w in ("basketball", "tennis", "squash", "handball", "football", "soccer", "baseball",
                                      "softball", "hockey", "lacrosse", "rugby", "cricket", "polo"))
_BALLS = frozenset(norm(w) for w in ("ball", "balls", "basketball", "football", "soccer", "baseball", "softball",
                                     "volleyball", "puck", "hockey"))
# "collided with an opposing player, both went down": the index's striking against a person, with fall (W03)
_WENT_DOWN = re.compile(r"\b(?:went down|fell|falling|knocked (?:\w+ )?(?:down|over)|landed on the (?:ground|floor|ice|"
                        r"turf|court)|hit the (?:ground|floor|ice))\b", re.I)
# work on a house's outside ("cleaning leaves out of the gutters", "fixing the roof", "painting the fence"): the index's
# activity of exterior property maintenance (Y93.H9)
_EXTERIOR_WORK = re.compile(r"\b(?:clean\w*|clear\w*|fix\w*|repair\w*|patch\w*|paint\w*|stain\w*|replac\w*|"
                            r"install\w*|power[- ]?wash\w*|pressure[- ]?wash\w*)\b[^.;\n]{0,40}\b(?:gutters?|roof|"
                            r"shingles?|siding|fence|deck|eaves|downspouts?|chimney|shutters?)\b", re.I)
_EXTERIOR_MAINTENANCE = words_of("property maintenance exterior")
_NEAR_HOME = re.compile(r"\b(?:near|close to|down the street from|a block from|across the street from|around the "
                        r"corner from)\s+(?:his|her|their|the|my|our)?\s*(?:own\s+)?(?:home|house|residence|"
                        r"apartment)\b", re.I)
# ("hit her head on the table" is no head-on collision)
_REAR_ENDED = re.compile(r"\b(?:rear[- ]ended|t[- ]?boned|side[- ]?swiped|head-on|head on (?=collision|crash|impact)|(?:struck|hit) by (?:a|another) "
                         r"(?:car|vehicle|truck|sedan|suv|van))\b", re.I)
_PUBLIC_ROADS = frozenset(norm(w) for w in ("street", "road", "highway", "interstate", "freeway", "intersection",
                                            "avenue", "boulevard", "expressway"))
_MEALS = frozenset(norm(w) for w in ("breakfast", "lunch", "dinner", "supper", "meal", "meals"))
_PREPARING = frozenset(norm(w) for w in ("making", "preparing", "cooking", "fixing", "frying", "boiling"))
_COOKING = words_of("cooking and baking")
_FOOD_PREPARATION = words_of("food preparation and clean up")
_CUTTING_FOOD = frozenset(norm(w) for w in ("slicing", "chopping", "cutting", "peeling", "dicing", "carving",
                                            "mincing", "deboning"))
_FOODS = frozenset(norm(w) for w in ("vegetables", "vegetable", "onion", "onions", "meat", "bread", "bagel",
                                     "fruit", "potatoes", "potato", "chicken", "fish", "food", "avocado"))
_EVENT = re.compile(r"\b(?:rolled|rolling|twisted|twisting|inverted|everted|landed|landing|fell|tripped|slipped|stumbled|collided|"
                    r"struck|hit|injured|hurt|cut|burned|burnt|bitten|stung|crushed|jammed|caught|"
                    # a foreign body's way in: "felt something fly into L eye", "a splinter lodged in ..."
                    r"flew|fly into|flying into|blew into|blown into|splashed|sprayed|lodged|embedded|"
                    # "stepped in a pothole while running on the street, inversion injury"
                    r"inversion|eversion|stepped (?:in|into|on|off))\b", re.I)
# Activities named by their own verb anywhere in the sentence that tells the injury ("walking across
# the living room ... tripped")
_ACTIVITY_VERB = re.compile(r"\b(?:walking|running|jogging|hiking|climbing|cycling|biking|swimming|dancing|"
                            r"gardening|shoveling|shovelling|mowing|skiing|skating|skateboarding)\b"
                            # (and what the verb does it to: "walking her own dog" is walking an animal)
                            r"(?:\s+(?:(?:her|his|their|the|a|an|my|own)\s+){0,2}[a-z]+)?", re.I)
# A room of a dwelling that the index does not list under it: "specified NEC" (Y92.018)
_ROOMS = frozenset(norm(w) for w in ("room", "hallway", "hall", "den", "stairs", "stairway", "staircase", "porch",
                                     "basement", "attic", "closet", "laundry", "foyer", "patio", "deck"))
# rooms the index names under a residence: a note naming one of them is not "specified NEC"
_LISTED_ROOMS = frozenset(norm(w) for w in ("kitchen", "bathroom", "bedroom", "garage", "garden", "yard",
                                            "driveway", "pool", "dining"))
_VEHICLES = frozenset(norm(w) for w in ("car", "truck", "bus", "van", "motorcycle", "bicycle", "train",
                                         "tram", "tractor"))
_PATIENT_DRIVER = re.compile(r"\b(?:(?:un)?restrained|belted|seat-?belted|the|was the|was a|pt was|patient was) driver\b|"
                             r"\b\d{1,3}\s*(?:yo|y/o|-year-old|year old)?\s*[mf]?,?\s*(?:un)?restrained driver\b|"
                             r"\bdriver of (?:a|an|the|his|her|their) (?!other\b)", re.I)
_GENERIC_VEHICLE = frozenset(norm(w) for w in ("motor", "vehicle", "occupant"))
_VEHICLE_DESTINATION = re.compile(r"\b((?:walk\w*|going|heading|headed|returning|on (?:her|his|their|the) way)(?: back)? "
                                  r"(?:to|toward|towards))\s+(?:her|his|their|the|a|my)\s+(?:parked )?"
                                  r"(?:car|truck|van|vehicle|suv|bus)\b", re.I)
_VEHICLE_PLACE = re.compile(r"\b(bus|train|subway|taxi|tram)\s+(stop|station|shelter|depot|platform|terminal)\b",
                            re.I)
_PEDAL_CYCLES = frozenset(norm(w) for w in ("bicycle", "bicycles", "bike", "bikes", "cyclist", "bicyclist", "cycling",
                                            "biking"))
_PEDAL_CYCLIST = words_of("transport pedal cyclist bike")
_RIDING = re.compile(r"\b(?:riding|rode|ride|cycling|biking|pedal+ing)\b", re.I)
_OFF_THE_BIKE = re.compile(r"\b(?:fell|fall(?:ing)?|thrown|went over|over the handlebars|flipped|crash(?:ed)?|"
                           r"lost control|went down|came off|slipped)\b", re.I)
_COLLIDED = frozenset(norm(w) for w in ("collision", "collided", "struck", "hit", "vs", "versus", "car", "truck",
                                        "bus", "van", "pedestrian", "doored"))
_NONCOLLISION = words_of("noncollision accident")
# the Index's pedestrian conveyances ("Fall, involving skateboard - see Accident, transport, pedestrian,
# conveyance"): a rider of one is a pedestrian in a transport accident (V00-V09)
_CONVEYANCES = frozenset(norm(w) for w in ("skateboard", "skateboards", "skateboarding", "skateboarder", "scooter",
                                           "skates", "rollerblades", "rollerblading", "snowboard", "snowboarding",
                                           "skis", "sled", "sledding", "stroller", "wheelchair", "hoverboard",
                                           "unicycle"))
_PEDESTRIAN_CONVEYANCE = words_of("transport pedestrian conveyance")
# "transferring a resident from bed to wheelchair": a wheelchair someone else is moved into is no conveyance the
# patient rode
_MOVED_INTO = re.compile(r"\btransferr?(?:ing|ed|s)?\b[^.;]{0,80}\b(?:to|into|onto)\s+(?:a |the |his |her |their )?"
                         r"(?:wheelchair|stroller|chair)\b", re.I)
_BIKE_RIDING = words_of("bike riding")
_LOADS = frozenset(norm(w) for w in ("box", "boxes", "crate", "crates", "furniture", "couch", "sofa", "bag", "bags",
                                     "luggage", "suitcase", "tire", "tires", "patient", "appliance", "load", "sack",
                                     "sacks", "lumber", "bucket", "child", "toddler", "resident", "person"))
_HEAVY_OBJECTS = words_of("heavy objects")
_LIFTING = re.compile(r"\blift(?:ing|ed)\b", re.I)   # the patient's own act, not a device
_LIFT_DEVICE = re.compile(r"\b(?:mechanical|hoyer|patient|ceiling|stair|car|wheelchair|scissor|hydraulic|fork)[- ]?lifts?\b|"
                          r"\blift (?:device|chair|gate|truck|platform)|\bforklift", re.I)
# An object that fell or was dropped onto the patient ("a box fell from the shelf onto his foot",
# "dropped a weight on her toe"): Struck by, object, falling (W20.8), not the patient's own fall
_OBJECT_FELL = re.compile(
    r"\b(?:(?!(?:he|she|they|i|patient|pt|who|and|then)\b)[a-z]+\s+(?:fell|falling|dropped|toppled|came down)"
    r"|dropped\s+(?:a|an|the|some)\s+[a-z-]+(?:\s+[a-z-]+)?)\b"
    r"[^.;]{0,40}?\b(?:on|onto|upon)\s+(?:his|her|their|the\s+(?:patient|pt)'?s|him|them|pt'?s)\b", re.I)
# Everyday wording of places and activities, in the index's words
_INDEX_WORDING = tuple((re.compile(said, re.I), words) for said, words in (
    (r"\b(?:wash(?:ing|ed)?|doing|did) (?:the |some )?dishes\b", "dishwashing"),
    (r"(?<!jungle )\bgym\b", "gymnasium"),
    (r"\bb-?ball\b", "basketball"),
    (r"\b(?:lifting (?:free )?weights|weight ?lifting|(?:dumb|bar|kettle)bells?)\b", "free weights"),
    (r"\b(?:back|front|side) ?yard\b", "yard"),
    # "on the interstate (I-90)", "on the freeway": the index's interstate highway
    (r"\b(?:interstate|freeway|expressway|motorway)\b(?! highway)|\bI-\d{1,3}\b", "interstate highway"),
    # the bars of a climbing frame are no drinking establishment ("climbing across the top bars")
    # (monkey bars and a climbing frame are the index's jungle gym: "Fall, from, jungle gym W09.2")
    (r"\bmonkey ?bars?\b|\bclimbing (?:frame|structure)\b", "jungle gym"),
    (r"\b(?:top|grab|parallel|pull-?up|chin-?up|horizontal|cross|hand|handle|climbing) ?bars?\b", "equipment"),
    # "on State Route 12", "on Route 9": the index's state road
    (r"\bstate (?:route|highway|hwy)\b(?: \d{1,4})?|\b(?:route|rte\.?|sr)[ -]?\d{1,4}\b", "state road"),
    # "residential house under construction (job site)": a building under construction, whatever it will be
    (r"\b(?:under construction|being (?:built|framed)|construction site)\b", "building under construction"),
    # "trimming the cat's claws", "clipping the dog's nails": Activity, grooming and shearing an animal (Y93.K3)
    (r"\b(?:trimm\w*|clipp\w*|cutting|filing|brushing|bathing|washing|grooming) (?:the |his |her |their |a |our )?"
     r"(?:cat|dog|pet|puppy|kitten|horse)(?:'s|s')?(?: (?:claws?|nails?|hooves|coat|fur|hair))?\b", "grooming animal"),
    # "caught her foot on the edge of the rug": a trip
    (r"\bcaught (?:a |his |her |their |the |one )?(?:toe|foot|feet|shoe|heel|slipper)\b", "tripped"),
    # a bath mat, a doormat, a throw rug: the index's rug ("Tripping, over, carpet, rug or (small) object, with fall
    # W18.09"), not a bath taken
    (r"\b(?:bath|door|floor|yoga|throw|area|kitchen|scatter) ?(?:mats?|rugs?)\b|\bdoormats?\b", "rug"),
))


_LABELLED = 0.5


def _in_index_words(text: str) -> str:
    for said, index_words in _INDEX_WORDING:
        text = said.sub(index_words, text)
    return text


_STRUCK_BY_FALLING = words_of("struck by object falling")
_OFF_ROAD = frozenset(norm(w) for w in ("park", "trail", "trails", "driveway", "yard", "garden", "parking", "field",
                                        "farm", "campground", "playground", "track", "beach", "woods", "forest"))
_PLAY_EQUIPMENT = re.compile(r"\b(?:playground|jungle gym|monkey bars|climbing (?:frame|structure)|swing ?set|recess|"
                             r"(?:down|off|from) (?:the |a )?(?:playground )?(?:slide|swings?))\b", re.I)
_RECESS_GAMES = words_of("physical games generally associated with school recess summer camp and children")
_PETS = frozenset(norm(w) for w in ("dog", "dogs", "puppy", "cat", "horse", "pony", "pet", "pets"))
_WALKING_A_PET = re.compile(r"\bwalk(?:s|ed|ing)?\s+(?:(?:her|his|their|my|our|the|a)\s+)?(?:own\s+|family\s+|"
                            r"neighbou?r'?s\s+)?(?:dogs?|puppy|pets?)\b", re.I)
# what a pet does to its walker: a bite, a pull on the leash, a jump, a trip over it
_PET_CONTACT = re.compile(r"\b(?:bit|bites?|bitten|jump\w*|knock\w*|pull\w*|yank\w*|drag\w*|lunge\w*|leash|"
                          r"scratch\w*|trip\w* (?:over|on)\b[^.]{0,20}\b(?:dog|puppy|pet))\b", re.I)
_NOS_CAUSE = 10.0
_TOLD_WITH_EVENT = 0.5
_JOGGING = frozenset(norm(w) for w in ("jogging", "jog", "jogged"))
_RUNNING = words_of("running")
_ASLEEP = frozenset(norm(w) for w in ("asleep",))
# the patient leaving a bed or chair by a fall the sentence does not call one
_OUT_OF_BED = re.compile(r"\b(?:rolled|rolls|rolling|slid|slides|sliding|tumbled|slipped|slips)\s+(?:out of|off(?: of)?)\s+"
                         r"(?:the |her |his |their |a )?(?:bed|chair|wheelchair|recliner|couch|sofa)\b", re.I)
_FALL = words_of("fall")
_DWELLING = frozenset({"home", "house", "apartment", "condo", "condominium", "residence"})
# what only a bathroom holds ("slipped in the bathtub", "fell off the toilet"), and a bedroom ("out of bed")
_ROOM_FIXTURES = ((frozenset(norm(w) for w in ("bathtub", "tub", "shower", "toilet", "commode")), "bathroom"),
                  (frozenset({norm("bed")}), "bedroom"))
# the kind of home the injury's sentence names beside its room ("in the neighbor's backyard (their single-family
# house next door)")
_HOME_KIND = re.compile(r"\b(single[- ]family (?:house|home)|apartment|condo(?:minium)?|mobile home|trailer)\b", re.I)
# the home the patient lives in, told once ("lives alone in her single-family house", "lives in an apartment")
_LIVES_IN = re.compile(r"\b(?:lives?|living|resides?|residing)\s+(?:alone\s+|independently\s+|with\s+(?:his |her |their )?"
                       r"\w+\s+)?(?:in|at)\s+(?:a|an|her|his|their|the)\s+"
                       r"((?:own\s+)?(?:single[- ]family\s+(?:house|home)|(?:one|two|1|2|single)[- ]stor(?:y|ey)\s+(?:house|home)|"
                       r"house|home|apartment|condo(?:minium)?|mobile home|trailer))\b", re.I)
# ("Resident of Test Oaks Nursing Home (long-term care). ... found her on the floor beside her bed in her room")
_RESIDENT_OF = re.compile(r"\b(?:(?:long-term )?resident (?:of|at)|resides (?:at|in)|lives (?:at|in))\b[^.;\n]{0,40}?\b"
                          r"(nursing home|assisted living|skilled nursing facility|long-term care facility)\b", re.I)
# ("baby often falls asleep at breast", "fell asleep on the couch": sleep, no fall)
_SAYINGS = re.compile(r"\bcold turkey\b|\bhanging (?:on|in there)\b|\b(?:falls?|falling|fell) (?:back )?asleep\b", re.I)
_INJURY_NAME = re.compile(r"\b(?:strain|strains|strained|sprain|sprains|sprained)\b", re.I)
# "while standing at the toilet", "collapsed from standing": the posture an injury happened in; the index's Standing
# (prolonged) (static), X50.1, is overexertion from standing long ("standing for 10 hours on a concrete floor")
_STOOD_LONG = re.compile(r"\b(?:prolonged|static|long periods? of) standing\b|\bstanding (?:for (?:hours|long|\d+|several|"
                         r"many|most|(?:an? |the )?(?:entire|full|whole))|all day|all shift)", re.I)


def find_external_causes(note: str, analysis: NoteAnalysis, seventh: str, icd) -> list[ExternalCause]:
    """Cause, and at an initial encounter (``seventh`` A) place, activity and status, for an injury note."""
    key = ("external_causes", seventh, id(icd))
    if key not in analysis.memo:   # the prompt's candidates and the guideline layer both ask
        analysis.memo[key] = tuple(_find_external_causes(note, analysis, seventh, icd))
    return list(analysis.memo[key])


def _find_external_causes(note: str, analysis: NoteAnalysis, seventh: str, icd) -> list[ExternalCause]:
    """The index read of :func:`find_external_causes`.

    Place and activity are read only in a sentence that tells the cause ("fell from a ladder
    while pruning in the garden"): elsewhere "hospital" or "office" names where the note was
    written, not where the injury happened.
    """
    by_word = _entries_by_word()
    # the patient as the driver, told once ("44M, restrained driver of a company-owned sedan")
    driver = any(analysis.section_at(m.start()) in _STORY_SECTIONS and not analysis.context_at(m.start(), m.end())
                 for m in _PATIENT_DRIVER.finditer(note))
    best: dict[str, tuple[float, ExternalCause]] = {}
    road: tuple[float, ExternalCause] | None = None   # the best place that is no vehicle
    climbed = re.search(r"\bclimb(?:ing|ed|s)?\b", note, re.I) is not None
    scored_by_text: dict[str, list] = {}   # a long note repeats its sentences: each text is scored once
    before = ""   # the place cues last told in the story's paragraph before this sentence
    last_end = -1
    for sent in analysis.sentences:
        # ("He was using an angle grinder in the garage of his house. Wore sunglasses. Felt something hit his right
        # eye."): an earlier sentence of the injury's paragraph may tell where the patient was
        if last_end < 0 or "\n\n" in note[last_end:sent.start]:
            before = ""
        last_end = sent.end
        if len(scored_by_text) >= _STORY_BUDGET:
            break   # an injury's story is told in its first pages; a note of megabytes is not read to its end
        if analysis.section_at(sent.start) not in _STORY_SECTIONS:
            continue
        # the words a negation, a possibility, a relative's story or a past event covers tell nothing
        # of this injury ("not yet at work", "no fall", "prior suicide attempt (cutting)"); the rest
        # of the sentence still does
        # (a sequela's injury is a past one: its story is told as history)
        # (at a subsequent encounter the injury's own story is told as past too: "3 weeks s/p fall on ice")
        told = analysis.blanked(sent.start, sent.end, {"negated", "hypothetical", "family"} if seventh in "SD"
                                else {"negated", "hypothetical", "family", "history"})
        if not told.strip():
            continue
        cues = " ".join(m.group(1) for m in _PLACE_CUE.finditer(told))
        key = told if cues else told + "\0" + before
        # (a sentence of what the patient was doing there: "lives in an apartment", "seen at urgent care" are not)
        setting, before = before, (cues if cues and (_ACTIVITY_CUE.search(told) or _ACTIVITY_VERB.search(told))
                                   else before)
        scored = scored_by_text.get(key)
        if scored is None:
            text = _MOTOR_VEHICLE.sub("motor vehicle traffic accident collision", told)
            # "jogging on the sidewalk near his home": a place near the home is not the home
            text = _NEAR_HOME.sub(" ", text)
            # "neck strain", "strained his back": the injury's own name, not "Straining, excessive"
            text = _INJURY_NAME.sub(" ", text)
            # "failed cold turkey twice", "lucky break": sayings, no turkey and no mechanism
            text = _SAYINGS.sub(" ", text)
            text = _in_index_words(text)   # "at the gym": the index's gymnasium
            # "walking to the bus stop": a place on the way, not the vehicle of a transport accident
            # ("walking to her car after her shift": a vehicle walked to is no vehicle the patient was in)
            # ("fell and hit his head": his own head hit, no one struck him; "... hit his head on the table" is read
            # below as a fall striking against an object)
            words = words_of(_VEHICLE_DESTINATION.sub(r"\1", _VEHICLE_PLACE.sub(r"\2", _OWN_BODY_HIT.sub(" ", text))))
            # what the index names by its kind: coffee is a hot drink, soup a hot food, a sedan a car
            words = words | {kind for w, kind in _KIND_OF.items() if w in words}
            if words & _HOT_CONTENTS and _CONTENTS_OF.search(text):
                # "the pan of hot cooking oil tipped and splashed onto his forearm": the oil burned him, not the pan
                words = words - _VESSELS
            if _TO_THE_FLOOR.search(text) and not _FROM_HEIGHT.search(text):
                # "collapsed to the floor from standing": a fall on the same level, not through the floor
                words = words | _SAME_LEVEL_FALL
            if _OUT_OF_BED.search(text):
                words = words | _FALL   # "rolled out of bed while asleep": Fall, from, out of, bed (W06)
            if _STRUCK_PERSON.search(text):
                words = words | _PERSON_STRUCK | (words_of("with fall") if _WENT_DOWN.search(text) else set())
            if words & _PLAYGROUND_EQUIPMENT and words & _LADDERS:
                # "climbing the ladder of the slide at the playground": the slide's ladder is the slide (Fall, from,
                # playground equipment, slide: W09.0), no ladder of W11
                words = words - _LADDERS
            if _STEPPED_DOWN.search(text) and (_NO_FALL.search(text) or not _FELL.search(text)):
                # "stepped off the curb awkwardly and rolled her ankle; did not fall": Stumbling, without fall, due
                # to, stepping from one level to another (W18.43), not a fall from the curb (W10.1)
                words = (words - _FALL) | _STEPPING_DOWN
            if _BY_A_PERSON.search(text):
                # "struck over the eye by another player's elbow" in a basketball game: the player struck him
                # (Struck by, other person), not the game's ball
                words = (words - _BALLS) | _STRUCK_BY_PERSON
            if _REAR_ENDED.search(text):
                words = words | {"collision"}
            if _WALKING_A_PET.search(text) and not _PET_CONTACT.search(text):
                # "rolled her ankle stepping off a curb while walking her dog": the dog is what she was doing
                # (Activity, walking an animal), no contact with it
                words = words - _PETS
            object_fell = _OBJECT_FELL.search(text) is not None
            if object_fell:
                words = words | _STRUCK_BY_FALLING   # the object fell, not the patient
            if "lift" in words and (words & _LOADS or (_LIFTING.search(text) and not _LIFT_DEVICE.search(text))):
                # "lifting boxes", "pain after lifting at work": Lifting, heavy objects (X50.0), no lift device
                words = words | _HEAVY_OBJECTS
            if words & _CONVEYANCES and not words & _PEDAL_CYCLES and not _MOVED_INTO.search(text):
                words = words | _PEDESTRIAN_CONVEYANCE
            if words & _PEDAL_CYCLES:
                # the index's bicycle rider is a "pedal cyclist", its rider the "driver" (V10-V19); a fall
                # from the bicycle with no collision told is a noncollision accident ("Activity, bike riding")
                words = words | _PEDAL_CYCLIST | (set() if "passenger" in words else {"driver"})
                if _OFF_THE_BIKE.search(text) and not words & _COLLIDED:
                    words = words | _NONCOLLISION
                if words & _OFF_ROAD and not words & _PUBLIC_ROADS:
                    # a vehicle accident is on the public highway unless another place is named (V00-V99
                    # definitions): a park, a trail or a driveway makes it nontraffic
                    words = words | {"nontraffic"}
            if words & _VEHICLES and driver and not words & {"passenger", "pedestrian", "driver"}:
                # "restrained driver of a sedan ... Stopped at a light when rear-ended by another car": the story
                # said who the patient was in the car once
                words = words | {"driver"}
            if words & _PUBLIC_ROADS and words & {"car", "driver", "passenger", "collision"}:
                words = words | {"traffic"}   # a collision on a public road is a traffic accident
            # "Place: bedroom of grandmother's apartment.": the label names the place outright (a relative's
            # home is the place, not a relative's condition)
            labelled = _PLACE_LABEL.match(note, sent.start, sent.end)
            mechanism = _MECHANISM_LABEL.match(note, sent.start, sent.end)
            event = _EVENT.search(text) is not None or labelled is not None
            if not event and not any(e.kind == "cause" for w in words for e in by_word.get(w, ())):
                # neither a mechanism nor the telling of an injury: no place or activity to read either
                scored_by_text[key] = ((), False)
                continue
            place = words_of((" ".join(m.group(1) for m in _PLACE_CUE.finditer(text)) or _in_index_words(setting))
                             + (" " + _in_index_words(labelled.group(1)) if labelled else "")
                             + (" " + mechanism.group(1) if mechanism else ""))
            if place & {"backyard", "frontyard"}:
                place = place | {"yard"}   # the index's yard
            if place & _SPORT_GROUNDS and (sports := words_of(text) & _SPORTS):
                # "playing basketball on the outdoor court": the court of the game the sentence names
                # (Place of occurrence, basketball court), not an athletic court NEC
                place = place | sports
            # "in the bathtub/shower of his house", "fall out of bed at nursing home": the room that holds them
            place = place | {room for fixtures, room in _ROOM_FIXTURES if place & fixtures}
            if place & {"street", "road", "avenue", "roadway"}:
                place = place | {"street", "highway"}   # the index's "street and highway"
            home = _HOME_KIND.search(text) or _LIVES_IN.search(note) or _RESIDENT_OF.search(note) \
                if place & (_LISTED_ROOMS | _ROOMS) and not place & _DWELLING else None
            if home is not None and not any(
                    e.kind == "place" and len(e.path) > 1 and e.path[1] != "residence"
                    for w in place - _LISTED_ROOMS - _ROOMS - words_of(home.group(1)) for e in by_word.get(w, ())):
                # "lives alone in her single-family house. ... slipped on the wet bathroom floor": the room is of
                # the home the note tells she lives in
                place = place | words_of(home.group(1))
            if place & _DWELLING:
                # a home is the index's "residence" ("in his living room at home": Place of occurrence,
                # residence, home), not a room of a hospital
                place = place | {"residence"}
            activity = _activity_words(" ".join(m.group(1) for m in _ACTIVITY_CUE.finditer(text))
                                       + " " + " ".join(_ACTIVITY_VERB.findall(text))
                                       + (" " + mechanism.group(1) if mechanism else ""))
            if _EXTERIOR_WORK.search(text):
                activity = activity | _EXTERIOR_MAINTENANCE
            if activity & _MEALS and activity & _PREPARING:
                activity = activity | _COOKING   # "while making breakfast": Activity, cooking and baking
            elif activity & _CUTTING_FOOD and activity & (_FOODS | _MEALS):
                activity = activity | _FOOD_PREPARATION   # "slicing vegetables for dinner"
            if words & _PEDAL_CYCLES and (activity & _PEDAL_CYCLES or _RIDING.search(text)):
                activity = activity | _BIKE_RIDING   # "riding his bicycle to work": Activity, bike riding
            if activity & _JOGGING:
                activity = activity | _RUNNING   # "jogging on the sidewalk": Activity, running
            if activity & _ASLEEP:
                activity = activity | words_of("sleeping")   # "while asleep, rolled out of bed": Activity, sleeping
            if activity & _PETS and _WALKING_A_PET.search(text):
                activity = activity | {"animal"}   # "walking her own dog": Activity, walking an animal
            if _PLAY_EQUIPMENT.search(text) and not climbed:
                # a child's play on playground equipment: Activity, physical games generally associated with
                # school recess, summer camp and children (Y93.6A); a climb the note tells is the Index's own
                # "climbing" (Y93.39)
                activity = activity | _RECESS_GAMES
            if not event and analysis.section_at(sent.start) == "assessment_plan" \
                    and LIST_MARKER.match(note, sent.start):
                # "- heat, gentle walking, avoid bed rest": a plan's advice tells no place or activity of the injury
                activity, place = frozenset(), frozenset()
            read = {"cause": words, "activity": activity, "place": place}
            entries = {e for w in words | activity | place for e in by_word.get(w, ())}
            # "got up to use the toilet ... tripped on the bath mat", "stepping out of the shower ... tripped": a thing
            # named is no fall from it (Fall, from, off, out of, toilet; stairs, steps) unless the sentence puts it
            # after the "from" ("fell off the toilet", "down the last two steps")
            # (stairs, a curb, an incline: "Fall (on) (from)" - "tripped on a sidewalk curb" too, not "stepping out")
            off = words_of(" ".join(m.group(1) for m in _OFF_WHAT.finditer(text)))
            on = off | words_of(" ".join(m.group(1) for m in _ON_WHAT.finditer(text)))
            entries = {e for e in entries if not e.from_frame
                       or any(p <= words and p & (on if e.codes[0][:3] == "W10" else off)
                              for p in e.leaf + _shared_object(e))}
            if object_fell:   # ... so no row of the patient's own fall
                entries = {e for e in entries if e.kind != "cause" or e.path[0] == "Struck by"}
            if place & _ROOMS:   # "specified NEC" rows are found by no word of the note
                entries |= {e for e in by_word.get("nec", ()) if e.kind == "place"}
            if words & _PEDAL_CYCLES:
                # the bicycle's rider is the one injured: not the occupant of the car that hit them
                entries = {e for e in entries if not (e.kind == "cause" and len(e.path) > 2
                                                      and e.path[1].startswith("transport")
                                                      and not e.path[2].startswith("pedal cyclist"))}
            # (a place a label names outright, "Location: house under construction", outranks one the story
            # passes through, "in the new house we're framing")
            scored = sorted(((score + (_LABELLED if labelled and e.kind == "place" else 0.0), e) for e in entries
                             if (score := _score(e, read[e.kind])) is not None and score >= MIN_SCORE),
                            # on a tie the deeper row, the more specific ("house, single family, specified NEC")
                            key=lambda se: (-len(se[1].path), se[1].path)) or ()   # most: nothing, one empty tuple
            # a sentence that tells the injury happening ("rolled L ankle landing from a rebound
            # playing basketball at the public court") has its place and activity even when the
            # index has no word for the mechanism
            scored = scored_by_text[key] = (scored, bool(scored) and event)
        scored, event = scored
        if not event and not any(e.kind == "cause" for _, e in scored):
            continue
        for score, entry in scored:
            if entry.kind != "cause" and seventh != "A":
                continue
            if entry.kind == "cause" and entry.path[0].startswith("Standing") \
                    and not _STOOD_LONG.search(note, sent.start, sent.end):
                continue
            if entry.kind == "cause" and entry.path[0].lower().startswith("injury, injured"):
                # "CC: R ankle injury" names no mechanism: any cause the story tells ("slipped on wet leaves")
                # outranks the index's "Injury, injured NOS"
                score -= _NOS_CAUSE
            if entry.kind == "place" and event:
                # where the injury happened, told with it ("in the garage ... Felt something hit his eye"), outranks a
                # place of the care after it ("Rinsed with tap water at home")
                score += _TOLD_WITH_EVENT
            if entry.kind in best and best[entry.kind][0] >= score:
                continue
            code = _billable(entry, seventh, icd)
            if code is not None:
                why = "External Cause Index: " + ", ".join(entry.path)
                best[entry.kind] = (score, ExternalCause(code, entry.kind, sent.start, sent.end, why))
                if entry.kind == "place" and not code.startswith("Y92.81"):
                    road = max(road, (score, ExternalCause(code, entry.kind, sent.start, sent.end, why)),
                               key=lambda sf: sf[0]) if road else (score, ExternalCause(code, entry.kind, sent.start,
                                                                                          sent.end, why))
    if "cause" in best and best["cause"][1].code[:1] == "V" and "place" in best \
            and best["place"][1].code.startswith("Y92.81"):
        # a transport accident's place is where the vehicle was (the interstate), never the vehicle itself: Y92.81-
        # excludes V00-V99
        if road is not None:
            best["place"] = road
        else:
            del best["place"]
    out = [found for _, found in best.values()]
    if seventh == "A" and out:
        status = _status(note, analysis)
        if status is None and ("activity" in best or _off_work_place(best)
                               or ("place" in best and not best["place"][1].code.startswith(("Y92.6", "Y92.7"))
                                   and not _WORK_WORDS.search(note))):
            # an activity, or a home or road place, documented and no work, military or volunteer
            # status: Y99.8 (leisure, recreation, sport, student and home activity; I.C.20.k)
            found = best["activity" if "activity" in best else "place"][1]
            status = ExternalCause("Y99.8", "status", found.start, found.end,
                                   "injured outside work: not for income, military or volunteer")
        if status is not None:
            out.append(status)
    return out


def _off_work_place(best: dict) -> bool:
    """A residence (Y92.0-), a residential institution (Y92.1-) or a road (Y92.4-) as the place."""
    return "place" in best and best["place"][1].code.startswith(("Y92.0", "Y92.1", "Y92.4"))


def _billable(entry: _Entry, seventh: str, icd) -> str | None:
    """The entry's first billable code, its 7th character added where the code needs one."""
    for code in entry.codes:
        for full in (code, code + seventh):
            if icd.is_billable(full):
                return full
    return None


# a story told at work: the status is left to the words (_STATUS), not presumed leisure
_WORK_WORDS = re.compile(r"\b(?:work\w*|job|employer|employee|shift|occupational|co-?workers?|on duty|workers'? comp\w*)\b",
                         re.I)


def _status(note: str, analysis: NoteAnalysis) -> ExternalCause | None:
    for rx, code, why in _STATUS:
        for m in rx.finditer(note):
            if analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical"}:
                continue
            return ExternalCause(code, "status", m.start(), m.end(), why)
    return None
