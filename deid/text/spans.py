"""Spans of PHI in text, the patient's own identifiers, and how overlapping findings are merged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from deid.categories import Category


@dataclass(frozen=True, slots=True)
class Span:
    """One finding: ``text[start:end]`` (Python ``str`` indices) is PHI of ``label``, found by ``source``."""

    start: int
    end: int
    label: str
    score: float
    source: str

    def to_dict(self) -> dict[str, object]:
        """The JSON form used by ``deid detect``."""
        return {"start": self.start, "end": self.end, "label": self.label, "score": round(self.score, 4),
                "source": self.source}


@dataclass(frozen=True)
class PatientIdentifiers:
    """A patient's own identifiers from the structured records, searched for in that patient's notes.

    ``values`` maps a category to the patient's values of it (full names, MRNs, phones, addresses ...);
    variants (first or last name alone, initials, other case, digits without punctuation) are derived.
    """

    values: Mapping[Category, Sequence[str]] = field(default_factory=dict)


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Resolve overlaps: overlapping findings become one span covering all of them.

    The merged span takes the label and source of its highest-scoring member (the longest on a tie), so a
    name found inside an address does not leave part of the address behind.
    """
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[Span] = []
    for span in ordered:
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            best = max((last, span), key=lambda s: (s.score, s.end - s.start))
            merged[-1] = Span(last.start, max(last.end, span.end), best.label, best.score, best.source)
        else:
            merged.append(span)
    return merged
