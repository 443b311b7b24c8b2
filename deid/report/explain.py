"""Plain-language sentences for every figure: what a privacy officer reads beside each number.

Each function turns figures of the manifest into :class:`~deid.report.model.Statement` objects (value,
display and sentence). Sentences use only names (tables, columns, models), counts and shares, never a value
of the data. Shares are fractions (0 to 1) and are shown as percentages with a space: ``3.1 %``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from deid.report.figures import RiskCheck, TableRisk
from deid.report.model import DriverRow, LevelRow, Statement, Status

# ------------------------------------------------------------------------------------------ format


def pct(share: float | None) -> str:
    """A share (0 to 1) as a percentage: ``3.1 %``, ``0.012 %``, ``0 %``; ``n/a`` for null."""
    if share is None or math.isnan(share):
        return "n/a"
    value = share * 100
    if value == 0:
        return "0 %"
    if value == 100:
        return "100 %"
    if abs(value) < 0.1:
        return f"{value:.2g} %"
    return f"{value:.1f} %"


def num(value: float | None) -> str:
    """A count with thousands separators, or a measure with four significant digits."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if math.isinf(value):
        return "infinite"
    return f"{value:.4g}"


def people(count: int) -> str:
    """``1 person``, ``5 people``."""
    return f"{num(count)} {'person' if count == 1 else 'people'}"


def one_in(risk: float) -> str:
    """A probability as ``1 in N`` (N rounded), for risks of re-identification."""
    if risk <= 0:
        return "0"
    if risk < 1e-12:
        return "less than 1 in a trillion"
    return f"1 in {num(round(1 / risk))}"


def smallest_safe_size(threshold: float) -> int:
    """The smallest group size whose risk (1/size) is not above ``threshold``: smaller groups are at risk."""
    return max(1, math.ceil(1 / threshold - 1e-6))


def columns_text(names: Sequence[str]) -> str:
    """``a, b and c``."""
    names = list(names)
    if not names:
        return "no columns"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _status(check: RiskCheck | None) -> Status:
    if check is None:
        return "info"
    return "pass" if check.passed else "fail"


def _check_for(risk: TableRisk, prefix: str, attribute: str | None = None) -> RiskCheck | None:
    for name, check in risk.checks.items():
        if name.startswith(prefix) and (attribute is None or name.endswith(f"({attribute})")):
            return check
    return None


# ------------------------------------------------------------------------------------------ checks


def check_statement(model: str, check: RiskCheck) -> Statement:
    """One policy threshold, measured."""
    at_most = "risk" in model or model.startswith(("t-closeness", "recursive"))
    bound = "at most" if at_most else "at least"
    verdict = "met" if check.passed else "NOT met"
    return Statement(
        key=f"check.{model}", label=f"Policy: {model}", value=check.measured,
        display=f"{num(check.measured)} (needs {bound} {num(check.required)})",
        sentence=f"Threshold {verdict}: {check.reason}; the policy requires {bound} {num(check.required)} "
                 f"and the release measures {num(check.measured)}.",
        status="pass" if check.passed else "fail",
    )


# -------------------------------------------------------------------------------------------- risk


def people_below(risk: TableRisk, size: int) -> float | None:
    """Share of the measured people who are in a group of fewer than ``size`` (needs the class sizes)."""
    if risk.class_sizes is None:
        return None
    people = sum(s * n for s, n in risk.class_sizes.items())
    small = sum(s * n for s, n in risk.class_sizes.items() if s < size)
    return small / people if people else 0.0


