"""Risk measures on small hand-computed tables (each case worked out from the cited definition)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from deid.risk.measures import (
    class_emd,
    class_entropy_l,
    class_recursive_c,
    diversity,
    journalist,
    marketer,
    prosecutor,
)


@pytest.mark.parametrize(
    ("sizes", "max_", "avg", "above_02", "above_05"),
    [
        ([1, 2, 3], 1.0, 3 / 6, 1.0, 1 / 6),  # risks 1, 1/2, 1/3: all above 0.2; only size 1 above 0.5
        ([5, 5], 0.2, 2 / 10, 0.0, 0.0),  # 1/5 is not strictly above 0.2
        ([4], 0.25, 1 / 4, 1.0, 0.0),
    ],
)
def test_prosecutor(sizes: list[int], max_: float, avg: float, above_02: float, above_05: float) -> None:
    risk = prosecutor(np.array(sizes))
    assert (risk.max, risk.avg) == pytest.approx((max_, avg))
    assert risk.records_at_risk["0.2"] == pytest.approx(above_02)
    assert risk.records_at_risk["0.5"] == pytest.approx(above_05)


def test_journalist_and_marketer_use_population_sizes() -> None:
    sample, population = np.array([1, 2]), np.array([4.0, 10.0])
    risk = journalist(sample, population)
    assert risk.max == pytest.approx(1 / 4)
    assert risk.avg == pytest.approx(max(2 / 14, (1 / 4 + 2 / 10) / 3))
    assert risk.records_at_risk["0.2"] == pytest.approx(1 / 3)
    assert marketer(sample, population) == pytest.approx((1 / 4 + 2 / 10) / 3)
    assert marketer(sample, None) == pytest.approx(2 / 3)


def test_l_diversity_variants() -> None:
    matrix = np.array([[3.0, 1.0, 0.0], [1.0, 1.0, 1.0]])
    div = diversity(matrix, recursive_l=2)
    assert div.distinct == 2
    p = np.array([0.75, 0.25])
    assert div.entropy == pytest.approx(math.exp(-(p * np.log(p)).sum()))
    assert class_entropy_l(matrix)[1] == pytest.approx(3.0)
    # (c,2): class 1 needs 3 < c * 1, class 2 needs 1 < c * 2: c above 3
    assert div.recursive_c == pytest.approx(3.0)
    assert math.isinf(class_recursive_c(np.array([[4.0, 0.0]]), 2)[0])


def test_t_closeness_equal_and_ordered_distance() -> None:
    # Li et al. 2007's example: salaries 3k..11k, one of each overall; a class holding {3k, 4k, 5k}
    overall = np.ones(9)
    low = np.array([[1.0, 1, 1, 0, 0, 0, 0, 0, 0]])
    assert class_emd(low, ordered=True, overall=overall)[0] == pytest.approx(0.375)
    assert class_emd(low, ordered=False, overall=overall)[0] == pytest.approx(2 / 3)
    spread = np.array([[1.0, 0, 0, 0, 1, 0, 0, 0, 1]])  # {3k, 7k, 11k}: cumulative |diff| sums to 8/9
    assert class_emd(spread, ordered=True, overall=overall)[0] == pytest.approx(1 / 9)
