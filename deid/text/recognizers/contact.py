"""Telephone and fax numbers, e-mail addresses, URLs and IP addresses (HIPAA (D), (E), (F), (N), (O))."""

from __future__ import annotations

import ipaddress
import re

import phonenumbers

from deid.categories import Category
from deid.text.recognizers.base import PatternRecognizer, Rule, rule
from deid.text.registry import register

_PHONE_REGIONS = ("US", "GB", "DE", "FR", "CH", "IT", "ES", "NL", "BE", "AT", "SE", "NO", "DK", "FI", "IE",
                  "PL", "CZ", "HU", "PT", "BR", "AU", "NZ", "CA", "IN", "IL")
_FAX_BEFORE = re.compile(r"\bfax\b[^\n\d]{0,12}$", re.IGNORECASE)
#: Words or an area code that announce a phone number just before it.
_PHONE_CUE_BEFORE = re.compile(r"(?:\b(?:phone|tel|telephone|cell|cellular|mobile|home|work|office|pager|beeper|pgr|call|"
                               r"contact|number|ph|fax|at)\b|#|\(?\d{3}\)?)\W{0,4}$", re.IGNORECASE)
#: A measurement named just before a number range ("HR 100-1112", "SVR 954-1183", "TV 500-1000").
_MEASURE_BEFORE = re.compile(r"\b(?:hr|heart rate|svr|pvr|tv|vt|stv|volumes?|rr|bp|sbp|map|plt|platelets|wbc|glucose|"
                             r"bs|between|from|to|of|voiding|passed|pass|is|are|was|were|tylenol|dose)\s*[:=]?\s*$",
                             re.IGNORECASE)
_UNIT_AFTER = re.compile(r"\s*(?:cc|ccs|ml|mls|mg|mcg|units?|u\b|%|/|l\b|meq|cyu)", re.IGNORECASE)
#: What follows a run of vital signs or blood-gas values: a percentage, a unit, a duration.
_NOT_PHONE_AFTER = re.compile(r"\s*(?:%|minutes|mins?\b|hrs?\b|hours|secs?\b|cc|ml|mg|mcg|units?\b|mmhg)",
                              re.IGNORECASE)
#: Two-letter domains that are clinical abbreviations in notes ("WARM.CO AND CI", "PCWP 11.CO/ci").
_AMBIGUOUS_TLD = re.compile(r"\.(?:co|ca|us|it|es|de|pl|se|ch)(?:/|$)", re.IGNORECASE)


@register("deid.phone.v1")
class PhoneRecognizer(PatternRecognizer):
    """North American numbers in every common layout, pagers and extensions, and international numbers
    (checked with Google's libphonenumber). A number after 'fax' is labelled FAX."""

    RULES = (
        rule("nanp", Category.PHONE,
             r"(?<![\d\-.])(?P<phi>(?:\+?1[\s.\-]?)?(?:\(\s*\d{3}\s*\)|\d{3})[\s.\-]{0,2}\d{3}[\s.\-]{1,2}\d{4}"
             r"(?:\s*(?:x|ext\.?|extension)\s*\d{1,5})?)(?![\d\-])", 0.9),
        rule("ten-digits", Category.PHONE, r"(?<![\d\-./])(?P<phi>[2-9]\d{2}[2-9]\d{6})(?![\d\-/])", 0.7),
        rule("split-nanp", Category.PHONE, r"(?<![\d\-])(?P<phi>\d{3}-\s\d{3}-\s?\d{4})(?!\d)", 0.85),
        rule("seven", Category.PHONE, r"(?<![\d\-./])(?P<phi>\d{3}-\d{4})(?![\d\-/])", 0.6),
        rule("pager", Category.PHONE,
             r"\b(?:pager|beeper|pgr|pg|page|beep|cell|tel|phone|ph|call|contact|home|work|office)\s*"
             r"(?:[:#]\s*)?(?:#|no\.?|number|num)?\s*[:#]?\s*(?P<phi>\d{4,7})\b", 0.75),
        rule("intl", Category.PHONE,
             r"(?<![\w+])(?P<phi>(?:\+\d{1,3}[\s.\-]?)?(?:\(0?\d{1,4}\)[\s.\-]?)?\d{2,5}(?:[\s.\-]\d{2,8}){1,4}"
             r"(?:\s?x\d{1,5})?)(?![\w/]|-\d)", 0.6),
        rule("cue-before", Category.PHONE,
             r"\b(?:phone|tel|telephone|mobile|cell|cellular|desk|fax|office|home|work|pager|beeper|"
             r"call(?:ed)?(?: me)?(?: on| at)?|reach(?:ed)?(?: me)?(?: on| at)|text(?: me)?(?: on| at)?|registered|"
             r"number|contact|ph|ext)\s*(?:#|no\.?|number)?\s*[:#=]?\s*(?P<phi>\+?[\d(][\d \t().\-]{5,22}\d)", 0.75),
        rule("cue-after", Category.PHONE,
             r"(?<![\w+])(?P<phi>\+?[\d(][\d \t().\-]{5,22}\d)\s*-?\s*\(?(?:office|fax|mobile|cell|home|work|desk)\b", 0.75),
    )

    def validate(self, rule: Rule, match: re.Match[str], text: str) -> bool:
        candidate = match.group("phi")
        if rule.name in {"cue-before", "cue-after"}:
            digits = re.sub(r"\D", "", candidate)
            looks_like_date = re.fullmatch(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}", candidate.strip())
            return 7 <= len(digits) <= 15 and not looks_like_date and "\n\n" not in candidate
        if rule.name == "seven":
            return self._seven_is_phone(match, text)
        if rule.name != "intl":
            return True
        start, end = match.span("phi")
        if re.search(r"(?:\d[./]|/)\s*$", text[max(0, start - 3):start]) or _NOT_PHONE_AFTER.match(text, end):
            return False  # 148/60 77 28 99%, ABG 7.38 47 72 95, VT 800-1000 15 minutes
        if re.search(r"\b([01]\d|2[0-4])[0-5]\d\s?[-–]\s?([01]\d|2[0-4])[0-5]\d\b", candidate):
            return False  # a shift: 1900-0700
        digits = re.sub(r"\D", "", candidate.split("x")[0])
        if not 8 <= len(digits) <= 15:
            return False
        if re.fullmatch(r"(?:19|20)\d\d[-./]\d\d?[-./]\d\d?", candidate):
            return False  # an ISO date
        has_plus = candidate.startswith("+")
        for region in ("ZZ",) if has_plus else _PHONE_REGIONS:
            try:
                number = phonenumbers.parse(candidate, None if has_plus else region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number) or (has_plus and phonenumbers.is_possible_number(number)):
                return True
        return False

    @staticmethod
    def _seven_is_phone(match: re.Match[str], text: str) -> bool:
        """A bare ddd-dddd is a local number unless it reads as a range of a measurement: a rising pair
        such as 900-1100 or 500-1000, a measurement named before it, or a unit after it."""
        start, end = match.span("phi")
        before = text[max(0, start - 30):start]
        if _PHONE_CUE_BEFORE.search(before):
            return True
        first, last = (int(part) for part in match.group("phi").split("-"))
        if first < last and (last <= 2 * first or last % 100 == 0):
            return False
        return not (_MEASURE_BEFORE.search(before) or _UNIT_AFTER.match(text, end))

    def analyze(self, text, entities, nlp_artifacts=None):  # type: ignore[no-untyped-def]
        """Phone findings; those introduced by 'fax' become FAX."""
        results = super().analyze(text, entities, nlp_artifacts)
        for result in results:
            if _FAX_BEFORE.search(text[max(0, result.start - 16):result.start]):
                result.entity_type = Category.FAX.value
        return results


