"""Population models against independent implementations, and the special functions they stand on.

The independent Pitman estimate maximizes Pitman's log-likelihood (Hoshino 2001, eq. 2.2, written with
log-gammas) by Nelder-Mead over theta > 0 and 0 < alpha < 1; ours solves the likelihood equations by
Newton-Raphson as ARX does. The two meet only at the maximum, so agreement checks the equations, the
solver and the estimate together. The SNB check re-derives Chen and Keller-McNulty's two moment equations
here and asks whether our root solves them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize
from scipy.special import gammaln as scipy_gammaln
from scipy.special import polygamma, psi

from deid.risk.population import START_GRID, ClassHistogram, pitman, population_uniqueness, snb
from deid.risk.special import digamma, gammaln, log_gamma_ratio, trigamma


def zipf_histogram(seed: int, n: int, uniqueness: float, exponent: float) -> np.ndarray:
    """Class sizes of a generated table: ``uniqueness`` of ``n`` people alone, the rest in Zipf-sized classes."""
    rng = np.random.default_rng(seed)
    c1 = int(n * uniqueness)
    rest = n - c1
    sizes = rng.zipf(exponent, size=max(rest, 1)) + 1
    sizes = sizes[np.cumsum(sizes) <= rest]
    left = rest - int(sizes.sum())
    extra = [left] if left >= 2 else ([1] if left == 1 else [])
    return np.concatenate([np.ones(c1, dtype=np.int64), sizes, np.array(extra, dtype=np.int64)])


def independent_pitman(class_sizes: np.ndarray, population: float) -> tuple[float, float, float]:
    """(uniques, theta, alpha) by maximizing Pitman's log-likelihood directly."""
    sizes, counts = np.unique(class_sizes, return_counts=True)
    u, n = counts.sum(), (sizes * counts).sum()
    multi = sizes > 1

    def negative_log_likelihood(p: np.ndarray) -> float:
        t, a = math.exp(p[0]), 1 / (1 + math.exp(-p[1]))
        ll = (u - 1) * math.log(a) + scipy_gammaln(t / a + u) - scipy_gammaln(t / a + 1)
        ll -= scipy_gammaln(t + n) - scipy_gammaln(t + 1)
        ll += float((counts[multi] * (scipy_gammaln(sizes[multi] - a) - scipy_gammaln(1 - a))).sum())
        return -float(ll)

    best = min(
        (
            minimize(
                negative_log_likelihood,
                [math.log(t0), a0],
                method="Nelder-Mead",
                options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 20000},
            )
            for t0 in (1.0, 100.0, 1e4, 1e6)
            for a0 in (-2.0, 0.0, 2.0)
        ),
        key=lambda r: r.fun,
    )
    t, a = math.exp(best.x[0]), 1 / (1 + math.exp(-best.x[1]))
    return math.exp(scipy_gammaln(t + 1) - scipy_gammaln(t + a) + a * math.log(population)), t, a


# ------------------------------------------------------------------------------------ special functions

ARGUMENTS = [1e-8, 0.3, 1.0, 2.5, 9.99, 10.0, 37.0, 1e6, 3e8, -0.5, -2.3, -1000.7, -3e8 + 0.25]


@pytest.mark.parametrize("x", ARGUMENTS)
def test_digamma_matches_scipy_over_the_whole_domain(x: float) -> None:
    assert float(digamma(x)) == pytest.approx(float(psi(x)), rel=1e-12)


@pytest.mark.parametrize("x", ARGUMENTS[:-1])  # scipy's trigamma at -3e8 takes seconds: the reason for ours
def test_trigamma_matches_scipy_over_the_whole_domain(x: float) -> None:
    assert float(trigamma(x)) == pytest.approx(float(polygamma(1, x)), rel=1e-11)


def test_trigamma_reflection_holds_far_below_zero() -> None:
    x = -3e8 + 0.25  # trigamma(x) + trigamma(1 - x) = pi^2 / sin^2(pi x)
    assert float(trigamma(x) + trigamma(1 - x)) == pytest.approx(2 * math.pi**2, rel=1e-12)


@pytest.mark.parametrize("x", [0.0, -1.0, -7.0])
def test_poles_are_nan_not_errors(x: float) -> None:
    assert math.isnan(float(digamma(x))) and math.isnan(float(trigamma(x)))


@pytest.mark.parametrize("x", [0.5, 3.0, 1e4 + 1, 3e8, 1e12])
def test_log_gamma_ratio_keeps_its_digits_at_large_arguments(x: float) -> None:
    assert log_gamma_ratio(x, 1.0) == pytest.approx(math.log(x), rel=1e-14)  # Gamma(x+1) = x Gamma(x)
    assert float(gammaln(x)) == pytest.approx(float(scipy_gammaln(x)), rel=1e-14)


