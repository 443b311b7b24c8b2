"""Finding planted values in data: many values, many cells, one Aho-Corasick pass per column.

Polars' ``str.contains_any`` / ``find_many`` / ``extract_many`` run the Aho-Corasick automaton in Rust, so
the cost grows with the size of the data plus the number of values, not their product. Python only
verifies the candidate cells: the match must stand as a whole token (not "Lee" inside "Leeds") and is
classed exact or case-insensitive. Case folding is ASCII (as the automaton folds); values with letters
outside ASCII match in their exact case only.

Values with fewer than ``min_chars`` letters and digits ("8/23", "'92", initials, "JS") are not searched:
they occur by chance in any data set, and a hit on them would say nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

import polars as pl

from deid.corpus.gold import GoldDoc

MIN_CHARS = 4


@dataclass(frozen=True)
class PlantedValue:
    """A value planted in a corpus, with its label and the first document it was planted in."""

    value: str
    label: str
    doc_id: str


@dataclass(frozen=True)
class PlantedMatch:
    """One occurrence of a planted value in a column: the row, the offsets and how it matched."""

    row: int
    start: int
    end: int
    planted: PlantedValue
    exact: bool


def _alnum(value: str) -> int:
    return sum(ch.isalnum() for ch in value)


def planted_values(gold: Iterable[GoldDoc], labels: Collection[str] | None = None) -> list[PlantedValue]:
    """Every distinct span text of ``gold`` (optionally only of ``labels``), first occurrence kept."""
    seen: dict[str, PlantedValue] = {}
    for doc in gold:
        for span in doc.spans:
            if (labels is None or span.label in labels) and span.text not in seen:
                seen[span.text] = PlantedValue(span.text, span.label, doc.doc_id)
    return list(seen.values())


class PlantedIndex:
    """An automaton over planted values, applied column by column."""

    def __init__(self, values: Iterable[PlantedValue], min_chars: int = MIN_CHARS) -> None:
        self.by_key: dict[str, list[PlantedValue]] = {}
        self.skipped_short = 0
        for planted in values:
            if _alnum(planted.value) >= min_chars:
                self.by_key.setdefault(planted.value.lower(), []).append(planted)
            else:
                self.skipped_short += 1
        self.patterns: list[str] = sorted(self.by_key)

    def __len__(self) -> int:
        return len(self.patterns)

    def find(self, column: pl.Series) -> Iterator[PlantedMatch]:
        """Every whole-token occurrence of a planted value in the string ``column`` (row = position in it)."""
        if not self.patterns or column.len() == 0:
            return
        strings = column if column.dtype == pl.String else column.cast(pl.String, strict=False)
        hits = strings.str.contains_any(self.patterns, ascii_case_insensitive=True).fill_null(False)
        rows = hits.arg_true()
        if rows.len() == 0:
            return
        cells = strings.gather(rows)
        starts = cells.str.find_many(self.patterns, ascii_case_insensitive=True, overlapping=True)
        found = cells.str.extract_many(self.patterns, ascii_case_insensitive=True, overlapping=True)
        for row, cell, offsets, texts in zip(rows.to_list(), cells.to_list(), starts.to_list(), found.to_list()):
            seen: set[tuple[int, str]] = set()
            for start, text in zip(offsets, texts):
                key = text.lower()
                if (start, key) in seen or key not in self.by_key:
                    continue
                seen.add((start, key))
                end = start + len(text)
                if not _whole_token(cell, start, end):
                    continue
                candidates = self.by_key[key]
                exact = [p for p in candidates if p.value == text]
                yield PlantedMatch(row, start, end, (exact or candidates)[0], bool(exact))


def _whole_token(cell: str, start: int, end: int) -> bool:
    """Whether ``cell[start:end]`` is not glued to a letter or digit on a side where it has one itself."""
    if start > 0 and cell[start].isalnum() and cell[start - 1].isalnum():
        return False
    return not (end < len(cell) and cell[end - 1].isalnum() and cell[end].isalnum())


__all__ = ["MIN_CHARS", "PlantedIndex", "PlantedMatch", "PlantedValue", "planted_values"]
