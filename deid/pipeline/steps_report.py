"""The privacy officer's report in a run: the one hook into :mod:`deid.report` (issue 7), optional.

When :mod:`deid.report` is installed, a table's risk figures go into the manifest in the report's typed
format (:func:`manifest_risk_figures`) and the report files are rendered and attached before the gate
(:func:`attach_reports`); when it is not, the run's own flat figures are used and the report step is
recorded as skipped.
"""

from __future__ import annotations

import importlib.util
from typing import Literal

import polars as pl
import pyarrow as pa

from deid.pipeline.steps_risk import TableRisk
from deid.policy import Policy
from deid.release import ReleaseWriter
from deid.release.manifest import Figures


def report_available() -> bool:
    """Whether the privacy officer's report (:mod:`deid.report`, issue 7) is installed."""
    return importlib.util.find_spec("deid.report") is not None


def attach_reports(writer: ReleaseWriter, decision: Literal["approved", "rejected"],
                   reasons: list[str]) -> list[str] | None:
    """The one hook for the privacy officer's report: render it and attach ``reports/report.*``.

    Calls :func:`deid.report.attach_reports` (an audited step of its own) with the verdict the gate is about
    to give; returns the attached paths, or ``None`` while :mod:`deid.report` is not installed.
    """
    if not report_available():
        return None
    from deid.report import attach_reports as attach

    return [record.path for record in attach(writer, decision, reasons)]


def manifest_risk_figures(result: TableRisk, policy: Policy) -> Figures:
    """A table's risk figures for the manifest: the report's typed format when :mod:`deid.report` is
    installed (so the report can explain them), else the run's own flat figures."""
    if result.report is None or not report_available():
        return result.figures(policy)
    from deid.report import class_size_histogram, risk_figures

    return risk_figures(result.report, result.anonymization,
                        class_size_histogram(_polars(result.released), policy, result.table))


def _polars(table: pa.Table) -> pl.DataFrame:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


__all__ = ["attach_reports", "manifest_risk_figures", "report_available"]
