"""Anonymization: the library function behind ``deid anonymize``.

1. The quasi-identifiers whose policy action is fixed (``age`` bands, ``zip3``, a ``generalize`` with a fixed
   level, ...) are transformed as the policy says; those with ``level: search`` keep their original values.
2. The table is reduced to person-level units (:mod:`deid.risk.units`) and the lattice of the searched
   columns' levels is searched for the least-loss transformation that meets the policy's privacy models
   within the suppression limit (:mod:`deid.risk.lattice`).
3. The whole table is transformed with the chosen levels (:func:`deid.tabular.transform_table`), and every
   row of a suppressed person keeps its place with every quasi-identifier set to ``*``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from deid import __version__
from deid.errors import ConfigError, PrivacyThresholdError
from deid.keys import KeySet
from deid.policy.models import GeneralizeColumn, Policy
from deid.risk.hierarchy import SUPPRESSED
from deid.risk.lattice import Evaluation, Requirements, search
from deid.risk.report import RISK_SCHEMA_VERSION, AnonymizationReport, LossModel
from deid.risk.units import SET_SEPARATOR, Units, as_text, build_units, sensitive_columns
from deid.tabular.actions import ACTIONS, Context, ScrubTexts
from deid.tabular.apply import transform_table

_FLAG = "__deid_suppressed__"
_ROW = "__deid_row__"


def searched_columns(policy: Policy, table: str) -> list[str]:
    """Quasi-identifiers whose generalization level the search chooses."""
    spec = policy.tables[table]
    return [
        q
        for q in policy.quasi_identifiers(table)
        if isinstance(spec.columns[q], GeneralizeColumn) and spec.columns[q].level == "search"  # type: ignore[union-attr]
    ]


def _fixed_qi_frame(frame: pl.LazyFrame, policy: Policy, table: str, keys: bytes | None) -> pl.LazyFrame:
    """``frame`` with every non-searched quasi-identifier, and every sensitive column, transformed as the
    policy says, so that the search measures what will be released (a top-coded sensitive value has fewer
    distinct values than the raw one, which matters to l-diversity)."""
    spec = policy.tables[table]
    schema = frame.collect_schema()
    ctx = Context(table=table, policy=policy, schema=dict(schema), key=keys, person_key=spec.person_key)
    searched = set(searched_columns(policy, table))
    replacements = []
    sensitive = [n for n in sensitive_columns(spec) if spec.columns[n].action not in {"keep", "scrub"}]
    for name in [*policy.quasi_identifiers(table), *sensitive]:
        if name in searched:
            continue
        rule = spec.columns[name]
        expr, _ = ACTIONS[rule.action](name, rule, ctx)
        if expr is not None:
            replacements.append(expr.cast(pl.String).alias(name))
    return frame.with_columns(replacements) if replacements else frame


def anonymize(
    frame: pl.LazyFrame | pl.DataFrame,
    policy: Policy,
    table: str,
    *,
    suppression_limit: float | None = None,
    keys: KeySet | bytes | None = None,
    scrub_texts: ScrubTexts | None = None,
) -> tuple[pl.DataFrame, AnonymizationReport]:
    """The anonymized release of ``frame`` and the report of what was chosen and what it cost.

    Raises :class:`PrivacyThresholdError` when no transformation meets the models within the limit.
    """
    if table not in policy.tables:
        raise ConfigError(f"table {table} is not in the policy")
    if not policy.risk.anonymize:
        raise ConfigError(
            "the policy sets risk.anonymize to false: it only measures; set it to true to anonymize"
        )
    req = Requirements.from_policy(policy.risk, suppression_limit)
    raw_key = keys.pseudonym_key if isinstance(keys, KeySet) else keys
    lazy = frame.lazy()
    searched = searched_columns(policy, table)
    qi_frame = _fixed_qi_frame(lazy, policy, table, raw_key)
    units = build_units(qi_frame, policy, table, hierarchy_columns=set(searched))
    result = search(units, req, [q in searched for q in units.qis])
    best = result.best
    if best is None:
        raise PrivacyThresholdError(
            f"table {table}: no generalization of {', '.join(searched) or 'the quasi-identifiers'} meets "
            f"k = {req.k}{_models_text(req)} while suppressing at most {req.suppression_limit:.2%} of the people; "
            "raise the suppression limit, add hierarchy levels, or relax the thresholds"
        )
    chosen = {q: level for q, level in zip(units.qis, best.levels, strict=True) if q in searched}
    flags = _suppression_flags(qi_frame, units, best, policy, table)
    release, _ = transform_table(lazy, policy, table, keys=keys, scrub_texts=scrub_texts, levels=chosen)
    released = release.collect()
    flag_series = flags.collect().to_series()
    qis_out = [q for q in units.qis if q in released.columns]
    released = released.with_columns(
        [
            pl.when(flag_series).then(pl.lit(SUPPRESSED)).otherwise(pl.col(q).cast(pl.String)).alias(q)
            for q in qis_out
        ]
    )
    report = _report(units, best, result, req, policy, table, searched, int(flag_series.sum()))
    return released, report


def _models_text(req: Requirements) -> str:
    parts = []
    if req.max_prosecutor_risk is not None:
        parts.append(f"highest prosecutor risk {req.max_prosecutor_risk:g}")
    if req.avg_prosecutor_risk is not None:
        parts.append(f"average prosecutor risk {req.avg_prosecutor_risk:g}")
    parts += [f"{m.variant} {m.l:g}-diversity of {m.attribute}" for m in req.l_diversity]
    parts += [f"{m.t:g}-closeness of {m.attribute}" for m in req.t_closeness]
    return "".join(", " + p for p in parts)


def _suppression_flags(
    qi_frame: pl.LazyFrame, units: Units, best: Evaluation, policy: Policy, table: str
) -> pl.LazyFrame:
    """A one-column frame, row-aligned with the table: whether the row's person is suppressed."""
    schema = qi_frame.collect_schema()
    generalized = []
    for q, hierarchy, level in zip(units.qis, units.row_hierarchies, best.levels, strict=True):
        base = as_text(q, schema[q])
        if level == 0:
            generalized.append(base.alias(q))
            continue
        generalized.append(
            base.replace_strict(
                list(hierarchy.leaves), hierarchy.level_column(level), return_dtype=pl.String
            ).alias(q)
        )
    bad_classes = np.flatnonzero(best.suppressed_classes)
    if bad_classes.size == 0:
        return qi_frame.select(pl.repeat(False, pl.len()).alias(_FLAG))
    first_unit = np.zeros(best.suppressed_classes.size, dtype=np.int64)
    first_unit[best.inverse] = np.arange(best.inverse.size)
    signatures = pl.DataFrame(
        {
            q: [h.labels[lv][int(h.codes[lv][codes[first_unit[c]]])] for c in bad_classes]
            for q, h, lv, codes in zip(units.qis, units.hierarchies, best.levels, units.qi_codes, strict=True)
        },
        schema={q: pl.String for q in units.qis},
    ).with_columns(pl.lit(True).alias(_FLAG))
    rows = qi_frame.with_row_index(_ROW)
    key = policy.tables[table].person_key
    if units.person_level and key is not None:
        person = as_text(key, schema[key]).alias(key)
        gen = rows.select(pl.col(_ROW), person, *generalized)
        people = gen.group_by(key).agg([pl.col(q).unique().sort().str.join(SET_SEPARATOR) for q in units.qis])
        flagged = people.join(signatures.lazy(), on=units.qis, how="inner").select(key)
        out = gen.join(flagged.with_columns(pl.lit(True).alias(_FLAG)), on=key, how="left")
    else:
        gen = rows.select(pl.col(_ROW), *generalized)
        out = gen.join(signatures.lazy(), on=units.qis, how="left")
    return out.sort(_ROW).select(pl.col(_FLAG).fill_null(False))


