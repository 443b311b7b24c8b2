"""Population uniqueness: how many people in the *population* are unique on the quasi-identifiers.

A sample unique is not necessarily a population unique: the person may have look-alikes who were not
sampled. These models estimate, from the sample's class-size histogram and the population size, the number
of population uniques. Each follows ARX 3.9 (``org.deidentifier.arx.risk``) exactly, including its numerical
choices, so that the figures agree with ARX's:

- Pitman: Hoshino 2001, "Applying Pitman's sampling formula to microdata disclosure risk assessment",
  J. Official Statistics 17(4). Maximum-likelihood (theta, alpha) by Newton-Raphson as ARX 3.9.2 solves it
  (``ModelPitman`` with ``ARXSolverConfiguration``'s defaults): Hoshino's start value, then the 16 start
  points of ARX's grid ({0, .33, .66, .99}^2), at most 1000 iterations per start, theta >= 0, accuracy 1e-6 on
  both likelihood equations; the closed-form (polygamma) equations first, then the summed ("iterative") form
  when they fail or their root does not satisfy the summed form. uniques = Gamma(theta+1) / Gamma(theta+alpha)
  * N^alpha (:func:`deid.risk.special.log_gamma_ratio`, stable at N = 3e8). The Jacobian uses exact
  trigammas (:mod:`deid.risk.special`); ARX's port under-counts trigamma below 12, which changes only the
  path to the root, not the root.
- Zayatz: Zayatz 1991, "Estimation of the percent of unique population elements on a microdata file using
  the sample", US Census Bureau SRD report 91/08. ARX ``ModelZayatz`` (hypergeometric P(X=1)).
- SNB: Chen and Keller-McNulty 1998, "Estimation of identification disclosure risk in microdata",
  J. Official Statistics 14(1) (slide negative binomial), with Haas and Stokes' Shlosser estimator of the
  number of non-empty population classes. ARX ``ModelSNB``.
- Dankar's decision rule: Dankar, El Emam, Neisa and Roffey 2012, "Estimating the re-identification risk of
  clinical data sets", BMC Med Inform Decis Mak 12:66: Pitman when the sampling fraction is at most 10 %
  (Zayatz if Pitman fails), otherwise the smaller of Zayatz and SNB. ARX ``RiskModelPopulationUniqueness``.

Every estimate is reported as ARX does: estimated population uniques divided by the population size. A model
without an estimate carries the reason (:attr:`PopulationUniqueness.reasons`), never a bare null: Pitman's
likelihood has no maximum when every class is a sample unique (the estimate would be every person), and the
solver may fail to converge from every start.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from deid.risk.special import digamma, gammaln, log_gamma_ratio, trigamma

ACCURACY = 1e-6  # ARX 3.9.2 ARXSolverConfiguration.getDefaultAccuracy()
ITERATIONS_PER_TRY = 1000  # ARX 3.9.2 ARXSolverConfiguration.getDefaultIterationsPerTry()


def _start_grid() -> tuple[tuple[float, float], ...]:
    """ARX 3.9.2's deterministic start values (``getDefaultStartValues``): d1, d2 = 0, .33, .66, .99 by
    repeated addition, as ARX accumulates them."""
    values = []
    d1 = 0.0
    while d1 < 1.0:
        d2 = 0.0
        while d2 < 1.0:
            values.append((d1, d2))
            d2 += 0.33
        d1 += 0.33
    return tuple(values)


START_GRID = _start_grid()

Equations = Callable[[float, float], tuple[np.ndarray, np.ndarray]]


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


@dataclass(frozen=True)
class Estimate:
    """Estimated population uniques of one model, or NaN with the reason it has none."""

    uniques: float
    reason: str | None = None
    parameters: tuple[float, ...] | None = None  # fitted parameters (Pitman: theta, alpha; SNB: a, b, k)

    @property
    def valid(self) -> bool:
        """Whether there is an estimate (ARX ``isValid``: neither NaN nor 0)."""
        return _valid(self.uniques)


def _valid(value: float) -> bool:
    return not math.isnan(value) and value != 0.0


def newton(
    function: Equations,
    starts: tuple[tuple[float, float], ...],
    constraint: Callable[[float, float], bool] | None = None,
) -> tuple[float, float] | None:
    """2-D Newton-Raphson from each start in turn, as ``de.linearbits.newtonraphson.NewtonRaphson2D``:
    a try succeeds when both equations are within :data:`ACCURACY`, and fails on a non-finite value, a
    singular Jacobian, a broken constraint or :data:`ITERATIONS_PER_TRY` steps. The first root found wins."""
    with np.errstate(all="ignore"):
        for start in starts:
            x, y = float(start[0]), float(start[1])
            for _ in range(ITERATIONS_PER_TRY + 1):
                value, jacobian = function(x, y)
                if not (np.all(np.isfinite(value)) and np.all(np.isfinite(jacobian))):
                    break
                if abs(value[0]) <= ACCURACY and abs(value[1]) <= ACCURACY:
                    return x, y
                det = jacobian[0, 0] * jacobian[1, 1] - jacobian[0, 1] * jacobian[1, 0]
                if det == 0 or not math.isfinite(det):
                    break
                x -= (jacobian[1, 1] * value[0] - jacobian[0, 1] * value[1]) / det
                y -= (jacobian[0, 0] * value[1] - jacobian[1, 0] * value[0]) / det
                if math.isnan(x) or math.isnan(y) or (constraint is not None and not constraint(x, y)):
                    break
    return None


def _pitman_closed(hist: ClassHistogram) -> Equations:
    """Pitman's likelihood equations and their Jacobian in closed form (ARX ``getMasterFunctionClosed``)."""
    u = hist.classes
    n = hist.records
    multi = hist.sizes != 1
    sizes, counts = hist.sizes[multi], hist.counts[multi]

    def function(t: float, a: float) -> tuple[np.ndarray, np.ndarray]:
        # numpy floats: alpha = 0 gives inf/NaN (a failed try, as in Java), never ZeroDivisionError
        t, a = np.float64(t), np.float64(a)
        v0 = u - 1.0
        ta = t / a
        v1, v4, o2a, o2b = digamma(np.array([v0 + ta + 1.0, ta + 1.0, n + t, t + 1.0]))
        v2, v3, d2a, d2b, v7 = trigamma(np.array([(a + t + a * v0) / a, ta + 1.0, t + 1.0, n + t, 1.0 - a]))
        v5 = a * a
        d1 = (v3 - v2) / v5
        d5 = (a * v1 + t * v2 - a * v4 - t * v3) / (v5 * a)
        d3 = (v5 * v0 - t * t * v2 + t * t * v3 - 2 * a * t * v1 + 2 * a * t * v4) / (v5 * v5)
        o1 = (v1 - v4) / a
        o3 = (-t * v1 + a * v0 + t * v4) / v5
        o2 = o2a - o2b
        d2 = d2a - d2b
        d4 = float((counts * (v7 - trigamma(sizes - a))).sum())
        o4 = float((counts * (digamma(sizes - a) - digamma(1.0 - a))).sum())
        return np.array([o1 - o2, o3 - o4]), np.array([[d2 - d1, -d5], [-d5, -d3 - d4]])

    return function


