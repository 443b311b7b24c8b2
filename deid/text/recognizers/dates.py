"""Dates in every common clinical form, years, and ages over 89 (HIPAA identifier (C))."""

from __future__ import annotations

import re

from deid.categories import Category
from deid.text.recognizers.base import PatternRecognizer, Rule, rule
from deid.text.registry import register

MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
DAY = r"(?:0?[1-9]|[12]\d|3[01])"
ORD = r"(?:st|nd|rd|th)"
MON_NUM = r"(?:0?[1-9]|1[0-2])"
YEAR4 = r"(?:1[89]\d\d|20[0-4]\d)"
YEAR = rf"(?:{YEAR4}|'?\d\d)"
NOT_NUM_BEFORE = r"(?<![\d/:])(?<!\d\.)(?<!\d-)"
NOT_NUM_AFTER = r"(?![\d/]|:\d|\.\d)"
UNITS_AFTER = (r"(?!\s*(?:%|cc|ml|mls|mg|mcg|meq|mmol|units?\b|u\b|l\b|lpm|hrs?\b|h\b|kg|lbs?|gm?\b|cm|mm|"
               r"min|sec|kcal|cal\b|x\b|times|beats|bpm|yo\b|y/o|yrs?\b|years?\b|year-old|am\b|pm\b|hours?))")

DATE_RULES = (
    rule("iso", Category.DATE, rf"{NOT_NUM_BEFORE}(?P<phi>{YEAR4}[-/.]{MON_NUM}[-/.]{DAY}){NOT_NUM_AFTER}", 0.95),
    rule("mdy", Category.DATE, rf"{NOT_NUM_BEFORE}(?P<phi>{MON_NUM}\s?[/\-.]\s?{DAY}\s?[/\-.]\s?(?:\d{{4}}|\d\d)){NOT_NUM_AFTER}", 0.95),
    rule("dmy", Category.DATE, rf"{NOT_NUM_BEFORE}(?P<phi>(?:1[3-9]|2\d|3[01])[/\-.]{MON_NUM}[/\-.](?:\d{{4}}|\d\d)){NOT_NUM_AFTER}", 0.9),
    rule("md-range", Category.DATE, rf"{NOT_NUM_BEFORE}(?P<phi>{MON_NUM}/{DAY}\s?-\s?{MON_NUM}/{DAY}){NOT_NUM_AFTER}", 0.8),
    rule("md", Category.DATE, rf"{NOT_NUM_BEFORE}(?P<phi>{MON_NUM}/(?:\d\d?)){NOT_NUM_AFTER}", 0.6),
    rule("d-mon-y", Category.DATE, rf"\b(?P<phi>{DAY}{ORD}?[\s\-]+(?:of\s+)?{MONTH}(?:[\s,\-]+{YEAR})?)\b", 0.9),
    rule("mon-d-y", Category.DATE, rf"\b(?P<phi>{MONTH}[\s\-]+{DAY}{ORD}?(?:(?:,\s*|\s+|-){YEAR})?)(?![\d:])", 0.9),
    rule("mon-y", Category.DATE, rf"\b(?P<phi>{MONTH}(?:,?\s+of)?,?\s+(?:{YEAR4}|'\d\d))\b", 0.9),
    rule("ordinal", Category.DATE, rf"\b(?:the|on|of|since|until|by)\s+(?P<phi>{DAY}{ORD})\b(?!\s*(?:degree|line|floor|ics|intercostal|rib|toe|finger|digit|dose|trimester|time|attempt|order|round|cycle|generation|heart))", 0.7),
    rule("year-apos", Category.DATE, r"(?<![\d'])(?P<phi>'\d\d)(?![\w'])", 0.8),
    rule("year-apos-after", Category.DATE, r"(?<!hob )(?<!hob)(?<!bed )(?<!at )(?<![\w'@])(?P<phi>\d\d')(?![\w'])", 0.6),
    rule("decade", Category.DATE, r"\b(?P<phi>(?:19|20)\d0'?s)\b", 0.85),
    rule("year", Category.DATE, rf"\b(?:in|since|of|year|yr|born|dob|from|until|by|circa|cabg|mi|cva|dx|s/p|"
         rf"surgery|is|its|it's|was|saying|says|said|stated|thinks|believes|back to|during|after|before|spring|summer|"
         rf"fall|winter|early|late|mid)\s+(?P<phi>{YEAR4})(?![\d:]|\.\d|\s*[-–]\s*\d{{3,4}}){UNITS_AFTER}", 0.6),
    rule("year-after-event", Category.DATE,
         r"\b(?:cabg|mi|cva|avr|mvr|tah|bso|chole|appy|ptca|pci|stent|dx|dx'd|diagnosed|surgery|tia|since|in)"
         r"(?:\s+x\d)?\s+(?P<phi>(?:[4-9]\d|[0-2]\d))\b(?![\d/.:%]|\s*(?:%|cc|ml|mg|yo|y/?o|yrs?|years|units|u\b|mm|min|hours?|hrs|days?|minutes|secs?|x\b|am\b|pm\b|beats|bpm|-|'s|s\b))", 0.5),
)

