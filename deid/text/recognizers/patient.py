"""Record-aware scrubbing: the patient's own identifiers from the structured records, in any variant.

Built per patient (not registered globally): the detector passes one to Presidio as an ad-hoc recognizer
for each note whose patient is known. Names give full name, each part alone, initials and 'Last, First';
numbers match with or without punctuation; everything case-insensitively.

A name part that is also a clinical or everyday word (a patient named Foley, Parkinson, Bruce or Will) is
matched only where the context makes it a name: after a title, in a header field, beside the patient's
other name parts or a given name, before a credential, after a relation, as the subject of "is a 64 yo".
"Foley catheter", "Parkinson's disease", "Bruce protocol" stay. A name part followed by a dose is a drug
("Allegra 180 mg"). Unambiguous values (rare surnames, MRNs, phones) are matched everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deid.categories import Category
from deid.text import keeplist, lexicon
from deid.text.recognizers.names import (
    AMBIGUOUS_CREDENTIALS,
    CREDENTIALS,
    HEADER_CUE,
    PERSON_PHRASE,
    RELATIONS,
    title_start,
)
from deid.text.spans import PatientIdentifiers

SOURCE = "deid.patient-record.v1"
_NUMERIC = {Category.MRN, Category.PHONE, Category.FAX, Category.SSN, Category.HEALTH_PLAN, Category.ACCOUNT,
            Category.ZIP, Category.LICENSE, Category.ID, Category.DEVICE, Category.VEHICLE}
SCORE = 0.95
#: A given name beside an ambiguous name part makes it a name unless the given name is itself this frequent
#: an English word ('Will', 'May', 'Mark').
GIVEN_MAX_ZIPF = 5.0
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f']*")
#: A credential after a name: any unambiguous one, or an ambiguous one after a comma ("Foley, MD").
_CREDENTIAL_AFTER = re.compile(
    r"(?:,[ \t]*(?:" + "|".join(sorted(CREDENTIALS)) + r")|[ \t]+(?:"
    + "|".join(sorted(CREDENTIALS - AMBIGUOUS_CREDENTIALS)) + r"))\b", re.IGNORECASE)
#: The subject of a history's first sentence: "Foley is a 64-year-old man", "BELL IS A 59 YO F".
_AGE_SUBJECT_AFTER = re.compile(r"[ \t]+(?:is|was)[ \t]+an?[ \t]+\d", re.IGNORECASE)


def is_ambiguous(word: str) -> bool:
    """A name part that is also a clinical word or an everyday word (Foley, Bell, Bruce, Will)."""
    return lexicon.is_common_word(word)


def _name_words(full: str) -> list[str]:
    return [w for w in (p.strip(".") for p in re.split(r"[\s,]+", full.strip())) if len(w) >= 2]


def _name_variants(full: str) -> set[str]:
    """Every form of one full name; an ambiguous part alone is left out (see :class:`NameContext`)."""
    words = _name_words(full)
    variants = {full.strip()} if len(words) >= 2 or not words or not is_ambiguous(words[0]) else set()
    variants.update(w for w in words if not is_ambiguous(w))
    if len(words) >= 2:
        first, last = words[0], words[-1]
        variants.update({f"{last}, {first}", f"{last},{first}", f"{first} {last}", f"{first[0]}. {last}",
                         f"{first[0]}.{last[0]}."})
        if not is_ambiguous(_initials(full)):
            variants.add(_initials(full))  # "JS"; but "BY", "CR" are words first (see PatientRecognizer)
        if not is_ambiguous(last):
            variants.add(f"{first[0]} {last}")  # "A Foley" is as likely "a Foley" (catheter)
    return {v for v in variants if len(v) >= 2}


def _initials(full: str) -> str:
    """The initials of the first and last name, without periods ('JS'); empty for a one-word name."""
    words = _name_words(full)
    return f"{words[0][0]}{words[-1][0]}".upper() if len(words) >= 2 else ""


def _number_pattern(value: str) -> str | None:
    digits = [c for c in value if c.isalnum()]
    if sum(c.isdigit() for c in digits) < 4:
        return None
    return r"(?<![\w])" + r"[\s.\-()/]{0,2}".join(re.escape(c) for c in digits) + r"(?![\w])"


@dataclass(frozen=True)
class NameContext:
    """Whether an occurrence of an ambiguous name part stands where a name stands.

    ``own`` are the folded, unambiguous words of the patient's names (and of the clinicians the records
    name), so that "John Michael Foley" counts for "Michael Foley" too.
    """

    own: frozenset[str]

    def is_name(self, text: str, start: int, end: int) -> bool:
        """A title, a header field, a letter's "thank you for seeing", a relation or a given name before; a
        given name, a credential or "is a 64 yo" after."""
        before = text[max(0, start - 40):start]
        if title_start(text, start) is not None or HEADER_CUE.search(before) or PERSON_PHRASE.search(before):
            return True
        previous = re.search(r"([A-Za-z\u00c0-\u024f']+)(\.?)[ \t]{1,2}$", before)
        if previous is not None and self._names_before(previous.group(1), previous.group(2), text[start:end]):
            return True
        after = text[end:end + 40]
        following = re.match(r",?[ \t]{1,2}([A-Za-z\u00c0-\u024f']+)", after)
        if following is not None and self._given_name(following.group(1)):
            return True
        return bool(_CREDENTIAL_AFTER.match(after) or _AGE_SUBJECT_AFTER.match(after))

    def _names_before(self, word: str, period: str, value: str) -> bool:
        """'John Foley', 'J. Foley', 'son Bruce': a given name, an initial with its period, or a relation."""
        folded = lexicon.fold(word)
        if folded in RELATIONS:
            return not period
        if len(folded) == 1:
            return bool(period) and word.isupper() and not value.islower()
        return self._given_name(word)

    def _given_name(self, word: str) -> bool:
        """One of the patient's own name words, or a given name written with a capital that is no very
        frequent word ('Jane Foley', 'FOLEY, JANE'; not 'will' or 'may')."""
        folded = lexicon.fold(word)
        if folded in self.own:
            return True
        return (not word.islower() and folded in lexicon.first_names() and folded not in lexicon.clinical_allow()
                and lexicon.english_zipf(folded) < GIVEN_MAX_ZIPF)


class PatientRecognizer(EntityRecognizer):
    """Finds one patient's own identifiers and their variants."""

    def __init__(self, patient: PatientIdentifiers) -> None:
        super().__init__(supported_entities=sorted({c.value for c in patient.values} or {"NAME"}),
                         name=SOURCE, supported_language="en")
        self._patterns: list[tuple[Category, re.Pattern[str]]] = []
        for category, values in patient.values.items():
            for pattern in self._patterns_for(category, values):
                self._patterns.append((category, re.compile(pattern, re.IGNORECASE)))
        names = [v for v in patient.values.get(Category.NAME, ()) if v and v.strip()]
        words = {lexicon.fold(w) for v in names for w in _name_words(v)}
        ambiguous = sorted({w for w in words if is_ambiguous(w)}, key=len, reverse=True)
        self._context = NameContext(frozenset(words.difference(ambiguous)))
        #: Name parts and initials that are words too ('Foley', 'BY', 'CR'), matched only where a name stands.
        self._contextual: list[re.Pattern[str]] = []
        if ambiguous:
            self._contextual.append(re.compile(
                r"(?<![\w])(?:" + "|".join(re.escape(w) for w in ambiguous) + r")(?![\w])", re.IGNORECASE))
        initials = sorted({i for i in map(_initials, names) if len(i) == 2 and is_ambiguous(i)})
        if initials:
            self._contextual.append(re.compile(r"(?<![\w.])(?:" + "|".join(initials) + r")(?![\w.])",
                                               re.IGNORECASE))

    @staticmethod
    def _patterns_for(category: Category, values: Iterable[str]) -> list[str]:
        patterns: list[str] = []
        for value in values:
            if not value or not value.strip():
                continue
            if category is Category.NAME:
                for variant in sorted(_name_variants(value), key=len, reverse=True):
                    body = r"\s+".join(re.escape(w) for w in variant.split())
                    patterns.append(r"(?<![\w])" + body + r"(?![\w])")
            elif category in _NUMERIC:
                numeric = _number_pattern(value)
                if numeric:
                    patterns.append(numeric)
            else:
                words = value.split()
                if words:
                    patterns.append(r"(?<![\w])" + r"[\s,.]+".join(re.escape(w) for w in words) + r"(?![\w])")
        return patterns

    def load(self) -> None:
        """Nothing to load."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Every occurrence of the patient's identifiers (ambiguous name parts only where a name stands)."""
        found: list[tuple[Category, int, int]] = []
        for category, pattern in self._patterns:
            for match in pattern.finditer(text):
                if category is Category.NAME and self._drug(text, match.start(), match.end()):
                    continue
                found.append((category, match.start(), match.end()))
        for pattern in self._contextual:
            for match in pattern.finditer(text):
                if self._context.is_name(text, match.start(), match.end()):
                    found.append((Category.NAME, match.start(), match.end()))
        return self._results(text, found)

    @staticmethod
    def _drug(text: str, start: int, end: int) -> bool:
        """One word with a dose after it and no title before: a drug that shares the name ("Allegra 180 mg")."""
        return (" " not in text[start:end].strip() and keeplist.followed_by_dose(text, end)
                and title_start(text, start) is None)

    @staticmethod
    def _results(text: str, found: Sequence[tuple[Category, int, int]]) -> list[RecognizerResult]:
        """Presidio results; a name after an honorific also as one span with its title ("Mrs. Foley"), a
        hair lower so the bare name survives Presidio's removal of contained results."""
        results = []
        for category, start, end in found:
            results.append(RecognizerResult(category.value, start, end, SCORE,
                                            recognition_metadata={"rule": "patient-record"}))
            title = title_start(text, start) if category is Category.NAME else None
            if title is not None:
                results.append(RecognizerResult(category.value, title, end, SCORE - 0.001,
                                                recognition_metadata={"rule": "patient-record"}))
        return results
