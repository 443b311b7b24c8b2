"""Optimal search of the generalization lattice: the least information loss that meets the privacy models.

The lattice holds every combination of generalization levels of the searched quasi-identifiers. A
transformation is *feasible* when, after suppressing the people in classes that violate a per-class model
(k-anonymity, l-diversity, t-closeness, highest prosecutor risk), at most the suppression limit is
suppressed and the average prosecutor risk holds. Among feasible transformations we return one with the
least ARX Loss (:mod:`deid.risk.loss`), ties broken by more classes, then fewer suppressed, then the lower
levels: the optimum, not a greedy walk.

Pruning, as in ARX's Flash and OLA (Kohlmayer et al. 2012, "Flash: Efficient, Stable and Optimal
K-Anonymity", IEEE PASSAT; El Emam et al. 2009, "A globally optimal k-anonymity method for the
de-identification of health data", JAMIA 16(5)):

- *Monotonicity*: the people in classes smaller than k, or with fewer than l distinct sensitive values, can
  only grow when a transformation is specialized (classes split). So when a transformation needs more than
  the limit for these models, every specialization does too, and is skipped unevaluated.
- *Loss bound*: the Loss ignoring suppression is a lower bound of the Loss, monotone in the levels and
  computable per column without grouping. Transformations are visited in ascending bound order; the search
  stops as soon as the bound exceeds the best Loss found.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import product

import numpy as np

from deid.errors import ConfigError
from deid.policy.models import LDiversity, RiskPolicy, TCloseness
from deid.risk.loss import Loss, bound_per_level, geometric, normalize
from deid.risk.measures import Partition, class_distribution, class_emd, class_entropy_l, class_recursive_c
from deid.risk.units import Units

#: Largest lattice searched (every transformation is enumerated up front).
MAX_LATTICE = 1_000_000


#: Class tables kept for roll-up (a few MB each at most on 100 k distinct units).
ROLLUP_CACHE = 256


@dataclass(frozen=True)
class _ClassTable:
    """The equivalence classes of one transformation: each unit's class, a leaf of each QI per class (any
    member's: every member generalizes alike), and the people per class."""

    leaves: list[np.ndarray]  # per QI: int64 leaf index, per class
    sizes: np.ndarray  # float64 people, per class
    inverse: np.ndarray | None  # int64, per unit; kept only where asked for (it is as long as the units)


@dataclass(frozen=True)
class Requirements:
    """The privacy models a transformation must meet, resolved for the search."""

    k: int
    suppression_limit: float
    max_prosecutor_risk: float | None
    avg_prosecutor_risk: float | None
    l_diversity: tuple[LDiversity, ...]
    t_closeness: tuple[TCloseness, ...]

    @classmethod
    def from_policy(cls, risk: RiskPolicy, suppression_limit: float | None = None) -> Requirements:
        """The policy's thresholds; ``suppression_limit`` overrides the policy's."""
        limit = risk.suppression_limit if suppression_limit is None else suppression_limit
        if not 0 <= limit <= 1:
            raise ConfigError(f"the suppression limit must lie between 0 and 1 (got {limit})")
        return cls(
            risk.k,
            limit,
            risk.max_prosecutor_risk,
            risk.avg_prosecutor_risk,
            tuple(risk.l_diversity),
            tuple(risk.t_closeness),
        )

    @property
    def effective_k(self) -> int:
        """k, raised so that 1/k meets the highest prosecutor risk (risk = 1 / class size)."""
        k = self.k
        if self.max_prosecutor_risk is not None:
            k = max(k, math.ceil(1.0 / self.max_prosecutor_risk - 1e-9))
        return k


@dataclass
class Evaluation:
    """One transformation, evaluated."""

    levels: tuple[int, ...]
    feasible: bool
    monotone_ok: bool
    suppressed: int
    classes: int
    k: int
    loss: Loss | None
    suppressed_classes: np.ndarray = field(repr=False)  # mask over classes
    inverse: np.ndarray = field(repr=False)


@dataclass
class SearchResult:
    """The optimum and how much of the lattice it took to find it."""

    best: Evaluation | None
    lattice_size: int
    evaluated: int
    pruned: int
    seconds: float