def risk_statements(risk: TableRisk) -> list[Statement]:
    """Every risk figure of a table with its sentence: thresholds first, then the figures behind them."""
    out = [check_statement(model, check) for model, check in risk.checks.items()]
    measured = risk.persons - risk.suppressed
    qis = columns_text(risk.quasi_identifiers)
    k_check = risk.checks.get("k-anonymity")
    k_required = int(k_check.required) if k_check is not None else None
    if k_required is not None and k_required > 1:
        share = people_below(risk, k_required)
        if share is not None:
            out.append(Statement(
                key="people_below_k", label=f"People in groups smaller than {k_required}", value=share,
                display=pct(share),
                sentence=f"{pct(share)} of people are in a group of fewer than {k_required} people "
                         f"(the policy's k) who share their {qis}.",
                status="pass" if share == 0 else "fail",
            ))
    out += [
        Statement(key="k", label="Smallest group (k)", value=risk.k, display=num(risk.k),
                  sentence=(f"Every person shares their {qis} with at least {num(risk.k - 1)} other "
                            f"{'person' if risk.k == 2 else 'people'} in this table (k = {num(risk.k)})."
                            if risk.k > 1 else
                            f"Some people are the only one with their {qis} in this table (k = 1): anyone who "
                            "knows those facts about them can single out their record."),
                  status=_status(k_check)),
        Statement(key="classes", label="Groups of look-alikes", value=risk.classes, display=num(risk.classes),
                  sentence=f"The {num(measured)} people measured fall into {num(risk.classes)} groups of people "
                           f"with the same {qis}, {measured / risk.classes if risk.classes else 0:.1f} "
                           "people per group on average.",
                  status="info"),
        Statement(key="sample_uniques", label="People alone in their group", value=risk.sample_uniques,
                  display=f"{num(risk.sample_uniques)} ({pct(risk.sample_uniques / measured if measured else 0)})",
                  sentence=(f"{people(risk.sample_uniques)} "
                            f"({pct(risk.sample_uniques / measured if measured else 0)}) "
                            f"{'is' if risk.sample_uniques == 1 else 'are'} the only one with their {qis} in this "
                            "table." if risk.sample_uniques else
                            f"Nobody is the only one with their {qis} in this table."),
                  status="info"),
        Statement(key="suppressed", label="People suppressed", value=risk.suppressed,
                  display=f"{num(risk.suppressed)} ({pct(risk.suppressed / risk.persons if risk.persons else 0)})",
                  sentence=f"{num(risk.suppressed)} of {num(risk.persons)} people "
                           f"{'has' if risk.suppressed == 1 else 'have'} every quasi-identifier replaced by '*'; "
                           "they are left out of the risk figures below.",
                  status="info"),
        Statement(key="prosecutor.max", label="Highest prosecutor risk", value=risk.prosecutor.max,
                  display=f"{num(risk.prosecutor.max)} ({one_in(risk.prosecutor.max)})",
                  sentence="Someone who knows a person is in this table and knows their "
                           f"{qis} picks out the most exposed person "
                           + ("with certainty: that person's record is unique." if risk.prosecutor.max >= 1 else
                              f"with a probability of {one_in(risk.prosecutor.max)}."),
                  status=_status(risk.checks.get("max prosecutor risk") or k_check)),
        Statement(key="prosecutor.avg", label="Average prosecutor risk", value=risk.prosecutor.avg,
                  display=pct(risk.prosecutor.avg),
                  sentence=f"Trying every person, that attacker would re-identify {pct(risk.prosecutor.avg)} of "
                           "them on average.",
                  status=_status(risk.checks.get("average prosecutor risk"))),
    ]
    for threshold, share in sorted(risk.prosecutor.records_at_risk.items(), key=lambda i: -float(i[0])):
        size = smallest_safe_size(float(threshold))
        group = "alone in their group" if size == 2 else f"in a group of fewer than {size} people"
        out.append(Statement(
            key=f"prosecutor.records_at_risk.{threshold}", label=f"People with risk above {threshold}",
            value=share, display=pct(share),
            sentence=f"{pct(share)} of people are {group} (prosecutor risk above {threshold}).",
            status="info",
        ))
    out += _attacker_statements(risk)
    out += _population_statements(risk)
    out += _sensitive_statements(risk)
    return out


