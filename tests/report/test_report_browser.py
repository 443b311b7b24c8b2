"""The HTML report in headless Chromium: loads with no console error and no request but the file itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_helpers import fixture_release

from deid.report import build_report, render_html
from deid.report.browser import load_in_browser
from deid.report.sample import SampleRelease


@pytest.mark.browser
@pytest.mark.parametrize("which", ["sample", "tiny"])
def test_report_loads_offline_in_chromium(which: str, raw_sample: SampleRelease, tmp_path: Path) -> None:
    release = raw_sample.path if which == "sample" else fixture_release()
    page = tmp_path / "report.html"
    page.write_text(render_html(build_report(release)), encoding="utf-8")
    shot, pdf = tmp_path / "screenshot.png", tmp_path / "report.pdf"
    load = load_in_browser(page, shot, pdf=pdf)
    assert load.console_errors == [] and load.page_errors == []
    assert load.requests == [page.resolve().as_uri()] and load.failed_requests == []
    assert load.title.startswith("Privacy risk report: ")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert pdf.read_bytes()[:5] == b"%PDF-" and load.pdf_bytes > 10_000     # printable


@pytest.mark.browser
def test_a_request_would_be_seen(tmp_path: Path) -> None:
    # The check above can fail: a page that asks for another file is caught (and the CSP blocks it).
    page = tmp_path / "page.html"
    page.write_text('<!DOCTYPE html><html><head><title>t</title><link rel="stylesheet" href="style.css">'
                    "</head><body><img src=\"https://example.org/x.png\"></body></html>", encoding="utf-8")
    load = load_in_browser(page)
    assert load.other_requests


@pytest.mark.slow
@pytest.mark.browser
def test_demo_release_report_in_chromium(tmp_path: Path) -> None:
    """The report of the release `deid demo` writes (whatever its verdict), as `make report-demo` renders it."""
    from deid.demo import run_demo

    release = Path(run_demo(tmp_path / "demo", patients=20).run.path)
    attached = release / "reports" / "report.html"
    assert attached.is_file()
    page = tmp_path / "report.html"
    page.write_text(render_html(build_report(release)), encoding="utf-8")
    for html in (attached, page):
        load = load_in_browser(html, tmp_path / f"{html.parent.name}.png")
        assert load.console_errors == [] and load.page_errors == [] and load.other_requests == []
