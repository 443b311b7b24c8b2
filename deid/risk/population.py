"""Population uniqueness: how many people in the *population* are unique on the quasi-identifiers.

A sample unique is not necessarily a population unique: the person may have look-alikes who were not
sampled. These models estimate, from the sample's class-size histogram and the population size, the number
of population uniques. Each follows ARX 3.9 (``org.deidentifier.arx.risk``) exactly, including its numerical
choices, so that the figures agree with ARX's:

- Pitman: Hoshino 2001, "Applying Pitman's sampling formula to microdata disclosure risk assessment",
  J. Official Statistics 17(4). Maximum-likelihood (theta, alpha) by Newton-Raphson from ARX's start value;
  uniques = Gamma(theta+1) / Gamma(theta+alpha) * N^alpha. ARX ``ModelPitman``.
- Zayatz: Zayatz 1991, "Estimation of the percent of unique population elements on a microdata file using
  the sample", US Census Bureau SRD report 91/08. ARX ``ModelZayatz`` (hypergeometric P(X=1)).
- SNB: Chen and Keller-McNulty 1998, "Estimation of identification disclosure risk in microdata",
  J. Official Statistics 14(1) (slide negative binomial), with Haas and Stokes' Shlosser estimator of the
  number of non-empty population classes. ARX ``ModelSNB``.
- Dankar's decision rule: Dankar, El Emam, Neisa and Roffey 2012, "Estimating the re-identification risk of
  clinical data sets", BMC Med Inform Decis Mak 12:66: Pitman when the sampling fraction is at most 10 %
  (Zayatz if Pitman fails), otherwise the smaller of Zayatz and SNB. ARX ``RiskModelPopulationUniqueness``.

Every estimate is reported as ARX does: estimated population uniques divided by the population size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, gammaln, polygamma

ACCURACY = 1e-9  # ARXSolverConfiguration's default accuracy
MAX_ITERATIONS = 1000  # ARX: iterations per try


@dataclass(frozen=True)
class ClassHistogram:
    """Class sizes and how many classes have each size, sorted by size."""

    sizes: np.ndarray  # float64, ascending
    counts: np.ndarray  # float64

    @classmethod
    def from_class_sizes(cls, class_sizes: np.ndarray) -> ClassHistogram:
        """Histogram of the given class sizes."""
        sizes, counts = np.unique(np.asarray(class_sizes, dtype=np.int64), return_counts=True)
        return cls(sizes.astype(np.float64), counts.astype(np.float64))

    @property
    def records(self) -> float:
        """Number of records in the sample."""
        return float((self.sizes * self.counts).sum())

    @property
    def classes(self) -> float:
        """Number of classes."""
        return float(self.counts.sum())

    def of_size(self, size: int) -> float:
        """Number of classes of exactly ``size`` records."""
        return float(self.counts[self.sizes == size].sum())


def _valid(value: float) -> bool:
    return not math.isnan(value) and value != 0.0


def _newton(function, start: np.ndarray, constraint=None) -> np.ndarray:  # type: ignore[no-untyped-def]
    """2-D Newton-Raphson (as de.linearbits.newtonraphson): NaN when it does not converge."""
    x = np.asarray(start, dtype=np.float64)
    for _ in range(MAX_ITERATIONS):
        value, jacobian = function(x)
        if not np.all(np.isfinite(value)) or not np.all(np.isfinite(jacobian)):
            break
        if np.all(np.abs(value) <= ACCURACY):
            return x
        try:
            step = np.linalg.solve(jacobian, -value)
        except np.linalg.LinAlgError:
            break
        x = x + step
        if constraint is not None and not constraint(x):
            break
    return np.array([math.nan, math.nan])


def pitman_uniques(hist: ClassHistogram, population: float) -> float:
    """Estimated population uniques by Pitman's model (ARX ``ModelPitman``, closed-form derivatives).

    The Newton iteration may leave the domain on tiny or degenerate samples; that ends as NaN ("no
    estimate"), so numpy's floating-point warnings along the way carry no information and are silenced.
    """
    with np.errstate(all="ignore"):
        try:
            return _pitman_uniques(hist, population)
        except ZeroDivisionError:
            return math.nan


def _pitman_uniques(hist: ClassHistogram, population: float) -> float:
    c1 = hist.of_size(1)
    c2 = hist.of_size(2) or 1.0  # ARX: overestimate when there is no class of size 2
    u = hist.classes
    n = hist.records
    c = c1 * (c1 - 1) / c2
    t0 = (n * u * c - c1 * (n - 1) * (2 * u + c)) / (2 * c1 * u + c1 * c - n * c)
    a0 = (t0 * (c1 - n) + (n - 1) * c1) / (n * u)
    multi = hist.sizes != 1
    sizes, counts = hist.sizes[multi], hist.counts[multi]

    def trigamma(x: float | np.ndarray) -> float | np.ndarray:
        return polygamma(1, x)

    def function(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        t, a = float(x[0]), float(x[1])
        v0 = u - 1.0
        v1 = digamma(v0 + t / a + 1.0)
        v2 = trigamma((a + t + a * v0) / a)
        v3 = trigamma(t / a + 1.0)
        v4 = digamma(t / a + 1.0)
        v5 = a * a
        d1 = (v3 - v2) / v5
        d5 = (a * v1 + t * v2 - a * v4 - t * v3) / (v5 * a)
        d3 = (v5 * v0 - t * t * v2 + t * t * v3 - 2 * a * t * v1 + 2 * a * t * v4) / (v5 * v5)
        o1 = (v1 - v4) / a
        o3 = (-t * v1 + a * v0 + t * v4) / v5
        o2 = digamma(n + t) - digamma(t + 1.0)
        d2 = trigamma(t + 1.0) - trigamma(n + t)
        d4 = float((counts * (trigamma(1.0 - a) - trigamma(sizes - a))).sum())
        o4 = float((counts * (digamma(sizes - a) - digamma(1.0 - a))).sum())
        return np.array([o1 - o2, o3 - o4]), np.array([[d2 - d1, -d5], [-d5, -d3 - d4]])

    t, a = _newton(function, np.array([t0, a0]), constraint=lambda x: x[0] >= 0)
    if math.isnan(t) or math.isnan(a) or a == 0:
        return math.nan
    try:
        result = math.exp(gammaln(t + 1.0) - gammaln(t + a) + a * math.log(population))
    except OverflowError:
        return math.nan
    return result if 0.0 <= result <= population else math.nan


def _hypergeom_p1(population: float, successes: np.ndarray, draws: float) -> np.ndarray:
    """P(X = 1) for X ~ Hypergeometric(N=population, K=successes, n=draws), in log space."""

    def log_choose(a: float | np.ndarray, b: float | np.ndarray) -> np.ndarray:
        return (
            gammaln(np.asarray(a) + 1)
            - gammaln(np.asarray(b) + 1)
            - gammaln(np.asarray(a) - np.asarray(b) + 1)
        )

    k = np.asarray(successes, dtype=np.float64)
    out = np.zeros_like(k)
    ok = (population - k) >= (draws - 1)
    out[ok] = np.exp(
        np.log(k[ok]) + log_choose(population - k[ok], draws - 1) - log_choose(population, draws)
    )
    return out


def zayatz_uniques(hist: ClassHistogram, population: float) -> float:
    """Estimated population uniques by Zayatz's model (ARX ``ModelZayatz``).

    ARX evaluates the hypergeometric probability with the sample class size as the number of successes;
    we do the same so that the figures agree.
    """
    n = hist.records
    u = hist.classes
    c1 = hist.of_size(1)
    population = min(population, float(2**31 - 1))  # ARX clamps to Integer.MAX_VALUE
    p1 = _hypergeom_p1(population, hist.sizes, n)
    denominator = float((hist.counts / u * p1).sum())
    if denominator == 0:
        return math.nan
    conditional = (c1 / u * float(_hypergeom_p1(population, np.array([1.0]), n)[0])) / denominator
    return c1 * conditional / (n / population)


def snb_uniques(hist: ClassHistogram, population: float) -> float:
    """Estimated population uniques by the slide negative binomial model (ARX ``ModelSNB``)."""
    c1 = hist.of_size(1)
    c2 = hist.of_size(2)
    f = hist.records / population
    # Shlosser's estimator of non-empty population classes, as ARX writes it.
    f2 = f * f
    v1 = v2 = v3 = v4 = 0.0
    for size, count in zip(hist.sizes.tolist(), hist.counts.tolist(), strict=True):
        v = (1 - f) ** size * count
        v1 += size * f2 * (1 - f2) ** (size - 1) * count
        v2 += v * (1 + f) ** size - 1
        v3 += v
        v4 += size * f * (1 - f) ** (size - 1) * count
    if v2 == 0 or v4 == 0:
        return math.nan
    k = hist.classes + c1 * (v1 / v2) * (v3 / v4) * (v3 / v4)

    def function(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a, b = float(x[0]), float(x[1])
        value = _snb_object(a, b, k, f, c1, c2)
        h = 1e-7
        jac = np.empty((2, 2))
        for j, (da, db) in enumerate(((h * max(1.0, abs(a)), 0.0), (0.0, h * max(1.0, abs(b))))):
            up = _snb_object(a + da, b + db, k, f, c1, c2)
            down = _snb_object(a - da, b - db, k, f, c1, c2)
            jac[:, j] = (up - down) / (2 * (da + db))
        return value, jac

    for start in ((1.0, 0.5), (0.5, 0.1), (2.0, 0.9), (0.1, 0.01), (5.0, 0.5)):
        a, b = _newton(function, np.array(start), constraint=lambda x: x[0] > 0 and 0 < x[1] < 1)
        if not math.isnan(a):
            result = k * b**a
            if 0 <= result <= population:
                return result
    return math.nan


def _snb_object(a: float, b: float, k: float, f: float, c1: float, c2: float) -> np.ndarray:
    d = (1 - f) * (1 - b)
    one = k * f * (b / (1 - d)) ** a * ((a * d) / (1 - d) + 1) - c1
    two = k * a * b**a * (f * f) * (1 - b) / 2 * (1 - d) ** (a + 2) * (2 - (1 - a) * d) - c2
    return np.array([one, two])


@dataclass(frozen=True)
class PopulationUniqueness:
    """Shares of the population estimated unique (0 to 1) by each model, and Dankar's choice."""

    pitman: float | None
    zayatz: float | None
    snb: float | None
    dankar: float
    dankar_model: str
    sampling_fraction: float


def population_uniqueness(class_sizes: np.ndarray, population: int) -> PopulationUniqueness:
    """Estimate population uniqueness from the sample's class sizes and the population size."""
    hist = ClassHistogram.from_class_sizes(class_sizes)
    n = hist.records
    fraction = n / population
    if hist.of_size(1) == 0:
        return PopulationUniqueness(0.0, 0.0, 0.0, 0.0, "none: no sample uniques", fraction)
    pitman = pitman_uniques(hist, population)
    zayatz = zayatz_uniques(hist, population)
    snb = snb_uniques(hist, population)

    if fraction <= 0.1:
        dankar, model = (pitman, "pitman") if _valid(pitman) else (zayatz, "zayatz")
    elif _valid(snb):
        dankar, model = (zayatz, "zayatz") if zayatz < snb else (snb, "snb")
    else:
        dankar, model = zayatz, "zayatz"

    def share(value: float) -> float | None:
        return value / population if _valid(value) else None

    return PopulationUniqueness(
        pitman=share(pitman),
        zayatz=share(zayatz),
        snb=share(snb),
        dankar=(dankar / population) if _valid(dankar) else 0.0,
        dankar_model=model,
        sampling_fraction=fraction,
    )