def _pitman_summed(hist: ClassHistogram) -> Equations:
    """The same equations as explicit sums (ARX ``getMasterFunctionIterative``)."""
    i = np.arange(1.0, hist.classes)
    j = np.arange(1.0, hist.records)
    # Classes larger than s contribute 1/(s - a) for s = 1 .. size - 1: weight s by the classes above it.
    top = int(hist.sizes.max())
    steps = np.arange(1.0, top)
    above = np.array([hist.counts[hist.sizes > s].sum() for s in steps]) if top > 1 else np.zeros(0)

    def function(t: float, a: float) -> tuple[np.ndarray, np.ndarray]:
        t, a = np.float64(t), np.float64(a)
        inv = 1.0 / (t + i * a)
        inv2 = inv * inv
        o1, o3 = inv.sum(), (i * inv).sum()
        d1, d5, d3 = inv2.sum(), (i * inv2).sum(), (i * i * inv2).sum()
        shifted = 1.0 / (steps - a)
        o4, d4 = (above * shifted).sum(), (above * shifted * shifted).sum()
        inv_n = 1.0 / (t + j)
        o2, d2 = inv_n.sum(), (inv_n * inv_n).sum()
        return np.array([o1 - o2, o3 - o4]), np.array([[d2 - d1, -d5], [-d5, -d3 - d4]])

    return function


