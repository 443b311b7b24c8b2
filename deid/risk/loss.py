"""Information loss of a transformation, as ARX measures it.

- **Loss** (Iyengar 2002, "Transforming data to satisfy privacy constraints", KDD; ARX ``MetricMDNMLoss``
  with its defaults: generalization/suppression factor 0.5, geometric-mean aggregation). Per quasi-identifier,
  each released person contributes the share of the leaf domain that their generalized value covers and each
  suppressed person contributes 1; the sum is normalized to [0, 1] by ``(sum - n/|domain|) / (n - n/|domain|)``.
  The columns combine as ``prod(1 + loss_i) ** (1/m) - 1`` (ARX ``ILMultiDimensionalGeometricMean``).
- **Discernibility** (Bayardo and Agrawal 2005, "Data privacy through optimal k-anonymization", ICDE; ARX
  ``MetricSDNMDiscernability``): sum over released classes of size squared, plus n for each suppressed person.
- **Average class size** (LeFevre, DeWitt and Ramakrishnan 2006, "Mondrian multidimensional k-anonymity",
  ICDE; ARX ``MetricSDAECS``): released people / released classes.

Lower values mean more detail kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from deid.risk.units import Units


@dataclass(frozen=True)
class Loss:
    """Information-loss figures of one transformation."""

    loss: float
    per_column: tuple[float, ...]
    discernibility: float
    avg_class_size: float


def normalize(aggregate: float, people: float, domain: int) -> float:
    """ARX's normalization of a per-column Loss sum to [0, 1]."""
    low = people / domain
    if people - low <= 0:
        return 0.0
    return max(0.0, (aggregate - low) / (people - low))


def geometric(values: Sequence[float]) -> float:
    """ARX's geometric-mean aggregation: prod(1 + v) ** (1/m) - 1."""
    if not values:
        return 0.0
    result = 1.0
    for value in values:
        result *= (1.0 + value) ** (1.0 / len(values))
    return result - 1.0


def bound_per_level(units: Units) -> list[np.ndarray]:
    """Per QI and level: the normalized Loss with nobody suppressed (ARX's lower bound)."""
    people = float(units.counts.sum())
    result = []
    for hierarchy, codes in zip(units.hierarchies, units.qi_codes, strict=True):
        values = []
        for level in range(hierarchy.height):
            aggregate = float((units.counts * hierarchy.shares(level)[codes]).sum())
            values.append(normalize(aggregate, people, len(hierarchy.leaves)))
        result.append(np.array(values))
    return result


def loss_of(units: Units, levels: Sequence[int], inverse: np.ndarray, suppressed_classes: np.ndarray) -> Loss:
    """Loss figures when the QIs are at ``levels`` and the flagged classes are suppressed."""
    people = float(units.counts.sum())
    suppressed_units = suppressed_classes[inverse]
    released_counts = np.where(suppressed_units, 0, units.counts).astype(np.float64)
    suppressed_people = people - float(released_counts.sum())
    per_column = []
    for hierarchy, codes, level in zip(units.hierarchies, units.qi_codes, levels, strict=True):
        aggregate = float((released_counts * hierarchy.shares(level)[codes]).sum()) + suppressed_people
        per_column.append(normalize(aggregate, people, len(hierarchy.leaves)))
    sizes = np.bincount(inverse, weights=units.counts)
    released_sizes = sizes[~suppressed_classes]
    discernibility = float((released_sizes**2).sum()) + suppressed_people * people
    avg = float(released_sizes.sum() / released_sizes.size) if released_sizes.size else 0.0
    return Loss(geometric(per_column), tuple(per_column), discernibility, avg)