def _attacker_statements(risk: TableRisk) -> list[Statement]:
    j = risk.journalist
    if risk.journalist_source == "sample":
        journalist = ("With no population register given, the population is taken to be this table, so the "
                      f"journalist risk equals the prosecutor risk: highest {one_in(j.max)}, "
                      f"average {pct(j.avg)}.")
    else:
        journalist = ("Someone who holds a register of the population the data was drawn from and picks a "
                      f"person there re-identifies them in this table with a probability of at most "
                      f"{one_in(j.max)}, {pct(j.avg)} on average.")
    return [
        Statement(key="journalist.max", label="Highest journalist risk", value=j.max,
                  display=f"{num(j.max)} ({one_in(j.max)})", sentence=journalist, status="info"),
        Statement(key="journalist.avg", label="Average journalist risk", value=j.avg, display=pct(j.avg),
                  sentence=f"Against a population register, {pct(j.avg)} of people would be re-identified on "
                           "average.",
                  status="info"),
        Statement(key="marketer", label="Marketer risk", value=risk.marketer, display=pct(risk.marketer),
                  sentence="Someone who links every record of this table to a register at once would match "
                           f"about {pct(risk.marketer)} of them to the right person.",
                  status="info"),
    ]


def _population_statements(risk: TableRisk) -> list[Statement]:
    pop = risk.population
    if pop.population is None:
        return [Statement(key="population.dankar", label="Population uniques", value=None, display="n/a",
                          sentence="Population uniqueness was not estimated: neither the policy "
                                   "(risk.population) nor the pipeline (risk_population) gave a population size.",
                          status="info")]
    out = []
    names = {"pitman": "Pitman's model", "zayatz": "Zayatz's model", "snb": "The slide negative binomial model"}
    for key, title in names.items():
        value = getattr(pop, key)
        sentence = (f"{title} estimates that {pct(value)} of the population of {num(pop.population)} is unique "
                    f"on {columns_text(risk.quasi_identifiers)}, and so could be singled out in any data set "
                    "that holds them." if value is not None else f"{title} has no estimate for this data"
                    + (f": {pop.reasons[key]}." if key in getattr(pop, "reasons", {}) else "."))
        out.append(Statement(key=f"population.{key}", label=f"Population uniques ({key})", value=value,
                             display=pct(value), sentence=sentence, status="info"))
    if pop.dankar_model is None or pop.dankar_model.startswith("none"):
        chosen = ("No person is alone in their group in this table, so Dankar et al.'s decision rule takes "
                  "no one to be unique in the population either.")
    else:
        chosen = (f"Dankar et al.'s decision rule picks {pop.dankar_model} for a sampling fraction of "
                  f"{pct(pop.sampling_fraction)}: about {pct(pop.dankar)} of the population is unique on these "
                  "quasi-identifiers.")
    out.append(Statement(key="population.dankar", label="Population uniques (chosen)", value=pop.dankar,
                         display=pct(pop.dankar), sentence=chosen, status="info"))
    return out


def _sensitive_statements(risk: TableRisk) -> list[Statement]:
    out = []
    for attribute, div in risk.l_diversity.items():
        rec = ("recursive (c,l)-diversity holds at l = "
               f"{div.recursive_l} for any c above {num(div.recursive_c_min)}"
               if div.recursive_c_min is not None else
               f"recursive (c,l)-diversity does not hold at l = {div.recursive_l} for any c")
        if div.distinct >= 2:
            first = (f"Every group holds at least {div.distinct} different values of {attribute}, so knowing "
                     f"someone's group does not tell their {attribute} for sure")
        else:
            first = (f"At least one group holds a single value of {attribute}: anyone who knows a person is in "
                     f"that group learns their {attribute}")
        out.append(Statement(
            key=f"l_diversity.{attribute}", label=f"l-diversity of {attribute}", value=div.distinct,
            display=f"{div.distinct} distinct, entropy l {num(div.entropy)}",
            sentence=f"{first}; the least diverse group is as varied as {num(div.entropy)} equally likely "
                     f"value{'s' if div.entropy != 1 else ''}, and {rec}.",
            status=_status(_check_for(risk, "distinct l-diversity", attribute)
                           or _check_for(risk, "entropy l-diversity", attribute)
                           or _check_for(risk, "recursive l-diversity", attribute)),
        ))
    for attribute, close in risk.t_closeness.items():
        out.append(Statement(
            key=f"t_closeness.{attribute}", label=f"t-closeness of {attribute}", value=close.t,
            display=num(close.t),
            sentence=f"In the least typical group, the spread of {attribute} differs from the whole table's by "
                     f"{num(close.t)} ({close.distance} earth mover's distance: 0 is the same spread, 1 the "
                     "opposite), which bounds what a group reveals about it.",
            status=_status(_check_for(risk, "t-closeness", attribute)),
        ))
    return out