def pitman(hist: ClassHistogram, population: float) -> Estimate:
    """Estimated population uniques by Pitman's model (ARX 3.9.2 ``ModelPitman``), or the reason for none."""
    c1 = hist.of_size(1)
    if c1 == hist.classes:
        return Estimate(
            math.nan,
            "every class is a sample unique: Pitman's likelihood has no maximum (alpha tends to 1), so the "
            "model is undefined here",
        )
    c2 = hist.of_size(2) or 1.0  # ARX: overestimate when there is no class of size 2
    u = hist.classes
    n = hist.records
    with np.errstate(all="ignore"):
        c = np.float64(c1 * (c1 - 1)) / np.float64(c2)
        t0 = float((n * u * c - c1 * (n - 1) * (2 * u + c)) / np.float64(2 * c1 * u + c1 * c - n * c))
        a0 = float((t0 * (c1 - n) + (n - 1) * c1) / np.float64(n * u))
    starts = ((t0, a0), *START_GRID)

    def theta_non_negative(t: float, a: float) -> bool:
        return t >= 0

    root = newton(_pitman_closed(hist), starts, theta_non_negative)
    summed = _pitman_summed(hist)
    if root is not None:
        with np.errstate(all="ignore"):
            check, _ = summed(*root)
        if not (np.all(np.isfinite(check)) and np.all(np.abs(check) <= ACCURACY)):
            root = None
    if root is None:
        root = newton(summed, starts, theta_non_negative)
    if root is None:
        return Estimate(
            math.nan,
            f"Newton-Raphson found no root of Pitman's likelihood equations from any of ARX's "
            f"{len(starts)} start values (accuracy {ACCURACY:g}, {ITERATIONS_PER_TRY} iterations each)",
        )
    t, a = root
    if a == 0:
        return Estimate(math.nan, "the solver's alpha is 0, where the estimate is undefined")
    log_ratio = log_gamma_ratio(t + a, 1.0 - a)
    try:
        result = math.exp(log_ratio + a * math.log(population))
    except OverflowError:
        result = math.inf
    if not 0.0 <= result <= population:
        return Estimate(math.nan, "the solution gives an estimate outside 0 to the population size")
    return Estimate(result, parameters=(t, a))


def pitman_uniques(hist: ClassHistogram, population: float) -> float:
    """Estimated population uniques by Pitman's model; NaN when it has none (see :func:`pitman`)."""
    return pitman(hist, population).uniques


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


