"""From a table to its *units*: one entry per distinct person-level combination of QI and sensitive values.

Everything the risk measures and the lattice search need is a function of how many people share each
combination, so the table is read once (one Polars group-by, streaming) and the rest of the work runs on
the distinct combinations, a few ten thousand at most for typical data, whatever the number of rows.

**Person-level rule.** When the table names a ``person_key`` and a person has several rows, the person is
described by, for each quasi-identifier and sensitive attribute, the sorted *set* of the distinct values in
their rows (``E11|I10``). Two people are indistinguishable when these sets are equal; generalizing a set
generalizes each member (:func:`deid.risk.hierarchy.set_hierarchy`). Risk is therefore measured per person,
never per row, so a person with many rows is not counted as many look-alikes of themselves.

Checks (each an :class:`InputError` naming table, column and 1-based row, never a value): a column of the
data missing from the policy or the reverse, an empty table, a null in a quasi-identifier, sensitive
attribute or person key, a value absent from its hierarchy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from deid.errors import ConfigError, InputError
from deid.policy.models import GeneralizeColumn, Policy, Role, TableSpec
from deid.risk.hierarchy import SUPPRESSED, Hierarchy, _build, hierarchy_for, set_hierarchy

SET_SEPARATOR = "|"
_COUNT = "__deid_count__"
_ROW = "__deid_row__"


@dataclass
class Units:
    """Distinct person-level combinations of a table's quasi-identifiers and sensitive attributes."""

    table: str
    qis: list[str]
    sensitive: list[str]
    rows: int
    persons: int
    person_level: bool
    counts: np.ndarray  # int64: persons per combination
    qi_codes: list[np.ndarray]  # per QI: leaf index into hierarchies[i], per combination
    hierarchies: list[Hierarchy]
    row_hierarchies: list[Hierarchy] = field(default_factory=list)  # per QI, over single row values
    sensitive_codes: list[np.ndarray] = field(default_factory=list)
    sensitive_labels: list[list[str]] = field(default_factory=list)
    sensitive_ordered: list[bool] = field(default_factory=list)


def check_columns(columns: Sequence[str], spec: TableSpec, table: str, *, release: bool = False) -> None:
    """The data's columns and the policy's must be the same set (for a ``release``: those not dropped)."""
    for name in columns:
        if name not in spec.columns:
            raise InputError(
                f"table {table}: column {name} is in the data but not in the policy; "
                "add it to the policy with a role and an action (a column is never kept silently)"
            )
        if release and spec.columns[name].action == "drop":
            raise InputError(
                f"table {table}: column {name} is dropped by the policy but present in the release"
            )
    present = set(columns)
    for name, rule in spec.columns.items():
        if name not in present and not (release and rule.action == "drop"):
            raise InputError(f"table {table}: column {name} of the policy is missing from the data")


