"""Checks that a table can be transformed as its policy says, in one streaming pass, before anything runs.

Each check is an expression that is true on a bad row; one aggregate query finds the first bad row of every
check at once, so a table larger than memory is read once. Errors name the table, column and 1-based row
(header not counted) and what to fix, never the value.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from deid.errors import InputError
from deid.policy.models import ColumnRule, GeneralizeColumn, Policy, TableSpec
from deid.risk.hierarchy import load_csv_hierarchy
from deid.tabular.actions import date_part, number, text, zip_text

_ROW = "__deid_row__"


def _checks(
    name: str, rule: ColumnRule, policy: Policy, schema: Mapping[str, pl.DataType], levels: Mapping[str, int]
) -> list[tuple[pl.Expr, str]]:
    """(bad-row predicate, what is wrong) for column ``name``."""
    dtype = schema[name]
    present = pl.col(name).is_not_null()
    if rule.action in {"date_shift", "year_only"}:
        return [
            (
                present & date_part(name, dtype).is_null(),
                "is not a date (use a date type or ISO 8601 text, YYYY-MM-DD)",
            )
        ]
    if rule.action in {"age", "top_bottom_code"}:
        return [(present & number(name, dtype).is_null(), "is not a number")]
    if rule.action == "zip3":
        return [
            (present & ~zip_text(name, dtype).str.contains(r"^\d{3}"), "is not a ZIP code (3 leading digits)")
        ]
    if isinstance(rule, GeneralizeColumn):
        if rule.hierarchy is not None:
            hierarchy = load_csv_hierarchy(policy.resolve(rule.hierarchy), name)
            leaves = pl.Series(list(hierarchy.leaves), dtype=pl.String)
            return [
                (
                    present & ~text(name, dtype).is_in(leaves),
                    f"is absent from its hierarchy {rule.hierarchy}; add it to the hierarchy",
                )
            ]
        if rule.intervals is not None:
            num = number(name, dtype)
            checks = [(present & num.is_null(), "is not a number (interval hierarchy)")]
            level = rule.level if isinstance(rule.level, int) else levels.get(name, len(rule.intervals))
            for lvl, bands in enumerate(rule.intervals[: max(level, 0)], start=1):
                covered = pl.lit(False)
                for band in bands:
                    covered = covered | ((num >= band.low) & (num < band.high))
                checks.append((present & num.is_not_null() & ~covered, f"lies in no interval of level {lvl}"))
            return checks
    return []


def validate_table(
    frame: pl.LazyFrame,
    spec: TableSpec,
    policy: Policy,
    table: str,
    *,
    levels: Mapping[str, int] | None = None,
    row_offset: int = 0,
) -> int:
    """Raise :class:`InputError` at the first row a transform cannot handle; return the number of rows."""
    schema = frame.collect_schema()
    checks: list[tuple[str, str, pl.Expr]] = []
    for name, rule in spec.columns.items():
        for predicate, problem in _checks(name, rule, policy, schema, levels or {}):
            checks.append((name, problem, predicate))
    aggregates = [pl.len().alias("__rows")]
    aggregates += [pl.col(_ROW).filter(p).min().alias(f"c{i}") for i, (_, _, p) in enumerate(checks)]
    result = frame.with_row_index(_ROW).select(aggregates).collect()
    for i, (name, problem, _) in enumerate(checks):
        row = result[f"c{i}"][0]
        if row is not None:
            raise InputError(
                f"table {table}: column {name}: the value at row {int(row) + 1 + row_offset} {problem}"
            )
    return int(result["__rows"][0])
