"""A Great Expectations suite built from the policy, run in memory on every output table of a run.

The suite is derived, never hand-written: for each output table the policy says which columns may be
released and how each was generalized, and the run says how many rows to expect. Each check becomes one
expectation of Great Expectations 1.x, run on a pandas DataFrame in an ephemeral context (no project
folder, no file written, no network; analytics and progress bars off). Every column is validated as text,
exactly as a consumer reading the Parquet files would print it.

Results become :class:`~deid.release.manifest.ValidationRecord` entries: the expectation, table, column,
pass or fail, counts only (``unexpected_count`` ...), and one sentence. Great Expectations also reports
sample values that failed; those never leave this module.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import pyarrow as pa

from deid.categories import RESTRICTED_ZIP3
from deid.policy import Policy, Role
from deid.policy.models import AgeColumn, PseudonymColumn
from deid.release.manifest import Figures, ValidationRecord
from deid.risk.hierarchy import SUPPRESSED

#: Text that must appear in no output cell. Non-capturing groups only (pandas warns on capturing ones).
FORBIDDEN_TEXT: dict[str, str] = {
    "SSN": r"(?<![\w-])(?!000|666|9\d\d)\d{3}[- ](?!00)\d{2}[- ](?!0000)\d{4}(?![\w-])",
    "PHONE": r"(?<![\w.])(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\w)",
    "EMAIL": r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    "MRN": r"\b(?i:mrn|medical record (?:number|no\.?))[\s:#.]*\d{5,12}\b",
}
_STAR = re.escape(SUPPRESSED)
_KEPT_FIGURES = ("element_count", "unexpected_count", "missing_count", "unexpected_percent", "observed_value")
CLASS_SIZE = "class_size"


@dataclass(frozen=True)
class Check:
    """One expectation to run: the Great Expectations class name, its arguments and what it means."""

    expectation: str
    kwargs: dict[str, Any]
    column: str | None
    detail: str
    on_classes: bool = False  # run on the equivalence-class sizes instead of the table


@dataclass(frozen=True)
class TableContext:
    """What the checks of one output table are derived from."""

    table: str
    policy: Policy
    columns: Sequence[str]
    expected_rows: int | None
    quasi_identifiers: Sequence[str] = field(default_factory=list)


CheckBuilder = Callable[[TableContext], list[Check]]


def _released_columns(ctx: TableContext) -> list[Check]:
    spec = ctx.policy.tables[ctx.table]
    released = [c for c, rule in spec.columns.items() if rule.action != "drop"]
    dropped = [c for c, rule in spec.columns.items() if rule.action == "drop"]
    return [Check("ExpectTableColumnsToMatchSet", {"column_set": released, "exact_match": True}, None,
                  f"exactly the columns the policy releases; none of the {len(dropped)} it drops "
                  f"({', '.join(dropped) or 'none'}) is present")]


def _direct_identifiers(ctx: TableContext) -> list[Check]:
    checks = []
    for column, rule in ctx.policy.tables[ctx.table].columns.items():
        if column not in ctx.columns or rule.role not in {Role.DIRECT, Role.PERSON_KEY}:
            continue
        if isinstance(rule, PseudonymColumn):
            regex = rf"^{re.escape(rule.prefix)}[0-9a-f]{{16,64}}$"
            checks.append(Check("ExpectColumnValuesToMatchRegex", {"column": column, "regex": regex}, column,
                                f"the identifier {column} is released only as keyed pseudonyms "
                                f"('{rule.prefix}' and hex digits)"))
        elif rule.action == "suppress":
            checks.append(Check("ExpectColumnValuesToMatchRegex", {"column": column, "regex": rf"^{_STAR}$"},
                                column, f"the identifier {column} is released only as '{SUPPRESSED}'"))
    return checks


def _no_identifier_text(ctx: TableContext) -> list[Check]:
    names = ", ".join(FORBIDDEN_TEXT)
    return [Check("ExpectColumnValuesToNotMatchRegexList", {"column": column, "regex_list": list(FORBIDDEN_TEXT.values())},
                  column, f"no value contains text shaped like {names}") for column in ctx.columns]


def _allowed(values: Sequence[str]) -> str:
    return "^(?:" + "|".join(re.escape(v) for v in values) + f"|{_STAR})$"


def _generalized(ctx: TableContext) -> list[Check]:
    checks = []
    for column, rule in ctx.policy.tables[ctx.table].columns.items():
        if column not in ctx.columns:
            continue
        if rule.action == "year_only":
            checks.append(Check("ExpectColumnValuesToMatchRegex", {"column": column, "regex": rf"^(?:\d{{4}}|{_STAR})$"},
                                column, f"{column} holds years only, as the policy's year_only says"))
        elif rule.action == "date_shift":
            checks.append(Check("ExpectColumnValuesToMatchRegex",
                                {"column": column, "regex": rf"^(?:\d{{4}}-\d{{2}}-\d{{2}}.*|{_STAR})$"}, column,
                                f"{column} holds shifted ISO dates, as the policy's date_shift says"))
        elif isinstance(rule, AgeColumn):
            if rule.band is None:
                labels = [str(a) for a in range(rule.top)]
            else:
                labels = [f"{low}-{min(low + rule.band - 1, rule.top - 1)}" for low in range(0, rule.top, rule.band)]
            checks.append(Check("ExpectColumnValuesToMatchRegex", {"column": column, "regex": _allowed([*labels, f"{rule.top}+"])},
                                column, f"{column} holds ages below {rule.top} "
                                f"{'exactly' if rule.band is None else f'in {rule.band}-year bands'} and '{rule.top}+' above"))
        elif rule.action == "zip3":
            checks.append(Check("ExpectColumnValuesToMatchRegex", {"column": column, "regex": rf"^(?:\d{{3}}|{_STAR})$"},
                                column, f"{column} holds 3-digit ZIP prefixes only"))
            checks.append(Check("ExpectColumnValuesToNotBeInSet", {"column": column, "value_set": sorted(RESTRICTED_ZIP3)},
                                column, f"{column} holds none of the {len(RESTRICTED_ZIP3)} restricted ZIP prefixes "
                                "(released as 000)"))
    return checks


def _k_anonymity(ctx: TableContext) -> list[Check]:
    if not ctx.quasi_identifiers:
        return []
    k = ctx.policy.risk.k
    return [Check("ExpectColumnMinToBeBetween", {"column": CLASS_SIZE, "min_value": k}, None,
                  f"every equivalence class on {', '.join(ctx.quasi_identifiers)} (per person, suppressed people "
                  f"aside) holds at least k = {k} people", on_classes=True)]


def _row_count(ctx: TableContext) -> list[Check]:
    if ctx.expected_rows is None:
        return []
    return [Check("ExpectTableRowCountToEqual", {"value": ctx.expected_rows}, None,
                  f"{ctx.expected_rows} rows: the rows read, less those of excluded people (canaries removed)")]


#: Every kind of check, in the order they are reported. Add a builder here to add a check.
CHECK_BUILDERS: tuple[CheckBuilder, ...] = (_released_columns, _direct_identifiers, _no_identifier_text,
                                            _generalized, _k_anonymity, _row_count)


def build_checks(ctx: TableContext) -> list[Check]:
    """Every check of one output table."""
    return [check for builder in CHECK_BUILDERS for check in builder(ctx)]


def class_sizes(frame: pl.DataFrame, quasi_identifiers: Sequence[str], person_key: str | None) -> pl.DataFrame:
    """Equivalence-class sizes in people, as released: a person with several rows is described by the set
    of each quasi-identifier's values; people whose every quasi-identifier is ``*`` are left out (suppressed).
    """
    qis = [q for q in quasi_identifiers if q in frame.columns]
    text = frame.select([pl.col(c).cast(pl.String).fill_null("") for c in [*qis, *([person_key] if person_key else [])]])
    if person_key is not None and person_key in frame.columns:
        text = text.group_by(person_key).agg([pl.col(q).unique().sort().str.join("|") for q in qis])
    suppressed = pl.all_horizontal([pl.col(q) == SUPPRESSED for q in qis])
    classes = text.filter(~suppressed).group_by(qis).agg(pl.len().alias(CLASS_SIZE))
    return classes.select(pl.col(CLASS_SIZE).cast(pl.Int64))


def _as_text(table: pa.Table) -> pl.DataFrame:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    flat = [c for c, dtype in frame.schema.items() if not dtype.is_nested() and dtype != pl.Binary]
    return frame.select([pl.col(c).cast(pl.String) for c in flat])


def _figures(result: Mapping[str, Any]) -> Figures:
    figures: Figures = {}
    for key in _KEPT_FIGURES:
        value = result.get(key)
        if hasattr(value, "item") and not isinstance(value, list | dict | str):
            value = value.item()  # numpy scalars
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        figures[key] = value
    return figures


def validate_outputs(
    outputs: Mapping[str, pa.Table], policy: Policy, expected_rows: Mapping[str, int] | None = None
) -> list[ValidationRecord]:
    """Run the policy's suite on every output table in memory; one record per expectation."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("release")
    records: list[ValidationRecord] = []
    for table, data in outputs.items():
        spec = policy.tables[table]
        frame = _as_text(data)
        qis = [q for q in policy.quasi_identifiers(table) if q in frame.columns]
        ctx = TableContext(table=table, policy=policy, columns=list(frame.columns),
                           expected_rows=(expected_rows or {}).get(table), quasi_identifiers=qis)
        checks = build_checks(ctx)
        frames = {False: frame.to_pandas()}
        if any(c.on_classes for c in checks):
            frames[True] = class_sizes(pl.from_arrow(data), qis, spec.person_key).to_pandas()  # type: ignore[arg-type]
        for on_classes, pandas_frame in frames.items():
            selected = [c for c in checks if c.on_classes == on_classes]
            if not selected:
                continue
            name = f"{table}.{'classes' if on_classes else 'rows'}"
            asset = source.add_dataframe_asset(name=name)
            batch = asset.add_batch_definition_whole_dataframe(name)
            suite = context.suites.add(gx.ExpectationSuite(name=name))
            expectations = [suite.add_expectation(getattr(gxe, check.expectation)(**check.kwargs))
                            for check in selected]
            definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
            run = definition.run(batch_parameters={"dataframe": pandas_frame},
                                 result_format={"result_format": "BASIC", "partial_unexpected_count": 0})
            by_id = {result.expectation_config.id: result for result in run.results}
            for check, expectation in zip(selected, expectations, strict=True):
                records.append(_record(table, check, by_id[expectation.id]))
    return records


def _record(table: str, check: Check, result: Any) -> ValidationRecord:
    raised = (result.exception_info or {}).get("raised_exception", False)
    passed = bool(result.success) and not raised
    detail = check.detail if not raised else f"{check.detail}; the expectation could not run"
    return ValidationRecord(name=result.expectation_config.type, table=table, column=check.column, passed=passed,
                            figures=_figures(result.result or {}), detail=detail)


__all__ = ["CHECK_BUILDERS", "CLASS_SIZE", "FORBIDDEN_TEXT", "Check", "TableContext", "build_checks", "class_sizes",
           "validate_outputs"]
