"""Surface forms of identifiers as real notes write them, and the builder that records their offsets.

A note is built by concatenation: plain text with :meth:`NoteBuilder.text`, PHI with :meth:`NoteBuilder.phi`,
which records the span while appending, so ``text[start:end] == span text`` holds by construction. The
builder applies the note's letter case (all caps, all lower case) to each piece *before* measuring it, so a
character whose case mapping changes its length cannot shift an offset.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from deid.categories import Category
from deid.corpus.gold import GoldSpan

Case = Literal["as_is", "upper", "lower"]

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


@dataclass
class NoteBuilder:
    """Accumulates a note's text and the gold spans of the PHI planted in it."""

    case: Case = "as_is"
    _parts: list[str] = field(default_factory=list)
    _spans: list[GoldSpan] = field(default_factory=list)
    _length: int = 0

    def _cased(self, piece: str) -> str:
        return piece.upper() if self.case == "upper" else piece.lower() if self.case == "lower" else piece

    def text(self, piece: str) -> NoteBuilder:
        """Append text that is not PHI."""
        piece = self._cased(piece)
        self._parts.append(piece)
        self._length += len(piece)
        return self

    def phi(self, value: str, category: Category) -> NoteBuilder:
        """Append an identifier and record it as a gold span of ``category``."""
        value = self._cased(value)
        if not value or value != value.strip():
            raise ValueError("a planted value must be non-empty without surrounding blanks")
        self._spans.append(GoldSpan(start=self._length, end=self._length + len(value), label=category.value,
                                    text=value))
        return self.text_raw(value)

    def text_raw(self, piece: str) -> NoteBuilder:
        """Append already-cased text."""
        self._parts.append(piece)
        self._length += len(piece)
        return self

    def build(self) -> tuple[str, list[GoldSpan]]:
        """The note's text and its gold spans."""
        return "".join(self._parts), list(self._spans)


def name_forms(first: str, last: str, *, title: str | None = None) -> list[str]:
    """Ways a note names a person: full, ``Last, First``, first or last alone, initials, titled."""
    forms = [f"{first} {last}", f"{last}, {first}", first, last, f"{first[0]}.{last[0]}.",
             f"{first[0]}{last[0]}", f"{first} {last}".lower(), f"{first[0]}. {last}"]
    if title:
        forms.append(f"{title} {last}")
    return forms


def ordinal(day: int) -> str:
    """``1st``, ``2nd``, ``23rd``, ``11th``."""
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def date_forms(day: date) -> list[str]:
    """Ways a note writes a date: ``8/23``, ``08/23/2019``, ``8/23/19``, ``Aug 23rd``, ``23-Aug-2019``,
    ``2019-08-23``, ``August 23, 2019``, ``23 August 2019``."""
    month = _MONTHS[day.month - 1]
    return [
        f"{day.month}/{day.day}", f"{day.month:02d}/{day.day:02d}/{day.year}", f"{day.month}/{day.day}/{day:%y}",
        f"{month[:3]} {ordinal(day.day)}", f"{day.day:02d}-{month[:3]}-{day.year}", day.isoformat(),
        f"{month} {day.day}, {day.year}", f"{day.day} {month} {day.year}",
    ]


def phone_forms(digits: str) -> list[str]:
    """Ways a note writes a ten-digit phone number."""
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return [f"({a}) {b}-{c}", f"{a}.{b}.{c}", f"{a}-{b}-{c}", digits, f"+1 {a} {b} {c}", f"{a} {b} {c}",
            f"({a}){b}-{c}"]


def ssn_forms(ssn: str) -> list[str]:
    """``123-45-6789``, ``123 45 6789``, ``123456789``."""
    return [ssn, ssn.replace("-", " "), ssn.replace("-", "")]


def pick(rng: random.Random, options: list[str] | tuple[str, ...]) -> str:
    """One of ``options`` (a named helper so templates read as prose)."""
    return rng.choice(options)


__all__ = ["Case", "NoteBuilder", "date_forms", "name_forms", "ordinal", "phone_forms", "pick", "ssn_forms"]
