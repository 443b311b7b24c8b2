"""Patient-level propagation: an identifier found with confidence in one note is sought in all of them.

The detector already propagates inside one note. Across notes, what one note gives away with a strong cue
("daughter Mirela called", "Dr. Okonkwo aware") is found in the patient's other notes even where it stands
with no cue at all, and a clinician named with a title in any note is sought in every note of the run.

:class:`Propagator` learns values from the spans of detected notes (:meth:`learn`), then adds spans for
their other occurrences (:meth:`extend_all`). Learning from every note before extending is the two-pass
form (:func:`propagate`); a streaming caller learns batch by batch and extends with what it knows.
Only confident findings teach: a cue-backed name (score >= :data:`MIN_SCORE`), never the learned tagger's
or a weak rule's finding alone, never an everyday word or a clinical word of the allow-list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from deid.categories import Category
from deid.text import lexicon
from deid.text.recognizers.names import without_title
from deid.text.spans import Span, merge_spans

#: Categories whose values are propagated across notes.
CATEGORIES = frozenset({Category.NAME.value, Category.LOCATION.value, Category.FACILITY.value})
#: Lowest score of a finding that teaches a value to the patient's other notes.
MIN_SCORE = 0.75
#: Lowest score of a name that teaches every note of the run (a titled clinician: "Dr. X").
CLINICIAN_SCORE = 0.85
#: Values at least this common in English are not propagated ("Will", "May" as words are everywhere).
MAX_ZIPF = 3.0
SOURCE = "deid.propagated.v1"
#: A value is propagated only while its uncued occurrences are at most this many times its cued ones (+2).
MAX_UNCUED_RATIO = 2


def _teachable(value: str, label: str, allow: frozenset[str]) -> bool:
    """Whether a found value may be sought elsewhere: not a clinical or everyday word; a name written
    capitalised or holding a word of the name lexicon; a place written capitalised (in a lower-case or
    upper-case note, a word a cue once took for a name or place is too often clinical shorthand)."""
    folded = lexicon.fold(value)
    words = folded.replace(",", " ").split()
    if len(folded) < 3 or not value[:1].isalpha() or folded in allow:
        return False
    if all(w in allow or lexicon.english_zipf(w) >= MAX_ZIPF for w in words):
        return False
    capitalised = value[:1].isupper() and not value.isupper()
    if label == Category.NAME.value:
        first, last = lexicon.first_names(), lexicon.last_names()
        return capitalised or any(w in first or w in last for w in words)
    return capitalised


@dataclass
class Propagator:
    """Values learned per person (and for everyone), and the spans they add to other notes."""

    allow: frozenset[str] = frozenset()
    by_person: dict[str, dict[str, str]] = field(default_factory=dict)
    everyone: dict[str, str] = field(default_factory=dict)
    #: How often each (person or None, value) was found by detection: the evidence a value is an identifier.
    found: dict[tuple[str | None, str], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._never = self.allow | lexicon.clinical_allow()

    def learn(self, person: str | None, text: str, spans: Sequence[Span]) -> None:
        """Remember the confident findings of one note of ``person`` (``None``: a note of nobody known)."""
        for span in spans:
            if span.label not in CATEGORIES or span.score < MIN_SCORE:
                continue
            value = text[span.start:span.end]
            if span.label == Category.NAME.value:
                value = without_title(value)  # a name span includes its title; the name alone is sought
            if not _teachable(value, span.label, self._never):
                continue
            folded = lexicon.fold(value)
            self.found[(person, folded)] = self.found.get((person, folded), 0) + 1
            if person is not None:
                self.by_person.setdefault(person, {}).setdefault(folded, span.label)
            if span.label == Category.NAME.value and span.score >= CLINICIAN_SCORE:
                self.everyone.setdefault(folded, span.label)

    def candidates(self, person: str | None, text: str, spans: Sequence[Span]) -> list[Span]:
        """Spans for the uncovered occurrences in ``text`` of values learned for ``person`` or everyone."""
        known = dict(self.everyone)
        if person is not None:
            known.update(self.by_person.get(person, {}))
        if not known:
            return []
        pattern = re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(v) for v in sorted(known, key=len, reverse=True))
                             + r")(?![\w'])", re.IGNORECASE)
        covered = [(s.start, s.end) for s in spans]
        extra = []
        for match in pattern.finditer(lexicon_fold_preserving(text)):
            if any(a < match.end() and match.start() < b for a, b in covered):
                continue
            label = known.get(lexicon.fold(match.group()))
            if label is not None:
                extra.append(Span(match.start(), match.end(), label, 0.6, SOURCE))
        return extra

    def extend_all(self, persons: Sequence[str | None], texts: Sequence[str],
                   spans: Sequence[Sequence[Span]]) -> list[list[Span]]:
        """Every note's spans plus the propagated ones, except for values that stand uncued far more often
        than they were found: a word the notes use as vocabulary (a drug's shorthand that is also a rare
        surname) is not an identifier, however confidently one cue named it once."""
        extra = [self.candidates(p, t, s) for p, t, s in zip(persons, texts, spans, strict=True)]
        uncued: dict[tuple[str | None, str], int] = {}
        for person, text, found in zip(persons, texts, extra):
            for span in found:
                key = (person, lexicon.fold(text[span.start:span.end]))
                uncued[key] = uncued.get(key, 0) + 1

        def evidence(person: str | None, value: str) -> bool:
            found = self.found.get((person, value), 0) + self.found.get((None, value), 0)
            return uncued.get((person, value), 0) <= MAX_UNCUED_RATIO * max(found, 1) + 2

        out = []
        for person, text, found, more in zip(persons, texts, spans, extra):
            keep = [s for s in more if evidence(person, lexicon.fold(text[s.start:s.end]))]
            out.append(merge_spans([*found, *keep]) if keep else list(found))
        return out


def lexicon_fold_preserving(text: str) -> str:
    """``text`` with accents removed character by character, so offsets stay those of ``text``."""
    if text.isascii():
        return text
    return "".join(f[:1] if len(f := lexicon.fold(c)) == 1 else c for c in text)


def propagate(texts: Sequence[str], spans: Sequence[Sequence[Span]], persons: Sequence[str | None],
              allow: frozenset[str] = frozenset()) -> list[list[Span]]:
    """The two-pass form: learn from every note, then extend every note."""
    propagator = Propagator(allow=allow)
    for person, text, found in zip(persons, texts, spans, strict=True):
        propagator.learn(person, text, found)
    return propagator.extend_all(persons, texts, spans)


__all__ = ["CATEGORIES", "CLINICIAN_SCORE", "MIN_SCORE", "Propagator", "propagate"]
