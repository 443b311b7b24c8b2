"""The risk figures of one released table, as the manifest's ``risk`` section stores them.

The manifest's ``risk.<table>`` is a flat mapping of names to numbers (``deid.release.manifest.Figures``),
so that it stays readable and a new figure needs no manifest schema change. :class:`TableRisk` is the typed
form of those figures: :func:`risk_figures` builds it from the risk assessment (and the anonymization, when
there was one) and flattens it for the manifest; :func:`parse_risk_figures` reads it back for the report.

Flat names are ``/``-separated paths with each segment percent-quoted (``prosecutor/records_at_risk/0.05``,
``l_diversity/salary-class/distinct``, ``checks/k-anonymity/passed``); list items are ``#0``, ``#1``...;
an empty list is ``NAME/#: true`` and an empty mapping ``NAME/=: true``. A
table's figures carry ``figures_format: "deid.risk-figures.v1"``; figures without it are shown as they are.
No figure ever holds a value from the data: only column names, counts, shares and measures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote

import numpy as np
import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from deid.policy.models import Policy
from deid.release.manifest import Figures
from deid.risk.report import AnonymizationReport, FiguresModel, RiskReport

# The report shows the risk module's figures as they are: one model each, not a copy.
from deid.risk.report import PopulationUniquesModel as PopulationFigures
from deid.risk.report import RiskSummaryModel as RiskSummary

FIGURES_FORMAT = "deid.risk-figures.v1"
_FORMAT_KEY = "figures_format"
_SEP = "/"
_ITEM = "#"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LDiversityFigures(_Strict):
    """l-diversity of one sensitive attribute."""

    distinct: int = Field(description="Fewest distinct sensitive values in a group.")
    entropy: float = Field(description="Smallest exp(entropy) of a group (entropy l-diversity's l).")
    recursive_l: int = Field(description="l at which recursive (c,l)-diversity was measured.")
    recursive_c_min: float | None = Field(description="Smallest c for which (c,l)-diversity holds; null if none.")


class TClosenessFigures(_Strict):
    """t-closeness of one sensitive attribute."""

    distance: str = Field(description="'equal' (categories) or 'ordered' (numbers) ground distance.")
    t: float = Field(description="Largest earth mover's distance of a group from the whole table (0 to 1).")


class DriverFigures(_Strict):
    """Headline figures when one quasi-identifier is left out or generalized one level."""

    classes: int = Field(description="Number of groups.")
    k: int = Field(description="Size of the smallest group.")
    sample_uniques: float = Field(description="Share of people alone in their group.")
    prosecutor_max: float = Field(description="Highest prosecutor risk.")
    prosecutor_avg: float = Field(description="Average prosecutor risk.")


class Driver(_Strict):
    """How the figures change without one quasi-identifier, or with it one level coarser."""

    dropped: DriverFigures = Field(description="Figures with this quasi-identifier left out.")
    generalized: DriverFigures | None = Field(
        description="Figures with it one level up its hierarchy; null when it has no level but '*' above."
    )


class RiskCheck(_Strict):
    """One threshold of the policy, measured."""

    required: float = Field(description="The policy's threshold.")
    measured: float | None = Field(description="The measured value (null: not measurable, e.g. infinite c).")
    passed: bool = Field(description="Whether the data meets the threshold.")
    reason: str = Field(description="What the threshold means, in words.")


class Anonymization(_Strict):
    """What the anonymization search chose and what it cost."""

    levels: dict[str, int] = Field(description="Generalization level chosen per quasi-identifier.")
    searched: list[str] = Field(description="Quasi-identifiers whose level the search chose.")
    suppressed: int = Field(description="People suppressed (every quasi-identifier '*').")
    suppressed_rows: int = Field(description="Rows of those people.")
    suppression_limit: float = Field(description="Largest share of people the search could suppress.")
    loss: float = Field(description="ARX's Loss: 0 = data as it was, 1 = everything '*'.")
    loss_per_column: dict[str, float] = Field(description="The Loss of each quasi-identifier.")
    discernibility: float = Field(description="Discernibility: sum of squared group sizes.")
    avg_class_size: float = Field(description="Average released group size.")
    reasons: list[str] = Field(description="Why each level and the suppression were chosen.")


class TableRisk(_Strict):
    """Every risk figure of one released table, measured on the table as released."""

    quasi_identifiers: list[str] = Field(description="Quasi-identifier columns, in policy order.")
    sensitive: list[str] = Field(description="Sensitive columns, in policy order.")
    rows: int = Field(description="Rows measured.")
    persons: int = Field(description="People measured (rows when there is no person key).")
    person_level: bool = Field(description="Whether several rows of a person were combined first.")
    suppressed: int = Field(description="People whose quasi-identifiers are all '*' (not in the sample risks).")
    classes: int = Field(description="Number of groups of people who look alike (equivalence classes).")
    k: int = Field(description="Size of the smallest group.")
    sample_uniques: int = Field(description="People alone in their group.")
    prosecutor: RiskSummary = Field(description="Prosecutor risk: the attacker knows the person is in the data.")
    journalist: RiskSummary = Field(description="Journalist risk: the attacker holds a population register.")
    journalist_source: str = Field(description="'population table' or 'sample' (then equal to prosecutor).")
    marketer: float = Field(description="Expected share re-identified when every record is linked.")
    population: PopulationFigures = Field(description="Population uniqueness estimates.")
    l_diversity: dict[str, LDiversityFigures] = Field(description="l-diversity per sensitive attribute.")
    t_closeness: dict[str, TClosenessFigures] = Field(description="t-closeness per sensitive attribute.")
    drivers: dict[str, Driver] = Field(description="Per quasi-identifier: the figures without it.")
    checks: dict[str, RiskCheck] = Field(description="The policy's thresholds by privacy model, measured.")
    class_sizes: dict[int, int] | None = Field(
        description="Group size -> number of groups of that size (released people only); null if not measured."
    )
    anonymization: Anonymization | None = Field(description="The anonymization's choices, or null if none ran.")


# ------------------------------------------------------------------------------------------- build


def _driver(model: FiguresModel) -> DriverFigures:
    return DriverFigures(classes=model.classes, k=model.k, sample_uniques=model.sample_uniques,
                         prosecutor_max=model.prosecutor_max, prosecutor_avg=model.prosecutor_avg)


def _finite(value: float) -> float | None:
    return value if np.isfinite(value) else None


def table_risk(
    risk: RiskReport,
    anonymization: AnonymizationReport | None = None,
    class_sizes: Mapping[int, int] | None = None,
) -> TableRisk:
    """The typed figures of one table from its risk report (measured on the release, ``release=True``)."""
    anon = None
    if anonymization is not None:
        a = anonymization
        anon = Anonymization(levels=a.levels, searched=a.searched, suppressed=a.suppressed,
                             suppressed_rows=a.suppressed_rows, suppression_limit=a.suppression_limit,
                             loss=a.loss, loss_per_column=a.loss_figures.loss_per_column,
                             discernibility=a.discernibility, avg_class_size=a.avg_class_size,
                             reasons=a.reasons)
    return TableRisk(
        quasi_identifiers=risk.quasi_identifiers,
        sensitive=risk.sensitive,
        rows=risk.rows,
        persons=risk.persons,
        person_level=risk.person_level,
        suppressed=risk.suppressed,
        classes=risk.classes,
        k=risk.k,
        sample_uniques=risk.sample_uniques,
        prosecutor=risk.prosecutor,
        journalist=RiskSummary(**risk.journalist.model_dump(exclude={"source"})),
        journalist_source=risk.journalist.source,
        marketer=risk.marketer,
        population=risk.population_uniques,
        l_diversity={a: LDiversityFigures(distinct=m.distinct, entropy=m.entropy, recursive_l=m.recursive.l,
                                          recursive_c_min=m.recursive.c_min)
                     for a, m in risk.l_diversity.items()},
        t_closeness={a: TClosenessFigures(distance=m.distance, t=m.t) for a, m in risk.t_closeness.items()},
        drivers={q: Driver(dropped=_driver(d.dropped),
                           generalized=_driver(d.generalized) if d.generalized is not None else None)
                 for q, d in risk.drivers.items()},
        checks={c.model: RiskCheck(required=c.required, measured=_finite(c.measured), passed=c.passed,
                                   reason=c.reason) for c in risk.checks},
        class_sizes=dict(sorted((int(s), int(n)) for s, n in class_sizes.items())) if class_sizes else None,
        anonymization=anon,
    )


def risk_figures(
    risk: RiskReport,
    anonymization: AnonymizationReport | None = None,
    class_sizes: Mapping[int, int] | None = None,
) -> Figures:
    """The manifest's ``risk.<table>`` figures: what a run stores in ``writer.facts.risk[table]``.

    ``risk`` is :func:`deid.risk.assess_risk` on the table as released (``release=True``);
    ``anonymization`` the report of :func:`deid.risk.anonymize`, when it ran; ``class_sizes`` the
    histogram from :func:`class_size_histogram` (needed for the report's two risk charts).
    """
    return flatten_risk(table_risk(risk, anonymization, class_sizes))


def class_size_histogram(
    frame: pl.LazyFrame | pl.DataFrame, policy: Policy, table: str, *, release: bool = True
) -> dict[int, int]:
    """Group size -> number of groups of that size, over the people not suppressed (counts only).

    Measured as :func:`deid.risk.assess_risk` measures (person level, same quasi-identifiers); people
    whose quasi-identifiers are all ``*`` are left out, as the sample risks leave them out.
    """
    from deid.risk.hierarchy import SUPPRESSED
    from deid.risk.measures import partition
    from deid.risk.units import build_units

    units = build_units(frame, policy, table, release=release)
    part = partition(units, [0] * len(units.qis))
    star = np.ones(units.counts.size, dtype=bool)
    for hierarchy, codes in zip(units.hierarchies, units.qi_codes, strict=True):
        star &= np.array([leaf == SUPPRESSED for leaf in hierarchy.leaves])[codes]
    released = np.ones(part.classes, dtype=bool)
    released[np.unique(part.inverse[star])] = False
    counts = Counter(int(s) for s in part.sizes[released])
    return dict(sorted(counts.items()))


# ----------------------------------------------------------------------------------- flat <-> typed


def flatten_risk(risk: TableRisk) -> Figures:
    """``risk`` as flat manifest figures (see the module docstring for the names)."""
    flat: Figures = {_FORMAT_KEY: FIGURES_FORMAT}
    _flatten(risk.model_dump(mode="json"), "", flat)
    return flat


def _flatten(value: Any, prefix: str, out: Figures) -> None:
    if isinstance(value, dict):
        if not value and prefix:
            out[f"{prefix}{_SEP}{_EMPTY_DICT}"] = True
        for key, item in value.items():
            _flatten(item, f"{prefix}{_SEP if prefix else ''}{quote(str(key), safe='')}", out)
    elif isinstance(value, list):
        if not value:
            out[f"{prefix}{_SEP}{_ITEM}"] = True
        for index, item in enumerate(value):
            _flatten(item, f"{prefix}{_SEP}{_ITEM}{index}", out)
    else:
        out[prefix] = value


#: Segment marking an empty mapping (``quote`` never leaves a raw '=' or '#' in a name, so neither
#: marker can be mistaken for a name); an empty list is a bare ``#``.
_EMPTY_DICT = "="


def is_risk_figures(figures: Figures) -> bool:
    """Whether ``figures`` were written by :func:`risk_figures` (any version)."""
    value = figures.get(_FORMAT_KEY)
    return isinstance(value, str) and value.startswith("deid.risk-figures.")


def parse_risk_figures(figures: Figures) -> TableRisk | None:
    """The typed figures back from the manifest, or ``None`` when they are not in a format this deid reads."""
    if figures.get(_FORMAT_KEY) != FIGURES_FORMAT:
        return None
    tree: dict[str, Any] = {}
    for name, value in figures.items():
        if name == _FORMAT_KEY:
            continue
        node = tree
        parts = name.split(_SEP)
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                return None
            node = child
        node[parts[-1]] = value
    try:
        return TableRisk.model_validate(_rebuild(tree))
    except (ValidationError, ValueError):
        return None


def _rebuild(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if set(node) == {_EMPTY_DICT}:
        return {}
    if set(node) == {_ITEM}:
        return []
    if node and all(key.startswith(_ITEM) for key in node):
        ordered = sorted(node.items(), key=lambda item: int(item[0][1:]))
        return [_rebuild(value) for _, value in ordered]
    return {unquote(key): _rebuild(value) for key, value in node.items()}


__all__ = [
    "FIGURES_FORMAT",
    "Anonymization",
    "Driver",
    "DriverFigures",
    "LDiversityFigures",
    "PopulationFigures",
    "RiskCheck",
    "RiskSummary",
    "TClosenessFigures",
    "TableRisk",
    "class_size_histogram",
    "flatten_risk",
    "is_risk_figures",
    "parse_risk_figures",
    "table_risk",
]