@register("deid.email.v1")
class EmailRecognizer(PatternRecognizer):
    """E-mail addresses (RFC 5322 in its common form)."""

    RULES = (
        rule("email", Category.EMAIL,
             r"(?<![\w.+-])(?P<phi>[\w.+%-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24})\b",
             0.95),
    )


@register("deid.url.v1")
class UrlRecognizer(PatternRecognizer):
    """Web addresses with a scheme, 'www.', or a common top-level domain."""

    RULES = (
        rule("scheme", Category.URL, r"(?P<phi>\b(?:https?|ftp)://[^\s<>\"')\]]+[^\s<>\"')\].,;:!?])", 0.95),
        rule("www", Category.URL, r"(?P<phi>\bwww\.[^\s<>\"')\]]+[^\s<>\"')\].,;:!?])", 0.9),
        rule("domain", Category.URL,
             r"(?<![@\w.])(?P<phi>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\."
             r"(?:com|org|net|edu|gov|mil|io|us|uk|de|fr|info|biz|health|care|co|ca|au|hu|cz|pl|it|es|nl|se|ch)"
             r"(?:/[^\s<>\"')\]]*[^\s<>\"')\].,;:!?])?)\b", 0.7),
    )

    def validate(self, rule: Rule, match: re.Match[str], text: str) -> bool:
        """A bare domain with a two-letter ending that is also a clinical abbreviation ("CO" cardiac output,
        "CA" cancer) is kept only when it is written like a web address: lower case, a name before the dot."""
        if rule.name != "domain":
            return True
        value = match.group("phi")
        if not _AMBIGUOUS_TLD.search(value):
            return True
        host = value.split("/")[0]
        return not host.isupper() and not host.split(".")[0].isdigit()


@register("deid.ip.v1")
class IpRecognizer(PatternRecognizer):
    """IPv4 and IPv6 addresses, validated by the standard library."""

    RULES = (
        rule("ipv4", Category.IP_ADDRESS, r"(?<![\d.])(?P<phi>(?:\d{1,3}\.){3}\d{1,3})(?![\d.]|\.\d)", 0.9),
        rule("ipv6", Category.IP_ADDRESS,
             r"(?<![\w:])(?P<phi>(?:[0-9a-f]{1,4}:){2,7}(?::|[0-9a-f]{1,4})(?::[0-9a-f]{1,4})*)(?![\w:])", 0.85),
    )

    def validate(self, rule: Rule, match: re.Match[str], text: str) -> bool:
        try:
            ipaddress.ip_address(match.group("phi"))
        except ValueError:
            return False
        return True