class Evaluator:
    """Evaluates transformations of one table's units against the requirements."""

    def __init__(self, units: Units, req: Requirements) -> None:
        self.units = units
        self.req = req
        self.persons = int(units.counts.sum())
        self.max_suppressed = math.floor(req.suppression_limit * self.persons + 1e-9)
        self._sensitive = {name: i for i, name in enumerate(units.sensitive)}
        for model in [*req.l_diversity, *req.t_closeness]:
            if model.attribute not in self._sensitive:
                raise ConfigError(
                    f"privacy model names {model.attribute}, which is not a sensitive column here"
                )
        self._cards = [[len(h.labels[lv]) for lv in range(h.height)] for h in units.hierarchies]
        self._leaf_codes = [
            [h.codes[lv].astype(np.int64) for lv in range(h.height)] for h in units.hierarchies
        ]
        self._leaf_shares = [[h.shares(lv) for lv in range(h.height)] for h in units.hierarchies]
        self._domains = [len(h.leaves) for h in units.hierarchies]
        # Class tables of recently evaluated transformations, rolled up into their generalizations: the
        # units themselves are the table of the bottom node (a leaf per QI per unit).
        bottom = _ClassTable(
            [c.astype(np.int64) for c in units.qi_codes],
            units.counts.astype(np.float64),
            np.arange(units.counts.size, dtype=np.int64),
        )
        self._need_inverse = bool(req.l_diversity or req.t_closeness)
        self._tables: OrderedDict[tuple[int, ...], _ClassTable] = OrderedDict()
        self._bottom = bottom
        self._weights = units.counts.astype(np.float64)
        self._overall = {
            i: np.bincount(
                units.sensitive_codes[i], weights=units.counts, minlength=len(units.sensitive_labels[i])
            )
            for i in range(len(units.sensitive))
        }

    def evaluate(self, levels: tuple[int, ...], *, with_inverse: bool = True) -> Evaluation:
        """Classes, suppression, feasibility and (when feasible) loss of ``levels``; ``with_inverse=False``
        leaves the per-unit class out of the result when no model needs it (the search's case)."""
        units, req = self.units, self.req
        part = self.partition(levels, with_inverse=with_inverse)
        sizes = part.sizes
        monotone_bad = sizes < req.effective_k
        other_bad = np.zeros_like(monotone_bad)
        for model in req.l_diversity:
            i = self._sensitive[model.attribute]
            matrix = class_distribution(units, part, i)
            if model.variant == "distinct":
                monotone_bad |= (matrix > 0).sum(axis=1) < model.l
            elif model.variant == "entropy":
                other_bad |= class_entropy_l(matrix) < model.l - 1e-12
            else:
                assert model.c is not None
                other_bad |= ~(class_recursive_c(matrix, math.ceil(model.l)) < model.c)
        for model in req.t_closeness:
            i = self._sensitive[model.attribute]
            matrix = class_distribution(units, part, i)
            other_bad |= class_emd(matrix, model.distance == "ordered", self._overall[i]) > model.t + 1e-12
        monotone_suppressed = int(sizes[monotone_bad].sum())
        bad = monotone_bad | other_bad
        suppressed = int(sizes[bad].sum())
        monotone_ok = monotone_suppressed <= self.max_suppressed
        feasible = monotone_ok and suppressed <= self.max_suppressed
        released = sizes[~bad]
        if feasible and req.avg_prosecutor_risk is not None:
            avg = (released.size + (1 if suppressed else 0)) / self.persons
            feasible = avg <= req.avg_prosecutor_risk + 1e-12
        loss = self.loss(levels, part.inverse, sizes, bad) if feasible else None
        return Evaluation(
            levels=levels,
            feasible=feasible,
            monotone_ok=monotone_ok,
            suppressed=suppressed,
            classes=int(released.size),
            k=int(released.min()) if released.size else 0,
            loss=loss,
            suppressed_classes=bad,
            inverse=part.inverse,
        )

    def partition(self, levels: tuple[int, ...], *, with_inverse: bool = True) -> Partition:
        """Classes of ``levels``, rolled up from the classes of a cached specialization (Flash's roll-up):
        the coarser classes are unions of the finer ones, so grouping the finer classes' integer codes
        gives them without touching the units. ``with_inverse=False`` skips each unit's class when no
        model needs it (the partition's ``inverse`` is then empty)."""
        table = self.classes(levels, with_inverse=with_inverse or self._need_inverse)
        inverse = table.inverse if table.inverse is not None else np.zeros(0, dtype=np.int64)
        return Partition(levels, inverse, table.sizes.astype(np.int64))

    def classes(self, levels: tuple[int, ...], *, with_inverse: bool = False) -> _ClassTable:
        """The class table of ``levels`` (cached; at most :data:`ROLLUP_CACHE` tables are kept)."""
        cached = self._tables.get(levels)
        if cached is not None and (cached.inverse is not None or not with_inverse):
            self._tables.move_to_end(levels)
            return cached
        source = self._bottom
        for other_levels, other in self._tables.items():
            if (
                other.sizes.size < source.sizes.size
                and (other.inverse is not None or not with_inverse)
                and all(o <= lv for o, lv in zip(other_levels, levels, strict=True))
            ):
                source = other
        key = np.zeros(source.sizes.size, dtype=np.int64)
        span = 1
        for d, level in enumerate(levels):
            card = self._cards[d][level]
            if span * card >= 2**62:
                _, key = np.unique(key, return_inverse=True)
                key = key.reshape(-1).astype(np.int64)
                span = int(key.max()) + 1
            key = key * card + self._leaf_codes[d][level][source.leaves[d]]
            span *= card
        if span <= 4 * key.size + 1024:
            present = np.bincount(key, minlength=span) > 0
            mapping = (np.cumsum(present) - 1)[key]
        else:
            _, mapping = np.unique(key, return_inverse=True)
            mapping = mapping.reshape(-1)
        count = int(mapping.max()) + 1 if mapping.size else 0
        first = np.empty(count, dtype=np.int64)
        first[mapping[::-1]] = np.arange(mapping.size - 1, -1, -1)
        table = _ClassTable(
            [leaves[first] for leaves in source.leaves],
            np.bincount(mapping, weights=source.sizes, minlength=count),
            mapping[source.inverse] if with_inverse and source.inverse is not None else None,
        )
        self._tables[levels] = table
        if len(self._tables) > ROLLUP_CACHE:
            self._tables.popitem(last=False)
        return table

    def loss(self, levels: tuple[int, ...], inverse: np.ndarray, sizes: np.ndarray, bad: np.ndarray) -> Loss:
        """ARX Loss, discernibility and average class size (see :mod:`deid.risk.loss`), per class."""
        table = self.classes(levels)
        kept = sizes[~bad].astype(np.float64)
        people = float(self.persons)
        suppressed = people - float(kept.sum())
        per_column = tuple(
            normalize(
                float((kept * self._leaf_shares[d][level][table.leaves[d][~bad]]).sum()) + suppressed,
                people,
                self._domains[d],
            )
            for d, level in enumerate(levels)
        )
        return Loss(
            geometric(per_column),
            per_column,
            float((kept**2).sum()) + suppressed * people,
            float(kept.sum() / kept.size) if kept.size else 0.0,
        )


