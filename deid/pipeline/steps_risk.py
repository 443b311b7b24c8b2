"""The risk step of a run: anonymize where the policy says, measure what is released, check the thresholds.

For each output table with quasi-identifiers (:meth:`deid.policy.Policy.quasi_identifiers`):

1. when the policy sets ``risk.anonymize``, :func:`deid.risk.anonymize` searches the generalization levels
   (and suppression within the limit) on the table's scrubbed input and returns the release; when no
   transformation meets the thresholds, the table is released as the fixed transforms left it and the
   run is rejected with the search's reason;
2. :func:`deid.risk.assess_risk` measures the released table *as released* (person level; people whose
   every quasi-identifier is ``*`` count as suppressed) and checks each threshold of the policy.

Figures go into the manifest (flat numbers only); the full reports are attached to the release.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
import pyarrow as pa

from deid.errors import InputError, PrivacyThresholdError
from deid.keys import KeySet
from deid.pipeline.steps import already_scrubbed
from deid.policy import Policy
from deid.release.manifest import Figures
from deid.risk import AnonymizationReport, RiskReport


@dataclass
class TableRisk:
    """The outcome of the risk step for one table."""

    table: str
    released: pa.Table
    report: RiskReport | None = None
    anonymization: AnonymizationReport | None = None
    failures: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)

    def figures(self, policy: Policy) -> Figures:
        """The manifest's figures of this table: measured values next to the policy's thresholds."""
        risk = policy.risk
        figures: Figures = {"k_required": risk.k, "max_prosecutor_risk_allowed": risk.max_prosecutor_risk,
                            "avg_prosecutor_risk_allowed": risk.avg_prosecutor_risk,
                            "suppression_limit": risk.suppression_limit, "anonymized": self.anonymization is not None,
                            "passed": not self.failures}
        report = self.report
        if report is not None:
            figures.update({
                "quasi_identifiers": ",".join(report.quasi_identifiers), "rows": report.rows,
                "persons": report.persons, "person_level": report.person_level, "classes": report.classes,
                "k_min": report.k, "sample_uniques": report.sample_uniques, "suppressed": report.suppressed,
                "max_prosecutor_risk": report.prosecutor.max, "avg_prosecutor_risk": report.prosecutor.avg,
                "max_journalist_risk": report.journalist.max, "avg_journalist_risk": report.journalist.avg,
                "marketer_risk": report.marketer,
                "population": report.population_uniques.population,
                "population_uniques": report.population_uniques.dankar,
            })
            for attribute, l_div in report.l_diversity.items():
                figures[f"l_distinct.{attribute}"] = l_div.distinct
            for attribute, t_close in report.t_closeness.items():
                figures[f"t_closeness.{attribute}"] = t_close.t
        if self.anonymization is not None:
            anon = self.anonymization
            figures.update({"suppressed_by_anonymization": anon.suppressed, "loss": anon.loss,
                            **{f"level.{column}": level for column, level in anon.levels.items()}})
        return figures


def _frame(table: pa.Table) -> pl.DataFrame:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def assess_table(
    table: str,
    scrubbed_input: pa.Table,
    released: pa.Table,
    policy: Policy,
    keys: KeySet,
    population: int | None,
) -> TableRisk:
    """Anonymize (if the policy says so) and measure one table; thresholds not met become ``failures``.

    ``scrubbed_input`` is the table before the column transforms (text already scrubbed), ``released``
    the same rows after them; both without canary rows.
    """
    result = TableRisk(table=table, released=released)
    if not policy.quasi_identifiers(table):
        result.passed.append(f"risk: table {table} has no quasi-identifier; nothing to measure")
        return result
    if released.num_rows == 0:
        result.passed.append(f"risk: table {table} is empty; nothing to measure")
        return result
    if policy.risk.anonymize:
        try:
            anonymized, report = _anonymize(table, scrubbed_input, policy, keys)
        except PrivacyThresholdError as exc:
            result.failures.append(f"risk: {exc}")
        else:
            result.released, result.anonymization = anonymized, report
    try:
        result.report = _assess(table, result.released, policy, population)
    except InputError as exc:
        result.failures.append(f"risk: table {table} could not be measured: {exc}")
        return result
    for check in result.report.checks:
        line = (f"risk: table {table}: {check.model} measured {check.measured:g}, "
                f"{'meets' if check.passed else 'does not meet'} {check.required:g} ({check.reason})")
        (result.passed if check.passed else result.failures).append(line)
    return result


def _anonymize(table: str, scrubbed_input: pa.Table, policy: Policy, keys: KeySet) -> tuple[pa.Table,
                                                                                              AnonymizationReport]:
    from deid.risk import anonymize

    frame, report = anonymize(_frame(scrubbed_input), policy, table, keys=keys, scrub_texts=already_scrubbed)
    return frame.to_arrow(), report


def _assess(table: str, released: pa.Table, policy: Policy, population: int | None) -> RiskReport:
    from deid.risk import assess_risk

    return assess_risk(_frame(released), policy, table, population=population, release=True)


__all__ = ["TableRisk", "assess_table"]
