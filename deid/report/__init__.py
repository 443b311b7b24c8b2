"""The privacy officer's report of a release: verdict, evidence and residual risk, in HTML, Markdown, JSON.

Owns the report: :mod:`~deid.report.figures` (the risk figures a run stores in the manifest, typed, and the
class-size histogram), :mod:`~deid.report.model` (:class:`ReportModel`, what every format shows),
:mod:`~deid.report.explain` (the sentence beside every figure), :mod:`~deid.report.build` (the model from a
release folder or a manifest: never from data), :mod:`~deid.report.charts` (Altair to inline SVG),
:mod:`~deid.report.html`, :mod:`~deid.report.markdown` and :mod:`~deid.report.draft` (the files a run
attaches before signing). A new figure is a field of :class:`~deid.report.figures.TableRisk` and a
statement in :mod:`~deid.report.explain`; the renderers pick it up. See reports/README.md.

A run uses it like this::

    writer.facts.risk[table] = risk_figures(risk_report, anonymization_report, class_sizes)
    attach_reports(writer, decision, reasons)      # reports/report.{html,md,json}, listed and signed
    writer.finalize(decision, reasons, signer)
"""

from __future__ import annotations

from deid.report.build import RESIDUAL_SCAN_PREFIXES, build_report, report_from_manifest
from deid.report.draft import REPORT_DIR, REPORT_FILES, attach_reports, draft_manifest
from deid.report.figures import TableRisk, class_size_histogram, parse_risk_figures, risk_figures, table_risk
from deid.report.html import render_html
from deid.report.markdown import render_json, render_markdown
from deid.report.model import ReportModel
from deid.report.render import RENDERERS, render, render_release, report_files

__all__ = [
    "RENDERERS",
    "REPORT_DIR",
    "REPORT_FILES",
    "RESIDUAL_SCAN_PREFIXES",
    "ReportModel",
    "TableRisk",
    "attach_reports",
    "build_report",
    "class_size_histogram",
    "draft_manifest",
    "parse_risk_figures",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "render_release",
    "report_files",
    "report_from_manifest",
    "risk_figures",
    "table_risk",
]
