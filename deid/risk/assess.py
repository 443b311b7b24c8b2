"""Risk assessment of a table: the library function behind ``deid risk``.

:func:`assess_risk` reads the table once into its person-level units (:mod:`deid.risk.units`), groups them
into equivalence classes on the policy's quasi-identifiers, and computes every figure of
:class:`deid.risk.report.RiskReport` from the class sizes: prosecutor, journalist and marketer risk,
population uniqueness, l-diversity and t-closeness per sensitive attribute, and the quasi-identifier drivers
(the figures recomputed with each QI dropped or generalized one level).

Journalist and marketer risk follow ARX: with a population *table* they use its class sizes; without one the
population is the sample itself (journalist = prosecutor, marketer = classes / people). A population *size*
feeds the uniqueness models.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from deid import __version__
from deid.errors import ConfigError, InputError
from deid.policy.models import Policy
from deid.risk.hierarchy import SUPPRESSED
from deid.risk.measures import (
    Partition,
    class_distribution,
    class_emd,
    diversity,
    journalist,
    marketer,
    partition,
    prosecutor,
)
from deid.risk.population import population_uniqueness
from deid.risk.report import (
    RISK_SCHEMA_VERSION,
    CheckModel,
    DriverModel,
    FiguresModel,
    JournalistModel,
    LDiversityModel,
    PopulationUniquesModel,
    RecursiveModel,
    RiskReport,
    RiskSummaryModel,
    TClosenessModel,
)
from deid.risk.units import Units, as_text, build_units


def assess_risk(
    frame: pl.LazyFrame | pl.DataFrame,
    policy: Policy,
    table: str,
    *,
    population: int | None = None,
    population_table: pl.LazyFrame | pl.DataFrame | None = None,
    drivers: bool = True,
    release: bool = False,
) -> RiskReport:
    """Measure the re-identification risk of ``frame`` as policy table ``table``.

    ``population`` overrides the policy's population size; ``population_table`` holds the population the
    data was drawn from (its QI columns are used). ``drivers=False`` skips the per-QI drivers.
    ``release=True`` measures a table as deid released it (dropped columns absent, values as released,
    people whose every QI is ``*`` counted as suppressed).
    """
    units = build_units(frame, policy, table, release=release)
    return assess_units(
        units,
        policy,
        population=population if population is not None else policy.risk.population,
        population_table=population_table,
        drivers=drivers,
    )


def assess_units(
    units: Units,
    policy: Policy,
    *,
    population: int | None,
    population_table: pl.LazyFrame | pl.DataFrame | None = None,
    drivers: bool = True,
) -> RiskReport:
    """Every figure of the report, from prepared units."""
    levels: list[int | None] = [0] * len(units.qis)
    part = partition(units, levels)
    released, suppressed = _released(units, part)
    sizes = part.sizes[released]
    if sizes.size == 0:
        raise InputError(f"table {units.table}: every person is suppressed; there is no risk left to measure")
    if population is not None and population < units.persons:
        raise ConfigError(
            f"population size {population} is smaller than the {units.persons} people in the data"
        )

    pop_sizes = None
    if population_table is not None:
        pop_sizes = _population_sizes(units, part, released, population_table)
    pros = prosecutor(sizes)
    jour = journalist(sizes, pop_sizes) if pop_sizes is not None else pros
    uniques = _population_uniques(sizes, population)
    l_div, t_close = _sensitive_figures(units, policy, part, released)

    report = RiskReport(
        schema_version=RISK_SCHEMA_VERSION,
        tool_version=__version__,
        table=units.table,
        quasi_identifiers=units.qis,
        sensitive=units.sensitive,
        rows=units.rows,
        persons=units.persons,
        person_level=units.person_level,
        suppressed=suppressed,
        classes=int(sizes.size),
        k=int(sizes.min()),
        sample_uniques=int((sizes == 1).sum()),
        prosecutor=RiskSummaryModel(max=pros.max, avg=pros.avg, records_at_risk=pros.records_at_risk),
        journalist=JournalistModel(
            max=jour.max,
            avg=jour.avg,
            records_at_risk=jour.records_at_risk,
            source="population table" if pop_sizes is not None else "sample",
        ),
        marketer=marketer(sizes, pop_sizes),
        population_uniques=uniques,
        l_diversity=l_div,
        t_closeness=t_close,
        drivers=_drivers(units, policy, population) if drivers else {},
        checks=[],
        notes=[note for h in units.row_hierarchies for note in h.notes],
    )
    return report.model_copy(update={"checks": _checks(report, policy)})


def _released(units: Units, part: Partition) -> tuple[np.ndarray, int]:
    """Mask of classes that are not suppressed (every QI '*'), and how many people are suppressed."""
    star = np.ones(units.counts.size, dtype=bool)
    for hierarchy, codes in zip(units.hierarchies, units.qi_codes, strict=True):
        star &= np.array([leaf == SUPPRESSED for leaf in hierarchy.leaves])[codes]
    if not star.any():
        return np.ones(part.classes, dtype=bool), 0
    suppressed_classes = np.unique(part.inverse[star])
    mask = np.ones(part.classes, dtype=bool)
    mask[suppressed_classes] = False
    return mask, int(part.sizes[~mask].sum())


def _population_uniques(sizes: np.ndarray, population: int | None) -> PopulationUniquesModel:
    if population is None:
        return PopulationUniquesModel(
            population=None,
            sampling_fraction=None,
            pitman=None,
            zayatz=None,
            snb=None,
            dankar=None,
            dankar_model=None,
        )
    est = population_uniqueness(sizes, population)
    return PopulationUniquesModel(
        population=population,
        sampling_fraction=est.sampling_fraction,
        pitman=est.pitman,
        zayatz=est.zayatz,
        snb=est.snb,
        dankar=est.dankar,
        dankar_model=est.dankar_model,
        reasons=est.reasons,
    )


def _recursive_l(policy: Policy, attribute: str) -> tuple[int, float | None]:
    for req in policy.risk.l_diversity:
        if req.attribute == attribute and req.variant == "recursive":
            return max(1, int(np.ceil(req.l))), req.c
    return 2, None


def _sensitive_figures(
    units: Units, policy: Policy, part: Partition, released: np.ndarray
) -> tuple[dict[str, LDiversityModel], dict[str, TClosenessModel]]:
    l_div: dict[str, LDiversityModel] = {}
    t_close: dict[str, TClosenessModel] = {}
    for i, attribute in enumerate(units.sensitive):
        matrix = class_distribution(units, part, i)
        overall = matrix.sum(axis=0)
        matrix = matrix[released]
        rec_l, _ = _recursive_l(policy, attribute)
        div = diversity(matrix, rec_l)
        l_div[attribute] = LDiversityModel(
            distinct=div.distinct,
            entropy=div.entropy,
            recursive=RecursiveModel(l=rec_l, c_min=None if np.isinf(div.recursive_c) else div.recursive_c),
        )
        ordered = units.sensitive_ordered[i]
        t_close[attribute] = TClosenessModel(
            distance="ordered" if ordered else "equal", t=float(class_emd(matrix, ordered, overall).max())
        )
    return l_div, t_close


def figures(units: Units, levels: list[int | None], population: int | None) -> FiguresModel:
    """The headline figures when the QIs are generalized to ``levels`` (``None`` drops a QI)."""
    part = partition(units, levels)
    sizes = part.sizes
    pros = prosecutor(sizes)
    est = population_uniqueness(sizes, population, dankar_only=True) if population is not None else None
    l_distinct: dict[str, int] = {}
    t_values: dict[str, float] = {}
    for i, attribute in enumerate(units.sensitive):
        matrix = class_distribution(units, part, i)
        l_distinct[attribute] = int((matrix > 0).sum(axis=1).min())
        t_values[attribute] = float(class_emd(matrix, units.sensitive_ordered[i]).max())
    return FiguresModel(
        classes=part.classes,
        k=int(sizes.min()),
        sample_uniques=float((sizes == 1).sum()) / float(sizes.sum()),
        prosecutor_max=pros.max,
        prosecutor_avg=pros.avg,
        records_at_risk=pros.records_at_risk,
        population_uniques=est.dankar if est is not None else None,
        population_model=est.dankar_model if est is not None else None,
        population_reasons=est.reasons if est is not None else {},
        l_distinct=l_distinct,
        t_closeness=t_values,
    )


def _drivers(units: Units, policy: Policy, population: int | None) -> dict[str, DriverModel]:
    """Figures with each QI dropped, and generalized one level (below '*' only)."""
    result: dict[str, DriverModel] = {}
    for i, column in enumerate(units.qis):
        dropped: list[int | None] = [0] * len(units.qis)
        dropped[i] = None
        generalized = None
        if units.hierarchies[i].height > 2:
            up: list[int | None] = [0] * len(units.qis)
            up[i] = 1
            generalized = figures(units, up, population)
        result[column] = DriverModel(dropped=figures(units, dropped, population), generalized=generalized)
    return result


def _population_sizes(
    units: Units, part: Partition, released: np.ndarray, population_table: pl.LazyFrame | pl.DataFrame
) -> np.ndarray:
    """Population class size of each released sample class, from a population table."""
    lazy = population_table.lazy()
    schema = lazy.collect_schema()
    missing = [q for q in units.qis if q not in schema]
    if missing:
        raise InputError(f"population table: column {missing[0]} (a quasi-identifier) is missing")
    if units.person_level:
        raise InputError("a population table is supported for tables with one row per person only")
    pop = (
        lazy.select([as_text(q, schema[q]) for q in units.qis]).group_by(units.qis).agg(pl.len().alias("__n"))
    )
    first_unit = np.zeros(part.classes, dtype=np.int64)
    first_unit[part.inverse] = np.arange(part.inverse.size)
    sample = pl.DataFrame(
        {
            q: [h.leaves[int(c)] for c in codes[first_unit]]
            for q, h, codes in zip(units.qis, units.hierarchies, units.qi_codes, strict=True)
        }
    ).with_row_index("__class")
    joined = sample.lazy().join(pop, on=units.qis, how="left").sort("__class").collect()
    counts = joined["__n"].to_numpy()
    sizes = counts[released]
    if np.isnan(sizes.astype(np.float64)).any() or (sizes < part.sizes[released]).any():
        raise InputError(
            "population table: it lacks people the sample holds (a class is larger in the sample); "
            "the population must contain the sample"
        )
    return sizes.astype(np.float64)


def _checks(report: RiskReport, policy: Policy) -> list[CheckModel]:
    """The policy's thresholds against the measured figures."""
    risk = policy.risk
    checks = [
        CheckModel(
            model="k-anonymity",
            required=risk.k,
            measured=report.k,
            passed=report.k >= risk.k,
            reason=f"every equivalence class must hold at least {risk.k} people",
        )
    ]
    if risk.max_prosecutor_risk is not None:
        checks.append(
            CheckModel(
                model="max prosecutor risk",
                required=risk.max_prosecutor_risk,
                measured=report.prosecutor.max,
                passed=report.prosecutor.max <= risk.max_prosecutor_risk,
                reason="no person may be re-identified with a higher probability",
            )
        )
    if risk.avg_prosecutor_risk is not None:
        checks.append(
            CheckModel(
                model="average prosecutor risk",
                required=risk.avg_prosecutor_risk,
                measured=report.prosecutor.avg,
                passed=report.prosecutor.avg <= risk.avg_prosecutor_risk,
                reason="the expected share of people re-identified may not be higher",
            )
        )
    for req in risk.l_diversity:
        figures_ = report.l_diversity.get(req.attribute)
        if figures_ is None:
            continue
        if req.variant == "distinct":
            measured, passed = float(figures_.distinct), figures_.distinct >= req.l
        elif req.variant == "entropy":
            measured, passed = figures_.entropy, figures_.entropy >= req.l - 1e-12
        else:
            c_min = figures_.recursive.c_min
            measured = float("inf") if c_min is None else c_min
            passed = c_min is not None and req.c is not None and c_min < req.c
        checks.append(
            CheckModel(
                model=f"{req.variant} l-diversity ({req.attribute})",
                required=req.c if req.variant == "recursive" and req.c is not None else req.l,
                measured=measured,
                passed=passed,
                reason=f"every class must hold diverse values of {req.attribute} (l = {req.l:g})",
            )
        )
    for req in risk.t_closeness:
        t_fig = report.t_closeness.get(req.attribute)
        if t_fig is None:
            continue
        checks.append(
            CheckModel(
                model=f"t-closeness ({req.attribute})",
                required=req.t,
                measured=t_fig.t,
                passed=t_fig.t <= req.t,
                reason=f"the distribution of {req.attribute} in every class must stay close to the whole table's",
            )
        )
    return checks


def assess_file(
    path: str | Path,
    policy: Policy,
    table: str | None = None,
    *,
    population: int | None = None,
    population_path: str | Path | None = None,
    release: bool = False,
) -> RiskReport:
    """Read a table file and assess it (the CLI's entry point)."""
    from deid.tabular.io import scan_table, table_name_for

    name = table_name_for(path, list(policy.tables), table)
    frame = scan_table(path)
    pop_frame = scan_table(population_path) if population_path is not None else None
    return assess_risk(
        frame, policy, name, population=population, population_table=pop_frame, release=release
    )