def _report(
    units: Units,
    best: Evaluation,
    result,
    req: Requirements,
    policy: Policy,
    table: str,  # type: ignore[no-untyped-def]
    searched: list[str],
    suppressed_rows: int,
) -> AnonymizationReport:
    assert best.loss is not None
    spec = policy.tables[table]
    levels: dict[str, int] = {}
    reasons: list[str] = []
    for q, level, hierarchy in zip(units.qis, best.levels, units.hierarchies, strict=True):
        rule = spec.columns[q]
        if q in searched:
            levels[q] = level
            reasons.append(
                f"{q}: level {level} of {hierarchy.height - 1} chosen by the lattice search: the least "
                f"information loss that meets k = {req.k}{_models_text(req)} (policy reason: {rule.reason})"
            )
        else:
            levels[q] = (
                rule.level if isinstance(rule, GeneralizeColumn) and isinstance(rule.level, int) else 0
            )
            reasons.append(f"{q}: {rule.action} as the policy fixes it (policy reason: {rule.reason})")
    reasons += [note for h in units.row_hierarchies for note in h.notes]
    reasons.append(
        f"{best.suppressed} people in classes violating the privacy models were suppressed (every quasi-identifier "
        f"'*'), within the limit of {req.suppression_limit:.2%} of {units.persons}"
    )
    loss = best.loss
    loss_model = LossModel(
        loss=loss.loss,
        loss_per_column=dict(zip(units.qis, loss.per_column, strict=True)),
        discernibility=loss.discernibility,
        avg_class_size=loss.avg_class_size,
    )
    return AnonymizationReport(
        schema_version=RISK_SCHEMA_VERSION,
        tool_version=__version__,
        table=table,
        levels=levels,
        searched=searched,
        suppressed=best.suppressed,
        suppressed_rows=suppressed_rows,
        suppression_limit=req.suppression_limit,
        classes=best.classes,
        k=best.k,
        persons=units.persons,
        rows=units.rows,
        loss=loss.loss,
        discernibility=loss.discernibility,
        avg_class_size=loss.avg_class_size,
        loss_figures=loss_model,
        lattice_size=result.lattice_size,
        evaluated=result.evaluated,
        pruned=result.pruned,
        seconds=result.seconds,
        reasons=reasons,
    )


def anonymize_file(
    path: str | Path,
    output: str | Path,
    policy: Policy,
    table: str | None = None,
    *,
    suppression_limit: float | None = None,
    keys: KeySet | bytes | None = None,
    key_dir: str | Path | None = None,
) -> AnonymizationReport:
    """Read a table file, anonymize it, write the release to ``output`` (the CLI's entry point).

    Keys are loaded (from ``key_dir`` or the environment) only when the table has keyed columns.
    """
    from deid.keys import load_keys
    from deid.tabular.io import scan_table, table_name_for, write_table

    name = table_name_for(path, list(policy.tables), table)
    keyed = any(r.action in {"pseudonym", "date_shift"} for r in policy.tables[name].columns.values())
    if keys is None and keyed:
        keys = load_keys(key_dir, need_signing=False)
    released, report = anonymize(
        scan_table(path), policy, name, suppression_limit=suppression_limit, keys=keys
    )
    write_table(released, output)
    return report
