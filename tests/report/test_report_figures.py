"""The risk figures a run stores in the manifest: flat and back without loss, and the class-size histogram."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from report_helpers import tiny_frame, tiny_policy

from deid.policy import load_policy
from deid.report.figures import (
    Anonymization,
    Driver,
    DriverFigures,
    LDiversityFigures,
    PopulationFigures,
    RiskCheck,
    RiskSummary,
    TableRisk,
    TClosenessFigures,
    class_size_histogram,
    flatten_risk,
    parse_risk_figures,
    table_risk,
)
from deid.risk import anonymize, assess_risk

# Names with every character the flat encoding must survive: '/', '#', '%', '=', '.', spaces, non-ASCII.
names = st.text(alphabet=st.sampled_from("ab/#%=.- é"), min_size=0, max_size=6)
shares = st.floats(min_value=0, max_value=1, allow_nan=False)
counts = st.integers(min_value=0, max_value=10**9)
maybe = st.none() | shares
summary = st.builds(RiskSummary, max=shares, avg=shares,
                    records_at_risk=st.dictionaries(st.sampled_from(["0.05", "0.09", "0.2", "0.33", "0.5"]), shares))
driver_figures = st.builds(DriverFigures, classes=counts, k=counts, sample_uniques=shares, prosecutor_max=shares,
                           prosecutor_avg=shares)
table_risks = st.builds(
    TableRisk,
    quasi_identifiers=st.lists(names, max_size=3), sensitive=st.lists(names, max_size=2),
    rows=counts, persons=counts, person_level=st.booleans(), suppressed=counts, classes=counts, k=counts,
    sample_uniques=counts, prosecutor=summary, journalist=summary,
    journalist_source=st.sampled_from(["sample", "population table"]), marketer=shares,
    population=st.builds(PopulationFigures, population=st.none() | counts, sampling_fraction=maybe, pitman=maybe,
                         zayatz=maybe, snb=maybe, dankar=maybe, dankar_model=st.none() | names),
    l_diversity=st.dictionaries(names, st.builds(LDiversityFigures, distinct=counts, entropy=shares,
                                                 recursive_l=counts, recursive_c_min=maybe), max_size=2),
    t_closeness=st.dictionaries(names, st.builds(TClosenessFigures, distance=names, t=shares), max_size=2),
    drivers=st.dictionaries(names, st.builds(Driver, dropped=driver_figures,
                                             generalized=st.none() | driver_figures), max_size=2),
    checks=st.dictionaries(names, st.builds(RiskCheck, required=shares, measured=maybe, passed=st.booleans(),
                                            reason=names), max_size=2),
    class_sizes=st.none() | st.dictionaries(st.integers(1, 10**6), counts, max_size=4),
    anonymization=st.none() | st.builds(
        Anonymization, levels=st.dictionaries(names, counts, max_size=2), searched=st.lists(names, max_size=2),
        suppressed=counts, suppressed_rows=counts, suppression_limit=shares, loss=shares,
        loss_per_column=st.dictionaries(names, shares, max_size=2), discernibility=shares, avg_class_size=shares,
        reasons=st.lists(names, max_size=3)),
)


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