def snb(hist: ClassHistogram, population: float) -> Estimate:
    """Estimated population uniques by the slide negative binomial model (ARX ``ModelSNB``), or the reason
    for none."""
    c1 = hist.of_size(1)
    c2 = hist.of_size(2)
    f = hist.records / population
    # Shlosser's estimator of non-empty population classes, as ARX writes it.
    f2 = f * f
    size, count = hist.sizes, hist.counts
    with np.errstate(all="ignore"):  # overflow gives inf/NaN as in Java, and then no estimate
        v = (1 - f) ** size * count
        v1 = float((size * f2 * (1 - f2) ** (size - 1) * count).sum())
        v2 = float((v * (1 + f) ** size - 1).sum())
        v3 = float(v.sum())
        v4 = float((size * f * (1 - f) ** (size - 1) * count).sum())
        k = hist.classes + c1 * (v1 / v2) * (v3 / v4) * (v3 / v4) if v2 != 0 and v4 != 0 else math.nan
    if not math.isfinite(k):
        return Estimate(math.nan, "Shlosser's estimate of the population's classes is undefined here")

    def function(a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
        value = _snb_object(a, b, k, f, c1, c2)
        h = 1e-7
        jac = np.empty((2, 2))
        for j, (da, db) in enumerate(((h * max(1.0, abs(a)), 0.0), (0.0, h * max(1.0, abs(b))))):
            up = _snb_object(a + da, b + db, k, f, c1, c2)
            down = _snb_object(a - da, b - db, k, f, c1, c2)
            jac[:, j] = (up - down) / (2 * (da + db))
        return value, jac

    starts = ((1.0, 0.5), (0.5, 0.1), (2.0, 0.9), (0.1, 0.01), (5.0, 0.5))
    for start in starts:
        root = newton(function, (start,), lambda a, b: a > 0 and 0 < b < 1)
        if root is not None:
            result = k * root[1] ** root[0]
            if 0 <= result <= population:
                return Estimate(result, parameters=(root[0], root[1], k))
    return Estimate(
        math.nan,
        f"Newton-Raphson found no admissible root of the SNB equations from {len(starts)} start values",
    )


def snb_uniques(hist: ClassHistogram, population: float) -> float:
    """Estimated population uniques by the SNB model; NaN when it has none (see :func:`snb`)."""
    return snb(hist, population).uniques


def _snb_object(a: float, b: float, k: float, f: float, c1: float, c2: float) -> np.ndarray:
    a, b = np.float64(a), np.float64(b)  # overflow gives inf (a failed try), never OverflowError
    d = (1 - f) * (1 - b)
    one = k * f * (b / (1 - d)) ** a * ((a * d) / (1 - d) + 1) - c1
    two = k * a * b**a * (f * f) * (1 - b) / 2 * (1 - d) ** (a + 2) * (2 - (1 - a) * d) - c2
    return np.array([one, two])


@dataclass(frozen=True)
class PopulationUniqueness:
    """Shares of the population estimated unique (0 to 1) by each model, and Dankar's choice.

    ``None`` is a model without an estimate (or not computed when only Dankar's choice was asked for);
    ``reasons`` says why, per model name.
    """

    pitman: float | None
    zayatz: float | None
    snb: float | None
    dankar: float
    dankar_model: str
    sampling_fraction: float
    reasons: dict[str, str] = field(default_factory=dict)


def population_uniqueness(
    class_sizes: np.ndarray, population: int, *, dankar_only: bool = False
) -> PopulationUniqueness:
    """Estimate population uniqueness from the sample's class sizes and the population size.

    ``dankar_only`` computes only the models Dankar's rule needs (the others are ``None``): what the per-QI
    drivers report.
    """
    hist = ClassHistogram.from_class_sizes(class_sizes)
    n = hist.records
    fraction = n / population
    if hist.of_size(1) == 0:
        return PopulationUniqueness(0.0, 0.0, 0.0, 0.0, "none: no sample uniques", fraction)
    small = fraction <= 0.1
    estimates: dict[str, Estimate] = {}
    if small or not dankar_only:
        estimates["pitman"] = pitman(hist, population)
    if not (dankar_only and small and estimates["pitman"].valid):
        estimates["zayatz"] = Estimate(zayatz_uniques(hist, population))
    if not small or not dankar_only:
        estimates["snb"] = snb(hist, population)

    if small:
        model = "pitman" if estimates["pitman"].valid else "zayatz"
    elif estimates["snb"].valid:
        model = "zayatz" if estimates["zayatz"].uniques < estimates["snb"].uniques else "snb"
    else:
        model = "zayatz"
    dankar = estimates[model].uniques
    reasons = {name: e.reason for name, e in estimates.items() if e.reason is not None}
    if "zayatz" in estimates and not estimates["zayatz"].valid:
        reasons["zayatz"] = "the hypergeometric probabilities are all zero at this population size"

    def share(name: str) -> float | None:
        e = estimates.get(name)
        return e.uniques / population if e is not None and e.valid else None

    return PopulationUniqueness(
        pitman=share("pitman"),
        zayatz=share("zayatz"),
        snb=share("snb"),
        dankar=(dankar / population) if _valid(dankar) else 0.0,
        dankar_model=model,
        sampling_fraction=fraction,
        reasons=reasons,
    )
