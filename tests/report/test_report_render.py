"""Whatever figures a manifest holds, every renderer produces a report and every figure keeps its sentence."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from report_helpers import fixture_release, table_risks

from deid.release import Manifest
from deid.report import render_html, render_json, render_markdown, report_from_manifest
from deid.report.charts import size_buckets
from deid.report.figures import TableRisk, flatten_risk

BASE = Manifest.model_validate_json((fixture_release() / "manifest.json").read_bytes())


def _manifest(risk: TableRisk) -> Manifest:
    return BASE.model_copy(update={"risk": {"t/1": flatten_risk(risk), "other": {"k_min": 2}}})


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table_risks)
def test_markdown_and_json_for_any_figures(risk: TableRisk) -> None:
    report = report_from_manifest(_manifest(risk))
    section = report.risk[0]
    assert section.figures == risk
    assert all(s.sentence and s.display for s in section.statements)
    assert len(section.drivers) == len(risk.drivers) and all(d.sentence for d in section.drivers)
    assert report.risk[1].figures is None and report.risk[1].other_figures == {"k_min": 2}
    assert "### Risk: t/1" in render_markdown(report)
    assert json.loads(render_json(report))["risk"][0]["figures"] == json.loads(risk.model_dump_json())


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table_risks)
def test_html_for_any_figures(risk: TableRisk) -> None:
    html = render_html(report_from_manifest(_manifest(risk)))
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "<script" not in html


@pytest.mark.parametrize(("sizes", "k", "labels"), [
    ({1: 2, 3: 1}, 5, ["1", "2", "3"]),
    ({1: 2, 40: 1}, 11, ["1", "2", "3", "4", "5–9", "10", "11–19", "20–40"]),
    ({1: 2, 40: 1}, 500, ["1", "2", "3", "4", "5–9", "10–19", "20–40"]),
])
def test_size_buckets_split_at_k(sizes: dict[int, int], k: int, labels: list[str]) -> None:
    rows = size_buckets(sizes, k)
    assert [r["size"] for r in rows] == labels
    assert sum(r["people"] for r in rows) == sum(s * n for s, n in sizes.items())
    assert all((r["band"] == "meets k") == (int(r["size"].split("–")[0]) >= k) for r in rows)
