"""Special functions for the population models, fast and accurate over their whole domain.

Pitman's likelihood equations (:mod:`deid.risk.population`) evaluate digamma and trigamma at arguments such as
``t/a + 1`` and ``1 - a`` that the Newton iteration may push far below zero (``-3e8`` on a nearly-unique
table at a population of 317 M). scipy's ``polygamma(1, x)`` takes time proportional to ``|x|`` there
(seconds per call), so negative arguments go through the reflection formulas (Abramowitz and Stegun 6.3.7
and its derivative), as ARX's ``Gamma`` does:

    digamma(x)  = digamma(1 - x) - pi / tan(pi x)
    trigamma(x) = -trigamma(1 - x) + (pi / sin(pi x))^2

Both are poles at 0, -1, -2, ... (returned as NaN, which ends a Newton try the way ARX's infinities do).

The estimate ``Gamma(t + 1) / Gamma(t + a) * N^a`` is a ratio of gamma functions of nearly equal large
arguments: :func:`log_gamma_ratio` computes ``lgamma(x + d) - lgamma(x)`` from Stirling's series of the
difference when ``x`` is large, so that the result keeps its digits where the two log-gammas (about 6e9 at
x = 3e8) would cancel.
"""

from __future__ import annotations

import math

import numpy as np

#: Below this, arguments are reflected.
_REFLECT_BELOW = 0.0
#: Above this, lgamma differences use Stirling's series instead of two log-gammas.
_STIRLING_ABOVE = 1e4


_LGAMMA = np.frompyfunc(math.lgamma, 1, 1)


def gammaln(x: float | np.ndarray) -> np.ndarray:
    """log|Gamma(x)|, element-wise (math.lgamma: no scipy import at start-up, which costs about 0.8 s)."""
    return np.asarray(_LGAMMA(np.asarray(x, dtype=np.float64)), dtype=np.float64)


def _recur_to_ten(x: np.ndarray, power: int) -> tuple[np.ndarray, np.ndarray]:
    """Shift x > 0 up to at least 10 by the recurrence; returns (shifted x, sum of 1/x^power removed)."""
    result = np.zeros_like(x)
    for _ in range(10):
        step = x < 10.0
        if not np.any(step):
            break
        result = np.where(step, result + 1.0 / x**power, result)
        x = np.where(step, x + 1.0, x)
    return x, result


def _digamma_positive(x: np.ndarray) -> np.ndarray:
    """psi(x) for x > 0: recurrence up to 10, then the asymptotic series (relative error below 1e-15)."""
    x, removed = _recur_to_ten(x, 1)
    r = 1.0 / (x * x)
    series = r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132)))))
    return np.log(x) - 0.5 / x - series - removed


def _poles(x: np.ndarray) -> np.ndarray:
    return (x <= 0) & (x == np.floor(x))


def digamma(x: float | np.ndarray) -> np.ndarray:
    """psi(x) for every real x (NaN at the poles 0, -1, -2, ...)."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        negative = x < _REFLECT_BELOW
        safe = np.where(negative, 1.0 - x, x)
        safe = np.where(np.isfinite(safe) & (safe > 0), safe, np.nan)
        result = _digamma_positive(safe)
        if np.any(negative):
            result = np.where(negative, result - np.pi / np.tan(np.pi * (x - np.floor(x))), result)
        return np.where(_poles(x), np.nan, result)


def _trigamma_positive(x: np.ndarray) -> np.ndarray:
    """psi'(x) for x > 0: recurrence up to 10, then the asymptotic series (error below 1e-15 relative)."""
    x, result = _recur_to_ten(x, 2)
    r = 1.0 / (x * x)
    # psi'(x) ~ 1/x + 1/(2x^2) + sum B_2k / x^(2k+1)
    series = 1.0 + r * (1.0 / 6 + r * (-1.0 / 30 + r * (1.0 / 42 + r * (-1.0 / 30 + r * (5.0 / 66)))))
    return result + 0.5 * r + series / x


def trigamma(x: float | np.ndarray) -> np.ndarray:
    """psi'(x) for every real x, in time independent of x (NaN at the poles 0, -1, -2, ...)."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        negative = x < _REFLECT_BELOW
        safe = np.where(negative, 1.0 - x, x)
        safe = np.where(np.isfinite(safe) & (safe > 0), safe, np.nan)
        result = _trigamma_positive(safe)
        if np.any(negative):
            reflected = np.pi / np.sin(np.pi * (x - np.floor(x)))  # exact period reduction
            result = np.where(negative, -result + reflected * reflected, result)
        return np.where(_poles(x), np.nan, result)


def log_gamma_ratio(x: float, d: float) -> float:
    """lgamma(x + d) - lgamma(x) for x > 0 and x + d > 0, without cancellation when x is large.

    For large x: Stirling's series lgamma(z) = (z - 1/2) log z - z + log(2 pi)/2 + 1/(12 z) - 1/(360 z^3)
    taken as a difference, with log(x + d) - log(x) written as log1p(d / x).
    """
    if not (x > 0 and x + d > 0):
        return math.nan
    if x < _STIRLING_ABOVE or abs(d) > x / 2:
        return math.lgamma(x + d) - math.lgamma(x)
    z = x + d
    main = (z - 0.5) * math.log1p(d / x) + d * math.log(x) - d
    correction = (1.0 / z - 1.0 / x) / 12.0 - (1.0 / z**3 - 1.0 / x**3) / 360.0
    return main + correction
