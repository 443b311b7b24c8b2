"""Generalization hierarchies: for each original value, what it is released as at each level.

A hierarchy has one row per original value (a *leaf*) and one column per level: level 0 is the value itself,
each higher level is coarser, and the top level is usually ``*``. Three sources, as the policy declares them
(:class:`deid.policy.models.GeneralizeColumn`):

- a ``;``-delimited CSV file (the format of ARX and of ``../shared/data/adult/adult_hierarchy_*.csv``);
- inline numeric intervals, one list of bands per level; ``*`` is added as the top level;
- inline string prefixes (characters kept per level); ``*`` is added as the top level.

A hierarchy must be *monotone*: two values that are equal at one level stay equal at every higher level
(otherwise generalizing one more level could separate records again and k-anonymity would not be monotone,
which the lattice search relies on). Errors name the file, row and level, never a value.

Domain shares (the fraction of the leaf domain that a generalized value covers) feed ARX's Loss metric
(Iyengar 2002, "Transforming data to satisfy privacy constraints"; ARX ``DomainShareMaterialized``).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from deid.errors import ConfigError, InputError
from deid.policy.models import GeneralizeColumn, Interval, Policy

SUPPRESSED = "*"


@dataclass(frozen=True)
class Hierarchy:
    """A materialized, validated hierarchy. ``codes[l][i]`` is the level-``l`` class of leaf ``i``."""

    column: str
    source: str
    leaves: tuple[str, ...]
    labels: tuple[tuple[str, ...], ...]  # labels[l][code]: what code ``code`` of level ``l`` is released as
    codes: tuple[np.ndarray, ...]  # codes[l][leaf]: code at level l (int32)
    index: dict[str, int] = field(repr=False)
    notes: tuple[str, ...] = ()  # what was accepted and how, e.g. identical duplicate rows (no values)

    @property
    def height(self) -> int:
        """Number of levels, level 0 included."""
        return len(self.codes)

    @property
    def top(self) -> int:
        """The highest level."""
        return len(self.codes) - 1

    def shares(self, level: int) -> np.ndarray:
        """Per leaf: the share of the leaf domain its level-``level`` value covers (ARX domain share)."""
        codes = self.codes[level]
        counts = np.bincount(codes, minlength=len(self.labels[level]))
        return counts[codes] / float(len(self.leaves))

    def generalize(self, value: str, level: int) -> str:
        """``value`` released at ``level`` (KeyError if ``value`` is not a leaf)."""
        return self.labels[level][int(self.codes[level][self.index[value]])]

    def mapping(self, level: int) -> dict[str, str]:
        """Leaf to its label at ``level``, for mapping a column."""
        labels = self.labels[level]
        codes = self.codes[level]
        return {leaf: labels[int(codes[i])] for i, leaf in enumerate(self.leaves)}

    def level_column(self, level: int) -> list[str]:
        """Labels of every leaf at ``level``, in leaf order."""
        labels = self.labels[level]
        return [labels[int(c)] for c in self.codes[level]]


def _build(column: str, source: str, table: Sequence[Sequence[str]], *, first_row: int = 1) -> Hierarchy:
    """Validate a rectangular table (rows = leaves, columns = levels) and index it.

    A row that repeats an earlier row exactly is dropped with a note, as ARX accepts it; a row that repeats
    an earlier row's value with other generalizations is refused, naming both rows.
    """
    if not table:
        raise ConfigError(f"{source}: hierarchy for column {column} is empty")
    width = len(table[0])
    leaves = [row[0] for row in table]
    clean = all(len(row) == width for row in table) and not any("" in row for row in table)
    if clean and len(set(leaves)) == len(leaves):  # the usual case, checked in C loops
        kept: list[Sequence[str]] = list(table)
        row_numbers = list(range(first_row, first_row + len(table)))
        return _encode(column, source, kept, row_numbers, {leaf: i for i, leaf in enumerate(leaves)}, ())
    index: dict[str, int] = {}
    kept = []
    row_numbers = []
    duplicates: list[int] = []
    for i, row in enumerate(table):
        where = f"{source}: row {first_row + i}"
        if len(row) != width:
            raise ConfigError(f"{where}: has {len(row)} levels, the first row has {width} (column {column})")
        if any(cell == "" for cell in row):
            raise ConfigError(f"{where}: empty cell in the hierarchy of column {column}")
        if row[0] in index:
            earlier = index[row[0]]
            if list(kept[earlier]) == list(row):
                duplicates.append(first_row + i)
                continue
            raise ConfigError(
                f"{where}: repeats the value of row {row_numbers[earlier]} with different generalizations "
                f"(column {column}); keep one of the two rows"
            )
        index[row[0]] = len(kept)
        kept.append(row)
        row_numbers.append(first_row + i)
    notes: tuple[str, ...] = ()
    if duplicates:
        shown = ", ".join(str(r) for r in duplicates[:10]) + (", ..." if len(duplicates) > 10 else "")
        note = (
            f"{source}: {len(duplicates)} row(s) repeat an earlier row exactly and were ignored, as ARX "
            f"does (rows {shown}; column {column})"
        )
        notes = (note,)
    return _encode(column, source, kept, row_numbers, index, notes)


def _encode(
    column: str,
    source: str,
    kept: list[Sequence[str]],
    row_numbers: list[int],
    index: dict[str, int],
    notes: tuple[str, ...],
) -> Hierarchy:
    """Integer codes of each level of validated rows, checked for monotonicity."""
    width = len(kept[0])
    labels: list[tuple[str, ...]] = []
    codes: list[np.ndarray] = []
    for level in range(width):
        level_labels, level_codes = _factorize([row[level] for row in kept])
        labels.append(level_labels)
        codes.append(level_codes)
    _check_monotone(column, source, codes, row_numbers)
    return Hierarchy(column, source, tuple(r[0] for r in kept), tuple(labels), tuple(codes), index, notes)


def _factorize(values: list[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """Distinct values in order of first appearance, and each value's code (int32), in C loops."""
    array = np.array(values, dtype=object) if values else np.zeros(0, dtype=object)
    uniques, first, inverse = np.unique(array.astype(str), return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(order.size, dtype=np.int32)
    rank[order] = np.arange(order.size, dtype=np.int32)
    return tuple(str(u) for u in uniques[order]), rank[inverse.reshape(-1)]


def _check_monotone(column: str, source: str, codes: list[np.ndarray], row_numbers: list[int]) -> None:
    """Each class of level ``l`` must lie inside one class of level ``l + 1``."""
    for level in range(len(codes) - 1):
        low, high = codes[level], codes[level + 1]
        parent = np.full(int(low.max()) + 1 if low.size else 0, -1, dtype=np.int64)
        parent[low[::-1]] = high[::-1]  # the parent each low class has at its first row
        bad = np.flatnonzero(parent[low] != high)
        if bad.size:
            raise ConfigError(
                f"{source}: row {row_numbers[int(bad[0])]}: hierarchy of column {column} is not monotone: a "
                f"value of level {level} generalizes to two different values at level {level + 1}; every group "
                "of a level must fall inside one group of the next level"
            )


def load_csv_hierarchy(path: Path, column: str) -> Hierarchy:
    """Read a ``;``-delimited hierarchy CSV (one row per value, one column per level).

    Parsed and integer-encoded once per file version: the validation, the search and the release of one
    run (and later runs in the same process) share it, keyed by the resolved path, size and modification
    time, so an edited file is read again.
    """
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise ConfigError(f"{path}: hierarchy file of column {column} not found") from None
    hierarchy = _load_csv_cached(path.resolve(), stat.st_size, stat.st_mtime_ns, column)
    return hierarchy if hierarchy.column == column else replace(hierarchy, column=column)


@lru_cache(maxsize=64)
def _load_csv_cached(path: Path, size: int, mtime_ns: int, column: str) -> Hierarchy:
    """One parse of one version of a hierarchy file (``size`` and ``mtime_ns`` only key the cache)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: hierarchy file of column {column} not found") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: hierarchy file of column {column} is not UTF-8 text") from None
    rows = [row for row in csv.reader(text.splitlines(), delimiter=";") if row]
    return _build(column, str(path), rows)


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def interval_hierarchy(column: str, bands: list[list[Interval]], values: Sequence[str]) -> Hierarchy:
    """A hierarchy over the distinct ``values`` (numbers as text) from inline interval levels."""
    source = f"inline intervals of column {column}"
    numbers: dict[str, float] = {}
    for value in values:
        try:
            number = float(value)
        except ValueError:
            raise InputError(
                f"column {column}: a value is not a number; interval hierarchies need numbers"
            ) from None
        if math.isnan(number):
            raise InputError(f"column {column}: a value is NaN; interval hierarchies need numbers")
        numbers[value] = number
    leaves = sorted(numbers, key=lambda v: numbers[v])
    table: list[list[str]] = []
    for leaf in leaves:
        row = [leaf]
        for level, level_bands in enumerate(bands, start=1):
            label = next((b.label for b in level_bands if b.low <= numbers[leaf] < b.high), None)
            if label is None:
                raise InputError(
                    f"column {column}: a value lies in no interval of level {level}; widen the intervals "
                    "so that they cover every value"
                )
            row.append(label)
        row.append(SUPPRESSED)
        table.append(row)
    return _build(column, source, table)


def prefix_hierarchy(column: str, prefixes: list[int], values: Sequence[str]) -> Hierarchy:
    """A hierarchy over the distinct ``values`` keeping ``prefixes[l-1]`` characters at level ``l``."""
    source = f"inline prefixes of column {column}"
    table = []
    for leaf in sorted(set(values)):
        row = [leaf]
        for keep in prefixes:
            row.append(leaf[:keep] + SUPPRESSED * max(0, len(leaf) - keep))
        row.append(SUPPRESSED)
        table.append(row)
    return _build(column, source, table)


def set_hierarchy(base: Hierarchy, set_values: Sequence[str], separator: str = "|") -> Hierarchy:
    """A hierarchy over person-level *sets* of values (``a|b``), derived from ``base``.

    A person with several rows is described by the sorted set of their values; at level ``l`` the set becomes
    the sorted set of its members' level-``l`` labels. Monotone when ``base`` is.
    """
    table = []
    for value in sorted(set(set_values)):
        members = value.split(separator)
        row = [value]
        for level in range(1, base.height):
            row.append(separator.join(sorted({base.generalize(m, level) for m in members})))
        table.append(row)
    return _build(base.column, f"person-level sets over {base.source}", table)


def hierarchy_for(rule: GeneralizeColumn, column: str, policy: Policy, values: Sequence[str]) -> Hierarchy:
    """The hierarchy a ``generalize`` rule declares; ``values`` are the column's distinct values (as text)."""
    if rule.hierarchy is not None:
        return load_csv_hierarchy(policy.resolve(rule.hierarchy), column)
    if rule.intervals is not None:
        return interval_hierarchy(column, rule.intervals, values)
    assert rule.prefixes is not None  # the model guarantees exactly one source
    return prefix_hierarchy(column, rule.prefixes, values)