_FRACTION_OK_CONTEXT = re.compile(r"(?:\bon|\bsince|\bfrom|\buntil|\bdated?|\bof|\badm\w*|\bs/p|\bdos|\bdob)\s*$", re.IGNORECASE)
_STRENGTH_CONTEXT = re.compile(r"strength|motor|grip|rue|lue|rle|lle|ue\b|le\b|extrem|flex|ext\b|mae|power|bilat|push|pull|hand|leg|arm", re.IGNORECASE)
_SCALE_CONTEXT = re.compile(r"\b(?:pain|scale|score|rated|level|gcs|rass|cam)\b|/10\b", re.IGNORECASE)
_VENT_CONTEXT = re.compile(r"(?:\bpsv|\bps|\bcpap|\bpeep|\bbipap|\bvent\w*|\bsupport|\bsettings?|\bsimv|"
                           r"\bac|\bimv|\bprvc|\bmode)\s*(?:of\s+|at\s+|to\s+|on\s+)?[:=]?\s*$", re.IGNORECASE)
_BP_CONTEXT = re.compile(r"(?:\bbp|\bnbp|\babp|\bnibp|\bsbp|\bmap|\bcvp|\bpap|\bpa\b|\bpas|a-line|\bart\b|\bratio|\bi:e|\bie)\s*[:=]?\s*$", re.IGNORECASE)


@register("deid.date.v1")
class DateRecognizer(PatternRecognizer):
    """Full and partial dates (8/23, 08/23/2019, Jan 5th, 23-Aug-2019, '92, 1980s) and years in context."""

    RULES = DATE_RULES

    def validate(self, rule: Rule, match: re.Match[str], text: str) -> bool:
        if rule.name in {"md", "mdy", "dmy"}:
            start, end = match.span("phi")
            if re.match(r"\s*%|[A-Za-z]", text[end:end + 2]):
                return False  # 12/5/40% vent settings, 1/2ns, 2/2cm
            if start and (text[start - 1].isalpha() or text[start - 1] in "xX") :
                return False  # psv5/5, 500x12/5
            if _VENT_CONTEXT.search(text[max(0, start - 16):start]):
                return False
        if rule.name != "md":
            return True
        month_text, day_text = match.group("phi").split("/")
        month, day = int(month_text), int(day_text)
        if day == 0:
            return False
        start = match.start("phi")
        before = text[max(0, start - 24):start]
        after = text[match.end("phi"):match.end("phi") + 16]
        if _BP_CONTEXT.search(before):
            return False
        if day <= 4 and month < day and not _FRACTION_OK_CONTEXT.search(before):
            return False  # 1/2, 2/3, 3/4: fractions
        if day == 5 and month <= 5 and (_STRENGTH_CONTEXT.search(before) or _STRENGTH_CONTEXT.search(after)):
            return False  # 5/5 strength
        if day == 10 and (_SCALE_CONTEXT.search(before) or _SCALE_CONTEXT.search(after)):
            return False  # 3/10 pain
        if re.match(r"\s*(?:mmhg|mm\b|sec\b|%)", after, re.IGNORECASE):
            return False
        if month == 2 and day == 2 and re.match(r"\s*(?:to\b|2\b)", after, re.IGNORECASE):
            return False  # "2/2 to": secondary to
        if before.rstrip().endswith(("x", "X", "#")):
            return False
        return True


@register("deid.age.v1")
class AgeOver89Recognizer(PatternRecognizer):
    """Ages over 89 (ages up to 89 are not PHI under Safe Harbor)."""

    RULES = (
        rule("age-years", Category.AGE,
             r"\b(?P<phi>(?:9\d|1[01]\d))(?:\s*|-)(?:y/?o\b|yo\b|y\.o\.|yrs?\b|years?\b|year-old|yr-old|y\b)", 0.9),
        rule("age-sex", Category.AGE, r"(?<![\d.])(?<!temp )(?<!t )(?<!tmax )(?P<phi>(?:9\d|1[01]\d))\s?(?:[MF]|yo[MF])\b(?!\s*(?:temp|°|deg))", 0.8, flags=0),
        rule("age-word", Category.AGE, r"\b(?:age[ds]?|aged)\s*:?\s*(?P<phi>(?:9\d|1[01]\d))\b", 0.85),
    )
