"""One entry point per use: a release folder to one format, or a manifest to the three report files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from deid.errors import InputError
from deid.release.audit import AuditEntry
from deid.release.manifest import Manifest
from deid.report.build import build_report, report_from_manifest
from deid.report.html import render_html
from deid.report.markdown import render_json, render_markdown
from deid.report.model import ReportModel

#: Format name -> renderer; the report files of a release are ``report.<format>``.
RENDERERS: dict[str, Callable[[ReportModel], str]] = {
    "html": render_html,
    "md": render_markdown,
    "json": render_json,
}


def render(report: ReportModel, fmt: str) -> str:
    """``report`` in format ``fmt`` (html, md or json)."""
    if fmt not in RENDERERS:
        raise InputError(f"report format '{fmt}' is not one of {', '.join(RENDERERS)}")
    return RENDERERS[fmt](report)


def render_release(release_dir: str | Path, fmt: str = "html") -> str:
    """The report of the release in ``release_dir`` in format ``fmt`` (what ``deid report`` prints)."""
    return render(build_report(release_dir), fmt)


def report_files(manifest: Manifest, *, steps: Sequence[AuditEntry] = (), draft: bool = True,
                 signed: bool | None = None) -> dict[str, bytes]:
    """The report files of ``manifest`` by file name: ``report.html``, ``report.md``, ``report.json``.

    ``draft=True`` (the default) is for a run attaching them before it signs; ``steps`` are the audit
    entries so far (:func:`deid.report.build.read_steps`).
    """
    report = report_from_manifest(manifest, steps=steps, draft=draft, signed=signed)
    return {f"report.{fmt}": renderer(report).encode("utf-8") for fmt, renderer in RENDERERS.items()}


__all__ = ["RENDERERS", "render", "render_release", "report_files"]
