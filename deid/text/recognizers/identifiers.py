"""Numbers that identify: SSN, medical record, health plan, account, card, licence (DEA, NPI), vehicle,
device, and other unique identifiers (HIPAA (G)-(M), (R))."""

from __future__ import annotations

import re

from deid.categories import Category
from deid.text.recognizers.base import PatternRecognizer, Rule, luhn_ok, rule
from deid.text.registry import register

_SEP = r"\s*(?:#|no\.?|num(?:ber)?|id|code)?\s*[:#=]?\s*"
_VALUE = r"(?P<phi>[A-Z]{0,4}[-\s]?\d[\dA-Z\-]{3,20}\d)"
#: A device serial may end in letters too ("GE-557965-Y", "PM4471902XR"): the whole serial is the
#: identifier, so a letter suffix of up to four letters (after a dash or glued) is part of it.
_SERIAL = r"(?P<phi>[A-Z]{0,4}[-\s]?\d[\dA-Z\-]{3,20}\d(?:-?[A-Z]{1,4})?)"
#: Two 24-hour times joined by a dash (0330-0630), the whole value or its end.
_TIME_RANGE = re.compile(r"(?:^|\s)(?:[01]\d|2[0-3])[0-5]\d-(?:[01]\d|2[0-3])[0-5]\d$")


def _ctx(words: str, value: str = _VALUE) -> str:
    """A value introduced by one of ``words`` ("MRN: 123456", "serial no. GE-557965-Y")."""
    return rf"\b(?:{words}){_SEP}{value}\b"


@register("deid.ssn.v1")
class SsnRecognizer(PatternRecognizer):
    """US social security numbers: dashed or spaced anywhere, nine digits after an SSN cue."""

    RULES = (
        rule("ssn", Category.SSN, r"(?<![\d\-])(?P<phi>\d{3}-\d{2}-\d{4})(?![\d\-])", 0.9),
        rule("ssn-spaced", Category.SSN, r"(?<![\d\s])(?P<phi>\d{3} \d{2} \d{4})(?![\d])", 0.6),
        rule("ssn-last4", Category.SSN, r"\b(?:last\s+(?:four|4)(?:\s+digits)?\s+(?:of\s+)?(?:the\s+)?(?:ssn|social(?: security)?(?: number| no\.?| #)?|ss#)|(?:ssn|social security(?: number)?|ss#)\s+(?:ending|ends)\s+(?:in|with)?)\s*[:#]?\s*(?:is\s+)?(?P<phi>\d{4})\b", 0.95),
        rule("ssn-cue", Category.SSN, r"\b(?:ssn|ss#|social security(?: number| no\.?| #)?)\s*[:#]?\s*(?P<phi>\d{9}|\d{3}[\s.\-]\d{2}[\s.\-]\d{4})\b", 0.95),
    )

    def validate(self, rule: Rule, match: re.Match[str], text: str) -> bool:
        digits = re.sub(r"\D", "", match.group("phi"))
        if rule.name == "ssn-last4":
            return True
        return digits[:3] != "000" and digits[3:5] != "00" and digits[5:] != "0000"


@register("deid.record-number.v1")
class RecordNumberRecognizer(PatternRecognizer):
    """Medical record, health plan, account, licence and certificate numbers introduced by their names."""

    RULES = (
        rule("mrn", Category.MRN, _ctx(r"mrn|mr|medical record(?: number)?|med rec|record|chart|unit|hosp(?:ital)? no|patient id|pt id"), 0.9),
        rule("health-plan", Category.HEALTH_PLAN, _ctx(r"member|subscriber|policy|insurance|insurer|plan|medicaid|medicare|beneficiary|group|hicn|mbi"), 0.85),
        rule("account", Category.ACCOUNT, _ctx(r"account|acct|billing|invoice|claim|encounter|visit|fin|har"), 0.85),
        rule("license", Category.LICENSE, _ctx(r"licen[cs]e|lic\.?|certificate|cert\.?|registration|permit|dea|npi|board cert"), 0.85),
        rule("device", Category.DEVICE,
             _ctx(r"serial|s/n|sn|device|implant|pacemaker|icd|lot|model|udi|catalog|ref", _SERIAL), 0.7),
        rule("vehicle", Category.VEHICLE, r"\b(?:plate|license plate|tag|vehicle|vin)\b\s*(?:#|no\.?|number)?\s*[:#]?\s*(?P<phi>[A-Z0-9][A-Z0-9\- ]{3,9}[A-Z0-9])\b", 0.8),
    )

    def validate(self, rule: Rule, match: re.Match[str], text: str) -> bool:
        value = match.group("phi")
        if _TIME_RANGE.search(value):
            return False  # "one unit PRBC 0330-0630": a transfusion's times, not a unit number
        digits = sum(ch.isdigit() for ch in value)
        return digits >= 4 or (rule.name == "vehicle" and digits >= 2)


@register("deid.standalone-id.v1")
class StandaloneIdRecognizer(PatternRecognizer):
    """Identifiers recognisable by shape alone: DEA and NPI numbers (checksums), VINs, payment cards
    (Luhn), and long digit or letter-digit runs that no clinical quantity has."""

    RULES = (
        rule("dea", Category.LICENSE, r"\b(?P<phi>[ABCDEFGHJKLMPRSTUX][A-Z9]\d{7})\b", 0.85, flags=0),
        rule("npi", Category.LICENSE, r"\b(?P<phi>[12]\d{9})\b", 0.6),
        rule("vin", Category.VEHICLE, r"\b(?P<phi>[A-HJ-NPR-Z0-9]{17})\b", 0.85, flags=0),
        rule("card", Category.ACCOUNT, r"(?<![\d\-])(?P<phi>\d{4}[\s\-]?\d{4,6}[\s\-]?\d{4,5}(?:[\s\-]?\d{1,4})?)(?![\d\-])", 0.8),
        rule("iban", Category.ACCOUNT, r"\b(?P<phi>[A-Z]{2}\d{2}[A-Z0-9]{11,30})\b", 0.85),
        rule("long-number", Category.ID, r"(?<![\d.,/:\-])(?P<phi>\d{7,})(?![\d.,/:]|[ \t]*(?:units?|u|mg|mcg|ml|cc)\b)", 0.6),
        rule("mixed-id", Category.ID, r"\b(?P<phi>(?=[A-Z0-9-]*\d{4})(?=[A-Z0-9-]*[A-Z])[A-Z]{1,4}-?\d{5,12}[A-Z]?)\b", 0.6, flags=0),
    )

    def validate(self, rule: Rule, match: re.Match[str], text: str) -> bool:
        value = match.group("phi")
        digits = re.sub(r"\D", "", value)
        if rule.name == "dea":
            d = [int(c) for c in value[2:]]
            return (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10 == d[6]
        if rule.name == "npi":
            return luhn_ok("80840" + digits)
        if rule.name == "vin":
            return sum(c.isdigit() for c in value) >= 3 and sum(c.isalpha() for c in value) >= 3
        if rule.name == "card":
            return 13 <= len(digits) <= 19 and luhn_ok(digits)
        if rule.name == "iban":
            return sum(c.isdigit() for c in value) >= 8
        return True
