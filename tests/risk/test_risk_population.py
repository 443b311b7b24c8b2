"""Population uniqueness models: edge cases of Dankar's decision rule."""

from __future__ import annotations

import numpy as np
import pytest

from deid.risk.population import ClassHistogram, population_uniqueness, zayatz_uniques


def test_no_sample_uniques_means_no_population_uniques() -> None:
    est = population_uniqueness(np.array([2, 3, 5]), 1_000_000)
    assert (est.pitman, est.zayatz, est.snb, est.dankar) == (0.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize("population", [10_000_000, 1_500])
def test_dankar_picks_by_sampling_fraction(population: int) -> None:
    sizes = np.array([1] * 300 + [2] * 150 + [3] * 80 + [5] * 40 + [10] * 10)
    est = population_uniqueness(sizes, population)
    if est.sampling_fraction <= 0.1:  # Pitman, Zayatz when Pitman has no estimate
        expected = "pitman" if est.pitman is not None else "zayatz"
        assert est.dankar_model == expected
    else:  # the smaller of Zayatz and SNB, Zayatz when SNB has none
        assert est.dankar_model in {"zayatz", "snb"}
        if est.snb is None:
            assert est.dankar_model == "zayatz"
    chosen = {"pitman": est.pitman, "zayatz": est.zayatz, "snb": est.snb}[est.dankar_model]
    assert chosen == pytest.approx(est.dankar)
    assert 0 <= est.dankar <= 1


def test_zayatz_with_a_census_is_the_sample_uniques() -> None:
    hist = ClassHistogram.from_class_sizes(np.array([1, 1, 2, 3]))
    # sampling fraction 1: every sample unique is a population unique
    assert zayatz_uniques(hist, hist.records) == pytest.approx(2.0)
