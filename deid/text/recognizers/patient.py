"""Record-aware scrubbing: the patient's own identifiers from the structured records, in any variant.

Built per patient (not registered globally): the detector passes one to Presidio as an ad-hoc recognizer
for each note whose patient is known. Names give full name, each part alone, initials and 'Last, First';
numbers match with or without punctuation; everything case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deid.categories import Category
from deid.text.spans import PatientIdentifiers

SOURCE = "deid.patient-record.v1"
_NUMERIC = {Category.MRN, Category.PHONE, Category.FAX, Category.SSN, Category.HEALTH_PLAN, Category.ACCOUNT,
            Category.ZIP, Category.LICENSE, Category.ID, Category.DEVICE, Category.VEHICLE}


def _name_variants(full: str) -> set[str]:
    parts = [p for p in re.split(r"[\s,]+", full.strip()) if p]
    variants = {full.strip()}
    words = [p.strip(".") for p in parts if len(p.strip(".")) >= 2]
    variants.update(words)
    if len(words) >= 2:
        first, last = words[0], words[-1]
        variants.update({f"{last}, {first}", f"{last},{first}", f"{first} {last}", f"{first[0]}. {last}",
                         f"{first[0]} {last}", f"{first[0]}.{last[0]}.", f"{first[0]}{last[0]}"})
    return {v for v in variants if len(v) >= 2}


def _number_pattern(value: str) -> str | None:
    digits = [c for c in value if c.isalnum()]
    if sum(c.isdigit() for c in digits) < 4:
        return None
    return r"(?<![\w])" + r"[\s.\-()/]{0,2}".join(re.escape(c) for c in digits) + r"(?![\w])"


class PatientRecognizer(EntityRecognizer):
    """Finds one patient's own identifiers and their variants."""

    def __init__(self, patient: PatientIdentifiers) -> None:
        super().__init__(supported_entities=sorted({c.value for c in patient.values} or {"NAME"}),
                         name=SOURCE, supported_language="en")
        self._patterns: list[tuple[Category, re.Pattern[str]]] = []
        for category, values in patient.values.items():
            for pattern in self._patterns_for(category, values):
                self._patterns.append((category, re.compile(pattern, re.IGNORECASE)))

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
        """Every occurrence of the patient's identifiers."""
        results = []
        for category, pattern in self._patterns:
            for match in pattern.finditer(text):
                results.append(RecognizerResult(category.value, match.start(), match.end(), 0.95,
                                                recognition_metadata={"rule": "patient-record"}))
        return results
