"""On ../shared/data/adult: our figures against ARX 3.9.2's (quoted in issue 5), and the anonymization optimum.

ARX's figures are external reference values, not our own output: risk of the raw data, and the optimum of
k = 5 at suppression limits 0 %, 1 %, 2 % and 5 % (suppressed records and classes; at 0 % also the levels).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from deid.policy import Policy, load_policy
from deid.risk import anonymize, assess_risk
from deid.risk.lattice import Evaluator, Requirements
from deid.risk.units import build_units
from deid.tabular import scan_table

ROOT = Path(__file__).resolve().parents[2]
QIS = ["sex", "age", "race", "marital-status", "education", "native-country", "workclass", "occupation"]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(ROOT / "policies" / "examples" / "adult.yaml")


@pytest.fixture(scope="module")
def adult(shared: Path) -> pl.LazyFrame:
    return scan_table(shared / "data" / "adult" / "adult.csv")


def test_policy_describes_the_usual_setup(policy: Policy) -> None:
    assert policy.quasi_identifiers("adult") == QIS
    assert policy.risk.k == 5


def test_raw_risk_matches_arx(adult: pl.LazyFrame, policy: Policy) -> None:
    report = assess_risk(adult, policy, "adult", population=317_238_626)
    assert (report.rows, report.classes, report.sample_uniques, report.k) == (30162, 18109, 14021, 1)
    assert report.prosecutor.avg == pytest.approx(0.6004, abs=5e-5)
    assert report.prosecutor.max == 1.0
    at_risk = report.prosecutor.records_at_risk
    for threshold, arx in {"0.05": 0.9552, "0.09": 0.8894, "0.2": 0.7286, "0.5": 0.4649}.items():
        assert at_risk[threshold] == pytest.approx(arx, abs=5e-5), threshold
    assert set(at_risk) == {"0.05", "0.09", "0.2", "0.33", "0.5"}
    assert report.marketer == pytest.approx(0.6004, abs=5e-5)
    uniques = report.population_uniques
    assert uniques.pitman == pytest.approx(0.0297, abs=5e-5)
    assert uniques.zayatz == pytest.approx(0.216, abs=5e-4)
    assert uniques.dankar_model == "pitman" and uniques.dankar == uniques.pitman
    assert report.journalist.max == report.prosecutor.max  # no population table: as ARX


def test_drivers_show_what_each_qi_adds(adult: pl.LazyFrame, policy: Policy) -> None:
    report = assess_risk(adult, policy, "adult")
    assert set(report.drivers) == set(QIS)
    for qi, driver in report.drivers.items():
        assert driver.dropped.classes <= report.classes, qi
        if driver.generalized is not None:
            assert driver.dropped.classes <= driver.generalized.classes <= report.classes, qi
    # age is the strongest driver on Adult: dropping it removes the most classes
    assert min(report.drivers, key=lambda q: report.drivers[q].dropped.classes) == "age"


ARX_OPTIMUM = [  # suppression limit, records suppressed, classes (ARX 3.9.2, k = 5)
    (0.0, 0, 30),
    (0.01, 273, 147),
    (0.02, 552, 233),
    (0.05, 1458, 399),
]


@pytest.mark.parametrize(("limit", "arx_suppressed", "arx_classes"), ARX_OPTIMUM)
def test_anonymization_is_at_least_as_good_as_arx(
    adult: pl.LazyFrame, policy: Policy, limit: float, arx_suppressed: int, arx_classes: int
) -> None:
    released, report = anonymize(adult, policy, "adult", suppression_limit=limit)
    assert report.k >= 5
    assert report.suppressed <= limit * report.persons
    assert report.classes >= arx_classes
    assert report.suppressed == arx_suppressed  # the same optimum as ARX's
    kept = released.filter(pl.col("sex") != "*")
    sizes = kept.group_by(QIS).len()["len"]
    assert sizes.min() >= 5 and sizes.len() == report.classes
    stars = released.filter(pl.col("sex") == "*")
    assert stars.height == report.suppressed
    assert all((stars[q] == "*").all() for q in QIS)
    assert released.height == 30162


def test_loss_at_most_arx_at_zero_suppression(adult: pl.LazyFrame, policy: Policy) -> None:
    arx_levels = (0, 4, 0, 2, 3, 2, 2, 1)  # ARX's optimum at 0 %, in QIS order
    units = build_units(adult, policy, "adult")
    arx = Evaluator(units, Requirements.from_policy(policy.risk, 0.0)).evaluate(arx_levels)
    assert arx.feasible and arx.loss is not None
    _, report = anonymize(adult, policy, "adult", suppression_limit=0.0)
    assert report.loss <= arx.loss.loss + 1e-12
    assert report.classes >= arx.classes
    assert tuple(report.levels[q] for q in QIS) == arx_levels


def test_full_assessment_of_three_million_rows_is_fast(shared: Path, policy: Policy) -> None:
    import time

    base = pl.read_csv(shared / "data" / "adult" / "adult.csv", separator=";", infer_schema=False)
    big = pl.concat([base] * 100).rechunk()
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        report = assess_risk(big, policy, "adult")
        best = min(best, time.perf_counter() - started)
    assert report.rows == 3_016_200 and report.classes == 18109 and report.k == 100
    assert best < 1.5, f"full risk assessment of 3 M rows took {best:.2f} s (target 1.5 s)"