def as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    """Column ``name`` as text; integral floats lose their ``.0`` so that ``39.0`` matches ``39``."""
    column = pl.col(name)
    if dtype == pl.String:
        return column
    if dtype.is_float():
        return (
            pl.when(column == column.round(0))
            .then(column.cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(column.cast(pl.String))
            .alias(name)
        )
    return column.cast(pl.String).alias(name)


def first_row(frame: pl.LazyFrame, predicate: pl.Expr) -> int:
    """The 1-based number of the first row where ``predicate`` holds (0 if none)."""
    found = frame.with_row_index(_ROW).filter(predicate).select(pl.col(_ROW).first()).collect()
    value = found.item() if found.height else None
    return 0 if value is None else int(value) + 1


def sensitive_columns(spec: TableSpec) -> list[str]:
    """Sensitive attributes that survive into the release, in policy order."""
    return [n for n, r in spec.columns.items() if r.role is Role.SENSITIVE and r.action != "drop"]


def flat_hierarchy(column: str, values: Sequence[str]) -> Hierarchy:
    """Two levels, the value and ``*``: for quasi-identifiers without a declared hierarchy."""
    rows = [[v, SUPPRESSED] for v in sorted(set(values))]
    return _build(column, f"values of column {column}", rows)


def build_units(
    frame: pl.LazyFrame | pl.DataFrame,
    policy: Policy,
    table: str,
    *,
    hierarchy_columns: set[str] | None = None,
    release: bool = False,
) -> Units:
    """Read ``frame`` once and return its :class:`Units`.

    ``hierarchy_columns`` names the quasi-identifiers generalized by their policy hierarchy; ``None`` means
    every ``generalize`` column (the others get a flat value-or-``*`` hierarchy). A ``release`` is a table
    as deid wrote it: dropped columns absent, values measured as they are (no hierarchy applies).
    """
    if table not in policy.tables:
        raise ConfigError(f"table {table} is not in the policy")
    spec = policy.tables[table]
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    check_columns(schema.names(), spec, table, release=release)
    if release:
        hierarchy_columns = set()
    qis = policy.quasi_identifiers(table)
    if not qis:
        raise ConfigError(f"table {table}: no column has role quasi; risk is measured on quasi-identifiers")
    sensitive = sensitive_columns(spec)
    key = spec.person_key if spec.person_key in schema else None
    used = [*qis, *sensitive, *([key] if key else [])]
    text = lazy.select([as_text(c, schema[c]) for c in used])

    def null_error(column: str) -> InputError:
        row = first_row(text, pl.col(column).is_null())
        kind = "the person key" if column == key else f"{spec.columns[column].role.value} column"
        return InputError(
            f"table {table}: column {column} ({kind}) is null at row {row}; "
            "fill or remove such rows before measuring risk"
        )

    persons = 0
    person_level = False
    grouped = text
    if key is not None:
        stats = text.select(
            pl.len().alias(_COUNT),
            *[pl.col(c).null_count() for c in used],
            pl.col(key).n_unique().alias("__persons"),
        ).collect()
        for column in used:
            if stats[column][0]:
                raise null_error(column)
        persons = int(stats["__persons"][0])
        if persons < int(stats[_COUNT][0]):
            person_level = True
            grouped = text.group_by(key).agg(
                [pl.col(c).unique().sort().str.join(SET_SEPARATOR) for c in [*qis, *sensitive]]
            )
    # One pass over the rows: the distinct combinations and how many people share each. Nulls form their
    # own groups, so checking the (small) result for nulls finds them without another pass.
    distinct = grouped.group_by([*qis, *sensitive]).agg(pl.len().alias(_COUNT)).collect()
    for column in [*qis, *sensitive]:
        if distinct[column].null_count():
            raise null_error(column)
    rows = int(distinct[_COUNT].sum()) if not person_level else int(stats[_COUNT][0])
    if not person_level:
        persons = rows
    if rows == 0:
        raise InputError(f"table {table}: the table is empty (no rows); there is nothing to measure")

    hierarchies: list[Hierarchy] = []
    row_hierarchies: list[Hierarchy] = []
    qi_codes: list[np.ndarray] = []
    wanted = hierarchy_columns
    for column in qis:
        rule = spec.columns[column]
        if person_level:
            raw_values = text.select(pl.col(column).unique()).collect().to_series().to_list()
        else:
            raw_values = distinct[column].unique().to_list()
        use_rule = isinstance(rule, GeneralizeColumn) and (wanted is None or column in wanted)
        if use_rule:
            assert isinstance(rule, GeneralizeColumn)
            try:
                base = hierarchy_for(rule, column, policy, raw_values)
            except InputError:
                _raise_with_row(lazy, policy, table, column)
                raise
            missing = [v for v in raw_values if v not in base.index]
            if missing:
                row = first_row(text, pl.col(column).is_in(pl.Series(missing[:1000], dtype=pl.String)))
                raise InputError(
                    f"table {table}: column {column}: the value at row {row} is absent from its hierarchy "
                    f"({base.source}); add it to the hierarchy"
                )
        else:
            base = flat_hierarchy(column, raw_values)
        hierarchy = set_hierarchy(base, distinct[column].unique().to_list()) if person_level else base
        hierarchies.append(hierarchy)
        row_hierarchies.append(base)
        qi_codes.append(_encode(distinct[column], hierarchy.leaves))

    units = Units(
        table=table,
        qis=qis,
        sensitive=sensitive,
        rows=rows,
        persons=persons,
        person_level=person_level,
        counts=distinct[_COUNT].to_numpy().astype(np.int64),
        qi_codes=qi_codes,
        hierarchies=hierarchies,
        row_hierarchies=row_hierarchies,
    )
    for column in sensitive:
        labels, codes, ordered = _encode_sensitive(distinct[column], policy, column)
        units.sensitive_labels.append(labels)
        units.sensitive_codes.append(codes)
        units.sensitive_ordered.append(ordered)
    return units


def _raise_with_row(frame: pl.LazyFrame, policy: Policy, table: str, column: str) -> None:
    """Re-run the transform checks of ``column`` to name the first bad row (the hierarchy did not)."""
    from deid.tabular.validate import validate_table

    spec = policy.tables[table]
    only = TableSpec(person_key=None, columns={column: spec.columns[column]})
    validate_table(frame.select(column), only, policy, table)


def _encode(series: pl.Series, leaves: Sequence[str]) -> np.ndarray:
    mapping = pl.DataFrame({"k": list(leaves), "v": np.arange(len(leaves), dtype=np.int32)})
    return series.replace_strict(mapping["k"], mapping["v"], return_dtype=pl.Int32).to_numpy()


def _encode_sensitive(series: pl.Series, policy: Policy, column: str) -> tuple[list[str], np.ndarray, bool]:
    """Codes of a sensitive column, in ground order; ``ordered`` when the distance is the ordered one."""
    values = series.unique().to_list()
    declared = [t.distance for t in policy.risk.t_closeness if t.attribute == column]
    numbers = {}
    for v in values:
        try:
            numbers[v] = float(v)
        except ValueError:
            break
    numeric = len(numbers) == len(values)
    ordered = declared[0] == "ordered" if declared else numeric
    if ordered and not numeric:
        raise InputError(
            f"column {column}: t-closeness with the ordered distance needs numbers; a value is not one"
        )
    labels = sorted(values, key=lambda v: numbers[v]) if numeric else sorted(values)
    return labels, _encode(series, labels), ordered


def combine(codes: Sequence[np.ndarray], cardinalities: Sequence[int]) -> np.ndarray:
    """One int64 key per row that is equal exactly when all ``codes`` are equal (mixed radix, compacted)."""
    key = np.zeros(len(codes[0]) if codes else 0, dtype=np.int64)
    span = 1
    for column, cardinality in zip(codes, cardinalities, strict=True):
        if span * cardinality >= 2**62:
            _, key = np.unique(key, return_inverse=True)
            key = key.astype(np.int64)
            span = int(key.max()) + 1 if key.size else 1
        key = key * cardinality + column
        span *= cardinality
    return key
