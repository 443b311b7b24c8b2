"""Base class for recognizers driven by compiled regular expressions with a ``phi`` group.

A pattern may match context around the identifier ("pager #12345"); the named group ``phi`` marks the part
that is PHI. ``validate`` is the checksum or plausibility hook (Luhn, octet range, month/day range).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deid.categories import Category


@dataclass(frozen=True)
class Rule:
    """One pattern: its name (recorded in the span's source), category, regex and score."""

    name: str
    category: Category
    regex: re.Pattern[str]
    score: float


class PatternRecognizer(EntityRecognizer):
    """Runs ``RULES`` over the text; subclasses add rules and may override :meth:`validate`."""

    RULES: ClassVar[Sequence[Rule]] = ()
    registered_name: ClassVar[str] = "deid.unregistered.v0"

    def __init__(self) -> None:
        entities = sorted({rule.category.value for rule in self.RULES}) or ["ID"]
        super().__init__(supported_entities=entities, name=self.registered_name, supported_language="en")

    def load(self) -> None:
        """Nothing to load: the patterns are compiled at import."""

    def validate(self, rule: Rule, match: re.Match[str], text: str) -> bool:
        """Whether a match is a real identifier (checksums, ranges, context); True by default."""
        return True

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Every validated match of every rule, as Presidio results."""
        results: list[RecognizerResult] = []
        for rule in self.RULES:
            for match in rule.regex.finditer(text):
                start, end = match.span("phi") if "phi" in rule.regex.groupindex else match.span()
                if start == end or not self.validate(rule, match, text):
                    continue
                results.append(
                    RecognizerResult(rule.category.value, start, end, rule.score,
                                     recognition_metadata={"rule": rule.name})
                )
        return results


def rule(name: str, category: Category, pattern: str, score: float, flags: int = re.IGNORECASE) -> Rule:
    """Compile a :class:`Rule` (case-insensitive unless ``flags`` says otherwise)."""
    return Rule(name, category, re.compile(pattern, flags), score)


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum (ISO/IEC 7812-1) of a digit string."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0
