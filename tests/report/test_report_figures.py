"""The risk figures a run stores in the manifest: flat and back without loss, and the class-size histogram."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from report_helpers import table_risks, tiny_frame, tiny_policy

from deid.policy import load_policy
from deid.report.figures import (
    TableRisk,
    class_size_histogram,
    flatten_risk,
    parse_risk_figures,
    table_risk,
)
from deid.risk import anonymize, assess_risk


@settings(max_examples=150, deadline=None)
@given(table_risks)
def test_flat_figures_round_trip_through_the_manifest_json(risk: TableRisk) -> None:
    flat = flatten_risk(risk)
    assert all(isinstance(v, (int, float, str, bool)) or v is None for v in flat.values())
    assert parse_risk_figures(json.loads(json.dumps(flat))) == risk


@pytest.mark.parametrize("figures", [
    {"k_min": 5, "max_prosecutor_risk": 0.2},                        # another writer's flat figures
    {"figures_format": "deid.risk-figures.v999", "k": 5},            # a format this deid does not read
    {"figures_format": "deid.risk-figures.v1", "k": 5},              # incomplete
    {"figures_format": "deid.risk-figures.v1", "k": 5, "k/x": 1},    # a figure that is also a folder
])
def test_figures_in_another_form_are_not_parsed(figures: dict) -> None:  # type: ignore[type-arg]
    assert parse_risk_figures(figures) is None


def _check_histogram(hist: dict[int, int], report) -> None:  # type: ignore[no-untyped-def]
    assert sum(hist.values()) == report.classes
    assert sum(size * n for size, n in hist.items()) == report.persons - report.suppressed
    assert hist.get(1, 0) == report.sample_uniques
    assert min(hist) == report.k


def test_histogram_agrees_with_the_risk_report_on_adult(shared: Path, root: Path) -> None:
    policy = load_policy(root / "policies" / "examples" / "adult.yaml")
    frame = pl.read_csv(shared / "data" / "adult" / "adult.csv", separator=";", infer_schema=False)
    raw = class_size_histogram(frame, policy, "adult", release=False)
    _check_histogram(raw, assess_risk(frame, policy, "adult", drivers=False))
    assert (len(raw), sum(raw.values()), raw[1]) == (35, 18_109, 14_021)  # ARX 3.9.2: 18,109 classes, 14,021 uniques
    released, _ = anonymize(frame, policy, "adult", suppression_limit=0.01)
    hist = class_size_histogram(released, policy, "adult")
    _check_histogram(hist, assess_risk(released, policy, "adult", release=True, drivers=False))
    assert min(hist) >= 5


def test_histogram_leaves_suppressed_people_out() -> None:
    policy = tiny_policy()
    released, anonymization = anonymize(tiny_frame(), policy, "visits")
    assert anonymization.suppressed == 1
    risk = assess_risk(released, policy, "visits", release=True)
    hist = class_size_histogram(released, policy, "visits")
    _check_histogram(hist, risk)
    typed = table_risk(risk, anonymization, hist)
    assert typed.class_sizes == hist and typed.anonymization is not None
    assert typed.anonymization.levels == anonymization.levels
