"""Risk measures of one partition of the people into equivalence classes, each with its definition cited.

A *partition* is what a set of generalization levels makes of the units (:mod:`deid.risk.units`): people
whose quasi-identifiers read the same are one equivalence class. Suppressed people (every QI ``*``) are
excluded from the sample-based measures, as ARX excludes outliers (``RiskModelSampleSummary``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from deid.risk.units import Units, combine

#: Thresholds at which the share of records at risk is reported (ARX's GUI offers the same ones).
RISK_THRESHOLDS: tuple[float, ...] = (0.05, 0.09, 0.2, 0.33, 0.5)


@dataclass(frozen=True)
class Partition:
    """Equivalence classes of the units under ``levels`` (``None`` level = QI left out)."""

    levels: tuple[int | None, ...]
    inverse: np.ndarray  # class index of each unit
    sizes: np.ndarray  # persons per class (int64)

    @property
    def classes(self) -> int:
        """Number of equivalence classes."""
        return int(self.sizes.size)


def partition(units: Units, levels: Sequence[int | None]) -> Partition:
    """Group the units by their QIs generalized to ``levels``; a ``None`` level drops that QI."""
    codes = []
    cards = []
    for hierarchy, unit_codes, level in zip(units.hierarchies, units.qi_codes, levels, strict=True):
        if level is None:
            continue
        codes.append(hierarchy.codes[level][unit_codes])
        cards.append(len(hierarchy.labels[level]))
    if not codes:
        inverse = np.zeros(units.counts.size, dtype=np.int64)
    else:
        _, inverse = np.unique(combine(codes, cards), return_inverse=True)
    sizes = np.bincount(inverse, weights=units.counts).astype(np.int64)
    return Partition(tuple(levels), inverse.astype(np.int64), sizes)


# ------------------------------------------------------------------------------------- sample risks


@dataclass(frozen=True)
class SampleRisk:
    """Prosecutor risk: the attacker knows the person is in the data (El Emam 2013, "Guide to the
    De-Identification of Personal Health Information", ch. "Measuring the probability of re-identification";
    ARX ``RiskModelSampleSummary.getProsecutorRisk``).

    A person's risk is 1 / (size of their class). ``max`` is the highest (1 / k); ``avg`` the expected share of
    people re-identified, classes / people; ``records_at_risk[t]`` the share of people whose risk is strictly
    above ``t``.
    """

    max: float
    avg: float
    records_at_risk: dict[str, float]


def prosecutor(sizes: np.ndarray) -> SampleRisk:
    """Prosecutor risk of classes of the given sizes (suppressed people already removed)."""
    people = float(sizes.sum())
    if people == 0:
        return SampleRisk(0.0, 0.0, {_key(t): 0.0 for t in RISK_THRESHOLDS})
    at_risk = {_key(t): float(sizes[1.0 / sizes > t].sum()) / people for t in RISK_THRESHOLDS}
    return SampleRisk(1.0 / float(sizes.min()), sizes.size / people, at_risk)


def journalist(sizes: np.ndarray, population_sizes: np.ndarray) -> SampleRisk:
    """Journalist risk: the attacker matches against a population register that holds the sample
    (El Emam 2013; ARX ``RiskModelSampleSummary.getJournalistRisk``). Per person 1 / (size of their class in
    the population); ``avg`` is the larger of classes / population records of those classes and the sum over
    classes of sample size / population size divided by the people, as ARX computes it.
    """
    people = float(sizes.sum())
    if people == 0:
        return SampleRisk(0.0, 0.0, {_key(t): 0.0 for t in RISK_THRESHOLDS})
    at_risk = {_key(t): float(sizes[1.0 / population_sizes > t].sum()) / people for t in RISK_THRESHOLDS}
    avg = max(sizes.size / float(population_sizes.sum()), float((sizes / population_sizes).sum()) / people)
    return SampleRisk(1.0 / float(population_sizes.min()), avg, at_risk)


def marketer(sizes: np.ndarray, population_sizes: np.ndarray | None) -> float:
    """Marketer risk: the expected share of people re-identified when the attacker links everyone
    (El Emam 2013; ARX ``RiskModelSampleSummary.getMarketerRisk``): the expected number of correct matches,
    the sum over classes of sample class size / population class size, divided by the people; without a
    population (population = sample), classes / people.
    """
    people = float(sizes.sum())
    if people == 0:
        return 0.0
    if population_sizes is None:
        return sizes.size / people
    return float((sizes / population_sizes).sum()) / people


def _key(threshold: float) -> str:
    return f"{threshold:g}"


# ----------------------------------------------------------------------------- sensitive attributes


def class_distribution(units: Units, part: Partition, attribute: int) -> np.ndarray:
    """Matrix classes x sensitive values of person counts."""
    codes = units.sensitive_codes[attribute]
    width = len(units.sensitive_labels[attribute])
    flat = np.bincount(part.inverse * width + codes, weights=units.counts, minlength=part.classes * width)
    return flat.reshape(part.classes, width)


@dataclass(frozen=True)
class Diversity:
    """l-diversity of one sensitive attribute over the classes (Machanavajjhala, Kifer, Gehrke and
    Venkitasubramaniam 2007, "l-Diversity: Privacy Beyond k-Anonymity", ACM TKDD 1(1); ARX
    ``DistinctLDiversity``, ``EntropyLDiversity``, ``RecursiveCLDiversity``).

    ``distinct``: the fewest distinct values in a class. ``entropy``: the smallest exp(entropy) of a class
    (a class is entropy-l-diverse when this is at least l). ``recursive_c``: for ``recursive_l``, the smallest
    c such that every class has r1 < c (r_l + ... + r_m) (r sorted counts), i.e. (c, l)-diversity holds for
    every c above it; infinite when a class has fewer than l distinct values.
    """

    distinct: int
    entropy: float
    recursive_l: int
    recursive_c: float


def class_entropy_l(matrix: np.ndarray) -> np.ndarray:
    """exp(entropy) of each class's sensitive distribution."""
    sizes = matrix.sum(axis=1, keepdims=True)
    p = np.divide(matrix, sizes, out=np.zeros_like(matrix), where=sizes > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -np.where(p > 0, p * np.log(p), 0.0).sum(axis=1)
    return np.exp(h)


def class_recursive_c(matrix: np.ndarray, l: int) -> np.ndarray:
    """Per class: r1 / (r_l + ... + r_m); infinite with fewer than l distinct values."""
    ordered = -np.sort(-matrix, axis=1)
    tail = ordered[:, l - 1 :].sum(axis=1) if l - 1 < ordered.shape[1] else np.zeros(ordered.shape[0])
    with np.errstate(divide="ignore"):
        return np.where(tail > 0, ordered[:, 0] / np.where(tail > 0, tail, 1.0), np.inf)


def diversity(matrix: np.ndarray, recursive_l: int) -> Diversity:
    """l-diversity figures of a classes x values count matrix."""
    distinct = int((matrix > 0).sum(axis=1).min())
    entropy = float(class_entropy_l(matrix).min())
    c = float(class_recursive_c(matrix, recursive_l).max())
    return Diversity(distinct, entropy, recursive_l, c)


def class_emd(matrix: np.ndarray, ordered: bool, overall: np.ndarray | None = None) -> np.ndarray:
    """Per class: earth mover's distance between its distribution and the whole table's
    (Li, Li and Venkatasubramanian 2007, "t-Closeness: Privacy Beyond k-Anonymity and l-Diversity", ICDE;
    ARX ``EqualDistanceTCloseness``: half the L1 distance; ``OrderedDistanceTCloseness``: the sum of the
    absolute cumulative differences over the ordered values, divided by (values - 1)). ``overall`` is the
    whole table's count per value (default: the column sums of ``matrix``).
    """
    sizes = matrix.sum(axis=1, keepdims=True)
    p = np.divide(matrix, sizes, out=np.zeros_like(matrix), where=sizes > 0)
    total = matrix.sum(axis=0) if overall is None else overall
    q = total / total.sum() if total.sum() > 0 else total
    if not ordered:
        return 0.5 * np.abs(p - q).sum(axis=1)
    m = matrix.shape[1]
    if m < 2:
        return np.zeros(matrix.shape[0])
    return np.abs(np.cumsum(p - q, axis=1)).sum(axis=1) / (m - 1)
