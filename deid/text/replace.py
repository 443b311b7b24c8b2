"""Replacing PHI spans as the policy says, consistently per patient.

One operator per :class:`deid.policy.TextAction`, registered in ``OPERATORS``. Surrogates are drawn from
Faker seeded by HMAC(key, patient, category, value), so the same value of the same patient becomes the
same surrogate in every note and run with that key. Date shifts use the patient's one offset
(:func:`deid.pseudonym.date_shift_days`) and keep the original's format; a date that cannot be parsed is
tagged rather than left in place (fail closed). Each replacement records its rule and reason, never the value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from faker import Faker

from deid.categories import Category
from deid.policy import Policy, TextAction, tag_for
from deid.pseudonym import date_shift_days, pseudonym, surrogate_seed
from deid.text.spans import Span


@dataclass(frozen=True)
class Replacement:
    """What was done to one span: where, which category and action, and why (never the value)."""

    start: int
    end: int
    category: str
    action: str
    source: str
    reason: str


@dataclass(frozen=True)
class Context:
    """What an operator may use: the secret key, the patient, the Faker locale."""

    key: bytes
    person: str
    locale: str


Operator = Callable[[str, Category, Context], str]
OPERATORS: dict[TextAction, Operator] = {}


def operator(action: TextAction) -> Callable[[Operator], Operator]:
    """Register the operator of ``action`` (one per action)."""

    def decorate(func: Operator) -> Operator:
        OPERATORS[action] = func
        return func

    return decorate


@operator(TextAction.DROP)
def _drop(value: str, category: Category, ctx: Context) -> str:
    return ""


@operator(TextAction.TAG)
def _tag(value: str, category: Category, ctx: Context) -> str:
    return tag_for(category)


@operator(TextAction.REDACT)
def _redact(value: str, category: Category, ctx: Context) -> str:
    return "[REDACTED]"


@operator(TextAction.KEEP)
def _keep(value: str, category: Category, ctx: Context) -> str:
    return value


@operator(TextAction.PSEUDONYM)
def _pseudonym(value: str, category: Category, ctx: Context) -> str:
    return f"[{category.value}-{pseudonym(ctx.key, f'{category.value}:{value.casefold().strip()}', length=10)}]"


@operator(TextAction.TOP_CODE)
def _top_code(value: str, category: Category, ctx: Context) -> str:
    digits = re.match(r"\d+", value)
    return "90+" if digits is None or int(digits.group()) >= 90 else value


_FAKERS: dict[str, Faker] = {}


def _faker(locale: str, seed: int) -> Faker:
    fake = _FAKERS.get(locale)
    if fake is None:
        fake = _FAKERS[locale] = Faker(locale)
    fake.seed_instance(seed)
    return fake


def _match_case(template: str, value: str) -> str:
    if template.isupper():
        return value.upper()
    if template.islower():
        return value.lower()
    return value


@operator(TextAction.SURROGATE)
def _surrogate(value: str, category: Category, ctx: Context) -> str:
    if category is Category.NAME:
        # A name span may start with its title ("Dr. Smith"): the title stays, and the surrogate is seeded by
        # the name alone, so "Dr. Smith" and "Smith" get the same surrogate in every note of the patient.
        from deid.text.recognizers.names import without_title

        name = without_title(value)
        if name != value:
            return value[:len(value) - len(name)] + _surrogate(name, category, ctx)
    fake = _faker(ctx.locale, surrogate_seed(ctx.key, ctx.person, category.value, value.casefold().strip()))
    if category is Category.NAME:
        words = value.split()
        if len(words) == 1 and len(value.strip(".")) == 1:
            new = fake.random_uppercase_letter()
        elif len(words) == 1:
            new = fake.last_name()
        else:
            new = f"{fake.first_name()} {fake.last_name()}"
        return _match_case(value, new)
    if category is Category.DATE:
        return shift_date(value, ctx.key, ctx.person) or tag_for(category)
    makers: dict[Category, Callable[[], str]] = {
        Category.LOCATION: fake.city, Category.ADDRESS: fake.street_address, Category.ZIP: fake.postcode,
        Category.FACILITY: lambda: f"{fake.last_name()} Hospital", Category.PHONE: fake.phone_number,
        Category.FAX: fake.phone_number, Category.EMAIL: fake.email, Category.URL: fake.url,
        Category.IP_ADDRESS: fake.ipv4_private,
    }
    maker = makers.get(category)
    return _match_case(value, maker()) if maker else tag_for(category)


@operator(TextAction.DATE_SHIFT)
def _date_shift(value: str, category: Category, ctx: Context) -> str:
    return shift_date(value, ctx.key, ctx.person) or tag_for(category)


@operator(TextAction.YEAR_ONLY)
def _year_only(value: str, category: Category, ctx: Context) -> str:
    parsed = parse_date(value)
    if parsed is not None and parsed.has_year:
        return str(parsed.date.year)
    four = re.search(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", value)
    return four.group(1) if four else tag_for(category)


# ------------------------------------------------------------------------------------------ dates

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_NUMERIC = re.compile(r"^(?P<m>\d{1,2})(?P<s>\s?[/\-.]\s?)(?P<d>\d{1,2})(?:(?P<s2>\s?[/\-.]\s?)(?P<y>\d{4}|\d{2}))?$")
_ISO = re.compile(r"^(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})$")
_TEXTUAL = re.compile(r"^(?P<mon>[A-Za-z]+)\.?(?P<sp>[\s\-]+)(?P<d>\d{1,2})(?P<ord>st|nd|rd|th)?(?:(?P<sep>,\s*|\s+|-)(?P<y>\d{4}))?$", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedDate:
    """A date read from text, with what is needed to write a shifted one in the same format."""

    date: dt.date
    has_year: bool
    render: Callable[[dt.date], str]


def parse_date(value: str) -> ParsedDate | None:
    """Read the common clinical date forms; ``None`` when unsure (the caller then tags the date)."""
    text = value.strip()
    base_year = 2000
    if m := _ISO.match(text):
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        sep, pad = m["s"], len(m["m"]) == 2
        return _safe(y, mo, d, True, lambda x: f"{x.year}{sep}{x.month:0{2 if pad else 1}d}{sep}{x.day:0{2 if pad else 1}d}")
    if m := _NUMERIC.match(text):
        mo, d = int(m["m"]), int(m["d"])
        has_year = m["y"] is not None
        y = int(m["y"]) if has_year else base_year
        two = has_year and len(m["y"]) == 2
        if two:
            y += 1900 if y > 30 else 2000
        s, s2, pm, pd = m["s"], m["s2"] or "", len(m["m"]) == 2, len(m["d"]) == 2

        def render(x: dt.date) -> str:
            out = f"{x.month:0{2 if pm else 1}d}{s}{x.day:0{2 if pd else 1}d}"
            if has_year:
                out += s2 + (f"{x.year % 100:02d}" if two else str(x.year))
            return out

        return _safe(y, mo, d, has_year, render)
    if m := _TEXTUAL.match(text):
        key = m["mon"][:3].lower()
        if key not in _MONTHS:
            return None
        mo, d = _MONTHS.index(key) + 1, int(m["d"])
        has_year = m["y"] is not None
        y = int(m["y"]) if has_year else base_year
        word, sp, ordinal, sep = m["mon"], m["sp"], m["ord"] or "", m["sep"] or ""

        def render_text(x: dt.date) -> str:
            name = dt.date(2000, x.month, 1).strftime("%B" if len(word) > 3 else "%b")
            name = name[: len(word)] if len(word) <= 3 else name
            suffix = _ordinal(x.day) if ordinal else ""
            out = f"{_match_case(word, name) if not word.istitle() else name}{sp}{x.day}{suffix}"
            return out + (f"{sep}{x.year}" if has_year else "")

        return _safe(y, mo, d, has_year, render_text)
    return None


def _ordinal(day: int) -> str:
    return "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _safe(y: int, mo: int, d: int, has_year: bool, render: Callable[[dt.date], str]) -> ParsedDate | None:
    try:
        return ParsedDate(dt.date(y, mo, d), has_year, render)
    except ValueError:
        return None


def shift_date(value: str, key: bytes, person: str) -> str | None:
    """``value`` moved by the person's offset, in its own format; ``None`` if it cannot be read."""
    parsed = parse_date(value)
    if parsed is None:
        return None
    return parsed.render(parsed.date + dt.timedelta(days=date_shift_days(key, person)))


# ------------------------------------------------------------------------------------ applying


class Replacer:
    """Applies a policy's text rules to detected spans."""

    def __init__(self, policy: Policy, key: bytes) -> None:
        self.policy = policy
        self.key = key

    def replace(self, text: str, spans: Sequence[Span], person: str | None) -> tuple[str, list[Replacement]]:
        """The scrubbed text and a record of every replacement (spans must not overlap)."""
        ctx = Context(self.key, person or "", self.policy.text.surrogate_locale)
        pieces: list[str] = []
        done: list[Replacement] = []
        cursor = 0
        for span in sorted(spans, key=lambda s: s.start):
            if span.start < cursor:
                continue
            category = Category(span.label) if span.label in Category.__members__ else Category.ID
            rule = self.policy.text.categories[category]
            pieces.append(text[cursor:span.start])
            pieces.append(OPERATORS[rule.action](text[span.start:span.end], category, ctx))
            done.append(Replacement(span.start, span.end, category.value, rule.action.value, span.source, rule.reason))
            cursor = span.end
        pieces.append(text[cursor:])
        return "".join(pieces), done