def _better(a: Evaluation, b: Evaluation | None) -> bool:
    if b is None:
        return True
    assert a.loss is not None and b.loss is not None
    key_a = (round(a.loss.loss, 12), -a.classes, a.suppressed, a.levels)
    key_b = (round(b.loss.loss, 12), -b.classes, b.suppressed, b.levels)
    return key_a < key_b


def search(units: Units, req: Requirements, searchable: list[bool]) -> SearchResult:
    """The feasible transformation with the least loss; QIs not ``searchable`` stay at level 0.

    Transformations are visited in ascending loss-bound order until the bound exceeds the best Loss. One of
    unknown status is first classified by the monotone models with Flash's binary search along a path
    upward (tagging generalizations of a passing node and specializations of a failing one), restricted to
    nodes under the best Loss so far; a passing one is evaluated in full unless a feasible specialization
    without suppression already beats it. Evaluations roll up class counts from a cached specialization.
    """
    started = time.perf_counter()
    evaluator = Evaluator(units, req)
    heights = [h.height if s else 1 for h, s in zip(units.hierarchies, searchable, strict=True)]
    size = math.prod(heights)
    if size > MAX_LATTICE:
        raise ConfigError(
            f"the generalization lattice has {size} transformations (more than {MAX_LATTICE}); fix the level "
            "of some quasi-identifiers in the policy (level: N instead of search) or shorten their hierarchies"
        )
    nodes = np.array(list(product(*[range(h) for h in heights])), dtype=np.int16).reshape(-1, len(heights))
    radix = np.cumprod([1, *heights[::-1]])[:-1][::-1]  # index of a node = sum(level * radix)
    bounds = bound_per_level(units)
    lower = np.ones(nodes.shape[0])
    for d in range(nodes.shape[1]):
        lower *= (1.0 + bounds[d][nodes[:, d]]) ** (1.0 / nodes.shape[1])
    lower -= 1.0

    status = np.zeros(nodes.shape[0], dtype=np.int8)  # 0 unknown, 1 monotone-ok, -1 not
    beaten = np.zeros(nodes.shape[0], dtype=bool)  # a feasible specialization without suppression beats it
    cache: dict[int, Evaluation] = {}

    def run(index: int) -> Evaluation:
        if index not in cache:
            result = evaluator.evaluate(tuple(int(x) for x in nodes[index]), with_inverse=False)
            cache[index] = _summary(result)
            node = nodes[index]
            if result.monotone_ok:
                above = np.all(nodes >= node, axis=1)
                status[above] = 1
                if result.feasible and result.suppressed == 0:
                    # Predictive tagging: its Loss is its bound, which no generalization undercuts, and a
                    # generalization has no more classes; so none can be better.
                    beaten[above] = True
                    beaten[index] = False
            else:
                status[np.all(nodes <= node, axis=1)] = -1
        return cache[index]

    height = nodes.sum(axis=1)

    def classify(start: int, ceiling: float) -> None:
        """Flash's binary search along a path of unknown nodes upward from ``start`` (each step to the
        successor with the least bound, staying under ``ceiling``): a passing node tags its generalizations,
        a failing one its specializations."""
        path = [start]
        while True:
            node = nodes[path[-1]]
            successors = [path[-1] + int(radix[d]) for d in range(len(heights)) if node[d] + 1 < heights[d]]
            successors = [i for i in successors if status[i] == 0 and lower[i] <= ceiling]
            if not successors:
                break
            path.append(min(successors, key=lambda i: (lower[i], i)))
        lo, hi = 0, len(path) - 1
        while lo <= hi and status[start] == 0:
            mid = (lo + hi) // 2
            if status[path[mid]] == 0:
                run(path[mid])
            if status[path[mid]] == 1:
                hi = mid - 1
            else:
                lo = mid + 1

    # Nodes in ascending loss bound: once the bound exceeds the best Loss found, nothing later can win.
    best: Evaluation | None = None
    for index in np.lexsort((height, lower)).tolist():
        ceiling = math.inf if best is None or best.loss is None else best.loss.loss + 1e-12
        if lower[index] > ceiling:
            break
        if status[index] == 0:
            classify(index, ceiling)
        if status[index] != 1 or beaten[index]:
            continue
        result = run(index)
        if result.feasible and _better(result, best):
            best = result
    if best is not None:
        best = evaluator.evaluate(best.levels)
    return SearchResult(
        best, int(nodes.shape[0]), len(cache), int(nodes.shape[0]) - len(cache), time.perf_counter() - started
    )


def _summary(result: Evaluation) -> Evaluation:
    """The evaluation without its per-unit arrays (kept in the search cache)."""
    empty = np.zeros(0, dtype=bool)
    return Evaluation(
        result.levels,
        result.feasible,
        result.monotone_ok,
        result.suppressed,
        result.classes,
        result.k,
        result.loss,
        empty,
        empty.astype(np.int64),
    )
