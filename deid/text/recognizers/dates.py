"""Dates in every common clinical form, years, and ages over 89 (HIPAA identifier (C)).

ICU notes are full of numbers that look like dates: ventilator settings ("PS 5/5", "10/5 PEEP"), pain
scores ("CP 4/10"), strength and pupils ("4/4", "PERRLA 3/3"), fractions ("1/2 NS"), lab chains ("7.30/19")
and quantity ranges. The rules below find every date shape; :meth:`DateRecognizer.validate` drops a
candidate only when the words around it say it is one of those measurements.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deid.categories import Category
from deid.text.recognizers.base import PatternRecognizer, Rule, rule
from deid.text.registry import register

MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
#: A month named on its own ("in sept."): 'may', 'mar' (medication record) and 'dec' (decreased) are left
#: out, they are everyday words or abbreviations in notes.
LONE_MONTH = (r"(?:january|february|march|april|june|july|august|september|october|november|december|"
              r"jan|feb|apr|jun|jul|aug|sept?|oct|nov)\.?")
WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
DAY = r"(?:0?[1-9]|[12]\d|3[01])"
ORD = r"(?:st|nd|rd|th)"
MON_NUM = r"(?:0?[1-9]|1[0-2])"
YEAR4 = r"(?:1[89]\d\d|20[0-4]\d)"
YEAR = rf"(?:{YEAR4}|'?\d\d)"
NOT_NUM_BEFORE = r"(?<![\d/])(?<!\d:)(?<!\d\.)(?<!\d-)"
NOT_NUM_AFTER = r"(?![\d/]|:\d|\.\d)"
UNITS = (r"%|cc|ml|mls|mg|mcg|meq|mmol|units?\b|u\b|l\b|lpm|hrs?\b|h\b|kg|lbs?|gm?\b|cm|mm|"
         r"min|sec|kcal|cal\b|x\b|times|beats|bpm|yo\b|y/o|yrs?\b|years?\b|year-old|am\b|pm\b|hours?|grams?\b|mosm|cells|copies")
UNITS_AFTER = rf"(?!\s*(?:{UNITS}))"
#: Day ranges before a month ("1->2 nov", "3-4 May"): the first day is part of the date.
DAY_RANGE = rf"(?:{DAY}{ORD}?\s*(?:-+>?|–|to|&|and|thru|through)\s*)?"
#: A four-digit year of a month/year date ("01/2025", "2/2019"): 1900-2049, never 18xx (a lab count).
MY_YEAR = r"(?:19\d\d|20[0-4]\d)"
#: Number words below twenty, longest first so "nineteen" is tried before "nine".
_BELOW_TWENTY = ("nineteen", "eighteen", "seventeen", "sixteen", "fifteen", "fourteen", "thirteen", "twelve",
                 "eleven", "ten", "nine", "eight", "seven", "six", "five", "four", "three", "two", "one")


def number_words_over_89() -> str:
    """A regex for 90-119 written in words: "ninety", "ninety-two", "Ninety two", "one hundred",
    "a hundred and two", "one hundred ten". Built from the number words so that 89 and under
    ("eighty-nine") can never match: only ages over 89 are PHI."""
    ones = "|".join(_BELOW_TWENTY[-9:])
    below_twenty = "|".join(_BELOW_TWENTY)
    ninety = rf"ninety(?:[\s\-]+(?:{ones}))?"
    hundred = rf"(?:one|a)[\s\-]+hundred(?:[\s\-]+(?:and[\s\-]+)?(?:{below_twenty}))?"
    return rf"(?:{ninety}|{hundred})"


AGE_WORDS = number_words_over_89()
#: Myocardial infarction and its variants (NQWMI, STEMI, AMI, IMI).
MI = r"(?:nqw|qw|nste|ste|a|i)?mi"
#: Events of a past history after which a bare number is a year ("CABG 81", "NQWMI 13").
EVENTS = (rf"cabg|{MI}|cva|avr|mvr|tah|bso|chole|appy|ptca|pci|stent|dx|dx'd|diagnosed|"
          r"surgery|tia|since|in")

DATE_RULES = (
    rule("iso", Category.DATE, rf"{NOT_NUM_BEFORE}(?P<phi>{YEAR4}[-/.]{MON_NUM}[-/.]{DAY}){NOT_NUM_AFTER}", 0.95),
    rule("mdy", Category.DATE, rf"{NOT_NUM_BEFORE}(?P<phi>{MON_NUM}\s?[/\-.]\s?{DAY}\s?[/\-.]\s?(?:\d{{4}}|\d\d)){NOT_NUM_AFTER}", 0.95),
    rule("dmy", Category.DATE, rf"{NOT_NUM_BEFORE}(?P<phi>(?:1[3-9]|2\d|3[01])[/\-.]{MON_NUM}[/\-.](?:\d{{4}}|\d\d)){NOT_NUM_AFTER}", 0.9),
    rule("md-range", Category.DATE, rf"{NOT_NUM_BEFORE}(?P<phi>{MON_NUM}/{DAY}\s?-\s?{MON_NUM}/{DAY}){NOT_NUM_AFTER}", 0.8),
    rule("md", Category.DATE, rf"{NOT_NUM_BEFORE}(?P<phi>{MON_NUM}/(?:\d\d?)){NOT_NUM_AFTER}", 0.6),
    rule("d-mon-y", Category.DATE,
         rf"\b(?P<phi>{DAY_RANGE}{DAY}{ORD}?[\s\-]+(?:of\s+)?{MONTH}(?:[\s,\-]+{YEAR})?)\b", 0.9),
    rule("mon-d-y", Category.DATE,
         rf"\b(?P<phi>{MONTH}[\s\-]+{DAY}{ORD}?(?:\s*(?:-|–|to|thru|through)\s*{DAY}{ORD}?\b)?"
         rf"(?:(?:,\s*|\s+|-){YEAR})?)(?!\d|:\d)", 0.9),
    rule("mon-y", Category.DATE, rf"\b(?P<phi>{MONTH}(?:(?:,?\s+of)?,?\s+|[\-/])(?:{YEAR4}|'\d\d))\b", 0.9),
    # Month and four-digit year: "labs 01/2025", "since 2/2019", "03-2019" (a dash only after a two-digit
    # month: "5-2000 units" is a range). Two-digit years ("in 03/19") are the "md" rule's.
    rule("my", Category.DATE,
         rf"{NOT_NUM_BEFORE}(?P<phi>{MON_NUM}/{MY_YEAR}|(?:0[1-9]|1[0-2])-{MY_YEAR}){NOT_NUM_AFTER}{UNITS_AFTER}", 0.85),
    rule("mon-alone", Category.DATE,
         rf"\b(?:in|since|during|until|till|through|early|late|mid|last|next|by|before|after)\s+"
         rf"(?P<phi>{LONE_MONTH})(?![\w/'])", 0.6),
    # An ordinal alone is a date only in a date phrase ("on the 5th", "Friday the 3rd"), never in
    # "1st step mattress", "4th ventricle" or "2nd cpap trial".
    rule("ordinal", Category.DATE,
         rf"\b(?:(?:on|since|until|till|by|before|after|from|through)\s+the|{WEEKDAY}(?:\s+the)?)\s+"
         rf"(?P<phi>{DAY}{ORD})\b(?=\s*(?:[.,;:)!?\n]|$)|\s+(?:at|and|or|to|through|thru|until|till|when|in|"
         rf"with|for|of|but|@|-)\b)", 0.7),
    rule("year-apos", Category.DATE, r"(?<![\d'])(?P<phi>'\d\d)(?![\w'])", 0.8),
    rule("year-apos-after", Category.DATE,
         r"(?<!hob )(?<!hob)(?<!bed )(?<!at )(?<![\w'@])(?<!\d-)(?<!\d -)(?<!\d- )(?P<phi>\d\d')(?![\w'])", 0.6),
    rule("decade", Category.DATE, r"\b(?P<phi>(?:19|20)\d0'?s)\b", 0.85),
    rule("year", Category.DATE, rf"\b(?:in|since|of|year|yr|born|dob|from|until|by|circa|cabg|mi|cva|dx|s/p|"
         rf"surgery|is|its|it's|was|saying|says|said|stated|thinks|believes|back to|during|after|before|spring|summer|"
         rf"fall|winter|early|late|mid)\s+(?P<phi>{YEAR4})(?![\d:]|\.\d|\s*[-–]\s*\d{{3,4}}){UNITS_AFTER}", 0.6),
    # A year of birth is always a date here, whatever the age it implies. Safe Harbor keeps a year, but
    # not the birth year of a person over 89; the note's own date is often missing or shifted, so the age
    # cannot be checked reliably: every birth year after a birth cue goes (the fail-closed choice).
    rule("birth-year", Category.DATE,
         rf"(?:\b(?:dob|d\.o\.b|date\s+of\s+birth|birth\s*date|birth\s*year|year\s+of\s+birth|yob|born)|"
         rf"(?<![\w.])b)\.?\s*[:#=\-]?\s*(?:(?:in|on|during|circa|ca\.?|c\.)\s+)?"
         rf"(?P<phi>{YEAR4})(?![\d:/]|\.\d){UNITS_AFTER}", 0.8),
    # 1960-1999 cannot be a 24-hour time (the minutes would be 60-99), so alone it is a year unless a
    # unit or a lab name says it is a quantity.
    rule("year-bare", Category.DATE,
         rf"(?<![\d.,/:\-#$+=<>~])(?P<phi>19[6-9]\d)(?![\d:/]|\.\d|,\d|\s*[-–]\s*\d){UNITS_AFTER}", 0.5),
    rule("year-after-event", Category.DATE,
         rf"\b(?:{EVENTS})(?:\s+x\d)?\s+(?P<phi>(?:[4-9]\d|[0-2]\d))\b(?![\d/:%]|\.\d|\s*(?:%|cc|ml|mg|yo|y/?o|yrs?|years|"
         r"units|u\b|mm|min|hours?|hrs|days?|minutes|secs?|x\b|am\b|pm\b|beats|bpm|-|'s|s\b))", 0.5),
    # A two-digit year opening an item of a past-history list: "PMH: ... 05 PTCA to RCA. 11 stent to LAD".
    rule("year-before-event", Category.DATE,
         rf"(?:^|(?<=[\n.,;:(]))[ \t]*(?P<phi>'?\d\d)\s+(?:ptca|pci|stents?|stented|cabg|{MI}|"
         r"cva|tia|avr|mvr|ppm|aicd|icd)\b", 0.5),
    # Cultures dated with a dash: "BC from 3-5 grew staph".
    rule("culture-md", Category.DATE,
         rf"\b(?:bc|bcx|bcs|cx|cxs|cultures?|cultured|sputum|urine|stool|u/a|ua)\s+(?:cx\s+|cultures?\s+)?"
         rf"(?:from|on|drawn|sent|dated)\s+(?P<phi>{MON_NUM}-{DAY})(?![\d\-/.]){UNITS_AFTER}", 0.6),
)

#: Rules that find a year, after which "and 00", ", '96" continue the list of years.
_YEAR_RULES = frozenset({"year", "year-apos", "year-apos-after", "year-bare", "year-after-event", "year-before-event",
                         "year-list"})
_YEAR_CONTINUED = re.compile(rf"'?\s*(?:,|and|&|or)\s*(?P<phi>'?\d\d(?:\d\d)?)(?![\w/.:%'\-])(?!\s*(?:{UNITS}))",
                             re.IGNORECASE)

_FRACTION_OK_CONTEXT = re.compile(r"(?:\bon|\bsince|\bfrom|\buntil|\bdated?|\bof|\badm\w*|\bs/p|\bdos|\bdob)\s*$", re.IGNORECASE)
_STRENGTH_CONTEXT = re.compile(r"\b(?:strength|motor|grip|rue|lue|rle|lle|bue|ble|ue|le|extrem\w*|flex\w*|ext|mae|power|"
                               r"bilat\w*|push|pull|hands?|legs?|arms?)\b", re.IGNORECASE)
#: Words that make "n/10" a pain or symptom score ("CP 4/10", "10/10 angina", "headache 3-4/10").
_PAIN_BEFORE = re.compile(r"\b(?:pain\w*|cp|sscp|angina\w*|headache|ha|discomfort|pressure|ache\w*|scale|score|"
                          r"rated?|rates|rating|severe|mild|moderate|intensity|c/o|complain\w*)\b[^.\n]*$", re.IGNORECASE)
_PAIN_AFTER = re.compile(r"\s*(?:pain|cp|sscp|angina|headache|ha|discomfort|pressure|ache|chest|scale|on the)\b",
                         re.IGNORECASE)
_VENT_CONTEXT = re.compile(r"(?:\bpsv|\bps|\bcpap|\bpeep|\bbipap|\bvent\w*|\bsupport|\bsettings?|\bsimv|"
                           r"\bimv|\bprvc|\bmode)\s*(?:of\s+|at\s+)?[:=]?\s*$", re.IGNORECASE)
#: A ventilator setting named right after the number: "10/5 PEEP", "5/5 IPS", "5/5, 40%", "5/5-.40".
_VENT_AFTER = re.compile(r"\s*[,&\-]?\s*(?:(?:peep|ps|psv|ips|ipap|epap|cpap|bipap|fio2|cm\s*h2o|cmh2o)\b|"
                         r"(?:[2-9]\d|100)\s*%|0?\.\d)", re.IGNORECASE)
_BP_CONTEXT = re.compile(r"(?:\bbp|\bnbp|\babp|\bnibp|\bsbp|\bmap|\bcvp|\bpap|\bpa\b|\bpas|a-line|\bart\b|\bratio|\bi:e|\bie|"
                         r"\bco/ci|\bco|\bci|\bsvr|\brr|\bresp rate|\bhr)\s*[:=]?\s*$", re.IGNORECASE)
#: Breathing words that make an even pair such as 5/5 a ventilator setting ("excellent 5/5 ABG").
_RESP_WORDS = re.compile(r"\b(?:abgs?|gas|sats?|spont\w*|tv|vt|rr|tidal|breath\w*|weaning)\b", re.IGNORECASE)
#: "PERRLA 3/3", "pupils 2/2": pupil sizes.
_PUPIL_BEFORE = re.compile(r"\b(?:perrla?|perl|pupils?)\W*$", re.IGNORECASE)
#: A graded finding or a score written as a fraction: "grade 2/6 systolic murmur", "Apgars 8/9".
_GRADE_BEFORE = re.compile(r"\b(?:grade|gr|apgars?|murmurs?|sem|hsm|holosystolic|systolic|diastolic|rub)\W*$",
                           re.IGNORECASE)
_GRADE_AFTER = re.compile(r"\s*(?:murmurs?|sem|hsm|holosystolic|systolic|diastolic|ejection|apgars?)\b", re.IGNORECASE)
#: What follows a fraction or a count: "1/2 NS", "4/4 strength", "4/4 bottles", "3/3 brisk".
_FRACTION_AFTER = re.compile(r"\s*(?:ns|nss|n/s|normal saline|strength|bottles?|btls?|sets|brisk|mm)\b", re.IGNORECASE)
#: A dilution or titre is written like a month/year ("1/2000 dilution", "titer 1/1280").
_DILUTION = re.compile(r"\b(?:dilut\w*|titers?|titres?|ratio)\b", re.IGNORECASE)
#: A word glued to a date that still introduces it: "fx4/97", "on10/14/82".
_GLUED_OK = re.compile(r"(?:\b|\d)(?:fx|cx|dx|on|since|from|until|dated)$", re.IGNORECASE)
_TIMES_BEFORE = re.compile(r"(?:\d\s*[x*]|(?<![a-z])x|#)\s*$", re.IGNORECASE)
_WALK_BEFORE = re.compile(r"\b(?:ambulat\w*|walk\w*|gait|distance|feet|ft)\s+(?:x\s*\d+\s+)?$", re.IGNORECASE)
#: A lab or measurement named before a four-digit number makes it a quantity ("CK 1975", "I/O 1960").
_QUANTITY_BEFORE = re.compile(r"\b(?:ck|cpk|cks|ldh|ast|alt|alk|plt|plts|platelets|wbc|glucose|bs|fs|fsbs|i/o|out|"
                              r"intake|output|uo|u/o|total|tv|vt|svr|pvr|sbp|amylase|lipase|bnp|trop|ammonia|"
                              r"ferritin|osm|weight|wt|dose|pip|neg|pos|positive|negative|balance|even|up|down|"
                              r"to|from|of|at|@|x|room|rm|bed|unit|floor|ext)\s*[:=#]?\s*$", re.IGNORECASE)

#: Words a ventilator-setting chain is made of: "SIMV/PS 500 X 14, 50% 5/5", "TV 400'S, RR 14-19, & 5/10".
_VENT_NOUNS = frozenset({"ps", "psv", "ips", "ipap", "epap", "cpap", "peep", "bipap", "simv", "imv", "prvc", "pcv",
                         "flowby", "fio", "vent", "vented", "ventilator", "settings", "setting", "aprv"})
#: Verbs of weaning: "trialed on 5/5", "weaned down to 10/5".
_VENT_VERBS = frozenset({"trial", "trialed", "trials", "weaning", "wean", "weaned"})
#: Mode names that are also other words ("AC" is antecubital too): a setting only with numbers after them.
_VENT_WEAK = frozenset({"ac", "a", "c", "mode", "cmv"})
_CHAIN_WORDS = frozenset({"x", "tv", "vt", "rr", "o", "fio", "peep", "ps", "rate", "s", "via", "and", "with", "cm",
                          "cmh", "h", "mmv", "over", "down", "up", "back", "changed", "now", "currently"})
_PREPOSITIONS = frozenset({"on", "to", "at", "of", "from"})
_CHAIN_TOKEN = re.compile(r"[A-Za-z]+|\d+|\.\s|\n|\S")


def _vent_chain(before: str) -> bool:
    """Whether ``before`` ends in a ventilator-setting chain: a mode or setting word followed only by
    numbers, units and setting abbreviations, within one sentence ("SIMV/PS 500 X 14, 50% 5/5").

    After a preposition the setting must come from a weaning verb ("trialed on 5/5", "vent changed over
    to 5/5"): "placed on CPAP on 8/23" is a date. A number opening its line starts a new item."""
    tokens = _CHAIN_TOKEN.findall(before)
    seen_number = seen_prep = seen_verb = seen_word = False
    for token in reversed(tokens):
        word = token.lower()
        if token[0] == "." and len(token) == 2:
            return False  # a sentence ends
        if token == "\n":
            if seen_word:
                continue  # a line wrapped inside the sentence
            return False  # the number opens its line
        if word.isdigit():
            seen_number = True
            continue
        if not word[0].isalpha():
            continue
        seen_word = True
        if word in _VENT_VERBS:
            return word.startswith("trial") or seen_prep
        if word in _VENT_NOUNS:
            return not seen_prep or seen_verb
        if word in _VENT_WEAK:
            if seen_number and not seen_prep:
                return True
            if word in {"a", "c"}:
                continue
            return False
        if word in _PREPOSITIONS:
            seen_prep = True
            continue
        if word == "changed":
            seen_verb = True
            continue
        if word in _CHAIN_WORDS:
            continue
        return False
    return False


def _separators_agree(value: str) -> bool:
    """Whether a three-part date uses one separator ("3/2/19", "3-2-19"); "11/21.93" is allowed, but
    "3-4/10", "3.2-40" and "7.30/19" are a range, a lab chain or a blood gas."""
    seps = re.findall(r"[/\-.]", value)
    if len(seps) < 2:
        return True
    return seps[0] == seps[1] or (seps[0] == "/" and seps[1] == ".")


@register("deid.date.v1")
class DateRecognizer(PatternRecognizer):
    """Full and partial dates (8/23, 08/23/2019, Jan 5th, 23-Aug-2019, '92, 1980s) and years in context."""

    RULES = DATE_RULES

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Every date; a list of years ("CVA in 94 and 00") is followed to its end."""
        results = super().analyze(text, entities, nlp_artifacts)
        queue = [r for r in results if r.recognition_metadata.get("rule") in _YEAR_RULES]
        seen = {(r.start, r.end) for r in results}
        while queue:
            result = queue.pop()
            match = _YEAR_CONTINUED.match(text, result.end)
            if match is None or (match.start("phi"), match.end("phi")) in seen:
                continue
            extra = RecognizerResult(Category.DATE.value, match.start("phi"), match.end("phi"), 0.5,
                                     recognition_metadata={"rule": "year-list"})
            seen.add((extra.start, extra.end))
            results.append(extra)
            queue.append(extra)
        return results

    def validate(self, rule: Rule, match: re.Match[str], text: str) -> bool:
        start, end = match.span("phi")
        before = text[max(0, start - 60):start]
        if rule.name == "year-apos-after":
            return not _WALK_BEFORE.search(before)
        if rule.name == "year-bare":
            return not _QUANTITY_BEFORE.search(before)
        if rule.name not in {"md", "mdy", "dmy", "md-range", "my"}:
            return True
        value = match.group("phi")
        if rule.name in {"mdy", "dmy"}:
            year = re.split(r"\s?[/\-.]\s?", value)[-1]
            if not _separators_agree(value) or (len(year) == 4 and not 1800 <= int(year) <= 2099):
                return False  # 3-4/10 pain, 7.30/19 blood gas, 3/2/1500 CO/CI/SVR
        if re.match(r"\s*%|[A-Za-z]", text[end:end + 2]):
            return False  # 12/5/40% vent settings, 1/2ns, 2/2cm
        if start and (text[start - 1].isalpha() or text[start - 1] in "xX") and not _GLUED_OK.search(before):
            return False  # psv5/5, 500x12/5
        if re.search(r"[xX]\.$", before):
            return False  # 550x12x.6/10
        if _VENT_CONTEXT.search(before[-16:]) or _vent_chain(before) or _VENT_AFTER.match(text, end):
            return False
        if rule.name == "my":
            return not (_DILUTION.search(before[-24:]) or _DILUTION.match(text[end:end + 16].lstrip()))
        if rule.name == "md-range":
            return not all(self._fraction(part, before) for part in re.split(r"\s?-\s?", value))
        if rule.name != "md":
            return True
        month_text, day_text = value.split("/")
        month, day = int(month_text), int(day_text)
        if day == 0:
            return False
        after = text[end:end + 16]
        if _BP_CONTEXT.search(before[-24:]):
            return False
        if self._fraction(value, before):
            return False  # 1/2, 2/3, 3/4: fractions
        if day <= 5 and month <= day and (_STRENGTH_CONTEXT.search(before[-24:]) or _STRENGTH_CONTEXT.search(after)):
            return False  # 5/5 strength
        if month == day <= 10 and (_RESP_WORDS.search(before[-30:].rpartition(". ")[2]) or _RESP_WORDS.search(after)):
            return False  # Abg acceptable on 5/5
        if day <= 5 and month <= day and _PUPIL_BEFORE.search(before):
            return False  # PERRLA 3/3
        if day == 10 and (_PAIN_BEFORE.search(before[-40:]) or _PAIN_AFTER.match(after)):
            return False  # CP 4/10, 10/10 angina
        if day <= 10 and month <= day and (_GRADE_BEFORE.search(before[-16:]) or _GRADE_AFTER.match(after)):
            return False  # grade 2/6 murmur, Apgar 8/9
        if day <= 10 and month <= day and _FRACTION_AFTER.match(after):
            return False  # 1/4 NS, 4/4 bottles
        if re.match(r"\s*(?:mmhg|mm\b|sec\b|%)", after, re.IGNORECASE):
            return False
        if month == 2 and day == 2 and not _FRACTION_OK_CONTEXT.search(before[-24:]):
            return False  # "2/2" is shorthand for "secondary to"
        return not _TIMES_BEFORE.search(before)

    @staticmethod
    def _fraction(value: str, before: str) -> bool:
        """Whether ``value`` is a small fraction (1/2, 2/3, 3/4) with no date word before it."""
        month_text, _, day_text = value.partition("/")
        if not (month_text.isdigit() and day_text.isdigit()):
            return False
        month, day = int(month_text), int(day_text)
        return day <= 4 and month < day and not _FRACTION_OK_CONTEXT.search(before[-24:])


@register("deid.age.v1")
class AgeOver89Recognizer(PatternRecognizer):
    """Ages over 89 in digits or words (ages up to 89 are not PHI under Safe Harbor)."""

    RULES = (
        rule("age-years", Category.AGE,
             r"\b(?P<phi>(?:9\d|1[01]\d))(?:\s*|-)(?:y/?o\b|yo\b|y\.o\.|yrs?\b|years?\b|year-old|yr-old|y\b)", 0.9),
        rule("age-sex", Category.AGE, r"(?<![\d.])(?<!temp )(?<!t )(?<!tmax )(?P<phi>(?:9\d|1[01]\d))\s?(?:[MF]|yo[MF])\b(?!\s*(?:temp|°|deg))", 0.8, flags=0),
        rule("age-word", Category.AGE, r"\b(?:age[ds]?|aged)\s*:?\s*(?P<phi>(?:9\d|1[01]\d))\b", 0.85),
        # Ages over 89 in words: "ninety-two year old", "Ninety two years old", "ninety-two-year-old",
        # "one hundred and two yo", "aged ninety-five", "at the age of ninety".
        rule("age-in-words", Category.AGE,
             rf"\b(?P<phi>{AGE_WORDS})[\s\-]+(?:(?:years?|yrs?)(?:[\s\-]+old\b|\s+of\s+age\b)|y/?o\b|yo\b|y\.o\.)", 0.9),
        rule("age-word-in-words", Category.AGE,
             rf"\b(?:age[ds]?|aged|age\s+of)\s*:?\s*(?P<phi>{AGE_WORDS})\b(?![\s\-]*(?:percent|%))", 0.85),
        # An age opening a line or sentence of history: "98 s/p left hip fx", "97 admitted with CHF".
        rule("age-lead", Category.AGE,
             r"(?:^|(?<=\n)|(?<=[.!?]\s))[ \t]*(?P<phi>(?:9\d|1[01]\d))\s+(?=s/p\b|w/|admitted\b|presents\b|presented\b|"
             r"presenting\b|transferred\b|female\b|male\b|man\b|woman\b|gentleman\b|lady\b)", 0.7),
    )