def drivers_by_uniques(risk: TableRisk) -> bool:
    """Whether drivers are ranked by people alone in their group (else by average risk: none is alone)."""
    return risk.sample_uniques > 0 or any(d.dropped.sample_uniques > 0 for d in risk.drivers.values())


def driver_rows(risk: TableRisk) -> list[DriverRow]:
    """Quasi-identifiers ordered by how much leaving each out would lower the risk, the biggest driver first.

    The measure is the share of people alone in their group; when nobody is alone with or without any
    column (as after anonymization), the average prosecutor risk.
    """
    measured = risk.persons - risk.suppressed
    base = risk.sample_uniques / measured if measured else 0.0
    by_uniques = drivers_by_uniques(risk)
    rows = []
    for column, driver in risk.drivers.items():
        d, g = driver.dropped, driver.generalized
        k_text = (f"the smallest group would hold {people(d.k)} instead of {num(risk.k)}"
                  if d.k != risk.k else f"the smallest group would still hold {people(risk.k)}")
        if by_uniques:
            sentence = (f"Without {column}, {pct(d.sample_uniques)} instead of {pct(base)} of people would be "
                        f"alone in their group and {k_text}")
            if g is not None:
                sentence += f"; with {column} one level coarser, {pct(g.sample_uniques)} would be alone"
        else:
            sentence = (f"Without {column}, the average risk would be {pct(d.prosecutor_avg)} instead of "
                        f"{pct(risk.prosecutor.avg)} and {k_text}")
            if g is not None:
                sentence += f"; with {column} one level coarser, {pct(g.prosecutor_avg)}"
        rows.append(DriverRow(column=column, k_without=d.k, uniques_without=d.sample_uniques,
                              avg_risk_without=d.prosecutor_avg, k_coarser=g.k if g else None,
                              uniques_coarser=g.sample_uniques if g else None, sentence=sentence + "."))
    if by_uniques:
        return sorted(rows, key=lambda r: (r.uniques_without, r.avg_risk_without, -r.k_without, r.column))
    return sorted(rows, key=lambda r: (r.avg_risk_without, -r.k_without, r.column))


def level_rows(risk: TableRisk) -> list[LevelRow]:
    """The generalization level of every quasi-identifier with its loss and reason."""
    anon = risk.anonymization
    if anon is None:
        return []
    rows = []
    for column, level in anon.levels.items():
        reason = next((r for r in anon.reasons if r.startswith(f"{column}:")), None)
        rows.append(LevelRow(column=column, level=level, searched=column in anon.searched,
                             loss=anon.loss_per_column.get(column), reason=reason))
    return rows


def anonymization_statements(risk: TableRisk) -> list[Statement]:
    """What anonymization cost: information lost and people suppressed."""
    anon = risk.anonymization
    if anon is None:
        return []
    share = anon.suppressed / risk.persons if risk.persons else 0.0
    return [
        Statement(key="anonymization.loss", label="Information lost", value=anon.loss, display=pct(anon.loss),
                  sentence=f"Generalization removed about {pct(anon.loss)} of the detail of the quasi-identifiers "
                           "(ARX's loss: 0 % means released as recorded, 100 % means every value replaced by '*').",
                  status="info"),
        Statement(key="anonymization.suppressed", label="People suppressed to meet the thresholds",
                  value=anon.suppressed, display=f"{num(anon.suppressed)} ({pct(share)})",
                  sentence=f"{people(anon.suppressed)} ({pct(share)}, {num(anon.suppressed_rows)} "
                           f"row{'s' if anon.suppressed_rows != 1 else ''}) "
                           f"{'was' if anon.suppressed == 1 else 'were'} suppressed to meet the thresholds, within "
                           f"the policy's limit of {pct(anon.suppression_limit)}.",
                  status="pass" if share <= anon.suppression_limit else "fail"),
        Statement(key="anonymization.avg_class_size", label="Average group size", value=anon.avg_class_size,
                  display=num(anon.avg_class_size),
                  sentence=f"After generalization a group holds {num(anon.avg_class_size)} people on average.",
                  status="info"),
    ]