def test_start_grid_is_arxs() -> None:
    assert len(START_GRID) == 16
    assert [round(v, 2) for v in sorted({a for a, _ in START_GRID})] == [0.0, 0.33, 0.66, 0.99]
    assert START_GRID[0] == (0.0, 0.0)  # alpha = 0: a failed start, not a ZeroDivisionError


# ------------------------------------------------------------------------------------------------- Pitman

#: Generated tables where the previous solver (one start, accuracy 1e-9, a ZeroDivisionError at alpha = 0)
#: returned no estimate; ARX's solver, and ours now, converge. (seed, people, uniqueness, Zipf exponent)
USED_TO_FAIL = [(17, 68659, 0.789, 2.473), (28, 42888, 0.397, 2.175), (24, 4414, 0.283, 1.87)]


@pytest.mark.parametrize(("seed", "n", "uniqueness", "exponent"), USED_TO_FAIL)
def test_pitman_converges_where_the_old_solver_failed(
    seed: int, n: int, uniqueness: float, exponent: float
) -> None:
    sizes = zipf_histogram(seed, n, uniqueness, exponent)
    population = 300 * int(sizes.sum())
    estimate = pitman(ClassHistogram.from_class_sizes(sizes), population)
    assert estimate.valid and estimate.reason is None
    expected, _, _ = independent_pitman(sizes, population)
    assert estimate.uniques == pytest.approx(expected, rel=1e-4)
    est = population_uniqueness(sizes, population)
    assert est.dankar_model == "pitman" and est.dankar == pytest.approx(expected / population, rel=1e-4)


#: The generated tables both property tests draw: 10^3 to 10^6 people, 1 % to 99 % unique, Zipf-shaped classes.
GENERATED_TABLES = {
    "seed": st.integers(0, 10_000),
    "log_n": st.floats(3.0, 6.0),
    "uniqueness": st.floats(0.01, 0.99),
    "exponent": st.floats(1.5, 3.0),
}


@settings(max_examples=25, deadline=None)
@given(
    **GENERATED_TABLES,
    factor=st.sampled_from([20, 300, 3000]),
)
def test_pitman_agrees_with_direct_likelihood_maximization(
    seed: int, log_n: float, uniqueness: float, exponent: float, factor: int
) -> None:
    sizes = zipf_histogram(seed, int(10**log_n), uniqueness, exponent)
    hist = ClassHistogram.from_class_sizes(sizes)
    population = factor * int(hist.records)
    estimate = pitman(hist, population)
    if not estimate.valid:
        assert estimate.reason  # never a bare null
        return
    assert estimate.parameters is not None
    theta, alpha = estimate.parameters
    assert theta >= 0
    if not 0 < alpha < 1:
        return  # a root with alpha <= 0 lies outside the independent search's domain
    expected, _, _ = independent_pitman(sizes, population)
    assert estimate.uniques == pytest.approx(expected, rel=1e-3)


def test_pitman_is_undefined_on_an_all_unique_table_with_the_reason() -> None:
    est = population_uniqueness(np.ones(63_441, dtype=np.int64), 317_238_626)
    assert est.pitman is None and "every class is a sample unique" in est.reasons["pitman"]
    assert est.dankar_model == "zayatz" and est.zayatz is not None


# --------------------------------------------------------------------------------------------------- SNB


def snb_equations(a: float, b: float, k: float, f: float, c1: float, c2: float) -> tuple[float, float]:
    """Chen and Keller-McNulty (1998), eqs. 9-10: expected sample classes of size 1 and 2 under SNB."""
    d = (1 - f) * (1 - b)
    ones = k * f * (b / (1 - d)) ** a * (1 + a * d / (1 - d))
    twos = k * a * b**a * f**2 * (1 - b) / 2 * (1 - d) ** (a + 2) * (2 - (1 - a) * d)
    return ones - c1, twos - c2


@settings(max_examples=25, deadline=None)
@given(
    **GENERATED_TABLES,
    fraction=st.sampled_from([0.2, 0.5, 0.9]),
)
def test_snb_root_solves_the_independent_equations(
    seed: int, log_n: float, uniqueness: float, exponent: float, fraction: float
) -> None:
    sizes = zipf_histogram(seed, int(10**log_n), uniqueness, exponent)
    hist = ClassHistogram.from_class_sizes(sizes)
    population = hist.records / fraction
    estimate = snb(hist, population)
    if not estimate.valid:
        assert estimate.reason
        return
    assert 0 <= estimate.uniques <= population
    assert estimate.parameters is not None
    a, b, k = estimate.parameters
    residual = snb_equations(a, b, k, hist.records / population, hist.of_size(1), hist.of_size(2))
    assert abs(residual[0]) <= 1e-6 and abs(residual[1]) <= 1e-6
    assert estimate.uniques == pytest.approx(k * b**a, rel=1e-12)
