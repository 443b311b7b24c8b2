"""The persisted results of risk assessment and anonymization, as strict, versioned pydantic models.

``deid risk --json`` and ``deid anonymize --json`` print these models; the release pipeline stores them in
its audit. Every model forbids unknown keys and describes every field, and the top-level reports carry
``schema_version`` and the tool version. Shares are fractions of people, 0 to 1. No field ever holds a value
from the data.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

RISK_SCHEMA_VERSION = 2  # 2: population-model reasons


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RiskSummaryModel(_Model):
    """Highest risk, average risk, and share of people above each threshold."""

    max: float = Field(description="Highest risk of any person (prosecutor: 1/k).")
    avg: float = Field(description="Expected share of people re-identified.")
    records_at_risk: dict[str, float] = Field(
        description="Share of people whose risk is strictly above each threshold (keys '0.05' ... '0.5')."
    )


class JournalistModel(RiskSummaryModel):
    """Journalist risk and where the population class sizes came from."""

    source: str = Field(
        description="'population table' or 'sample' (no table: equals prosecutor, as in ARX)."
    )


class PopulationUniquesModel(_Model):
    """Estimated share of the population unique on the QIs, per model; null when not estimable."""

    population: int | None = Field(description="Population size used, or null when none was given.")
    sampling_fraction: float | None = Field(description="People in the data / population size.")
    pitman: float | None = Field(description="Pitman's model (Hoshino 2001).")
    zayatz: float | None = Field(description="Zayatz's model (Zayatz 1991).")
    snb: float | None = Field(description="Slide negative binomial model (Chen and Keller-McNulty 1998).")
    dankar: float | None = Field(description="The estimate Dankar et al.'s (2012) decision rule picks.")
    dankar_model: str | None = Field(description="Which model the decision rule picked.")
    reasons: dict[str, str] = Field(
        default_factory=dict,
        description="Per model without an estimate (null above): why it has none, e.g. Pitman's model is "
        "undefined when every class is a sample unique, or the solver found no root from any start value.",
    )


class RecursiveModel(_Model):
    """Recursive (c,l)-diversity: the smallest c for which it holds at ``l``."""

    l: int = Field(description="l of the (c,l) pair (the policy's, else 2).")
    c_min: float | None = Field(description="(c,l)-diversity holds for every c above this; null if for none.")


class LDiversityModel(_Model):
    """l-diversity of one sensitive attribute."""

    distinct: int = Field(description="Fewest distinct sensitive values in a class.")
    entropy: float = Field(description="Smallest exp(entropy) of a class (entropy l-diversity's l).")
    recursive: RecursiveModel = Field(description="Recursive (c,l)-diversity.")


class TClosenessModel(_Model):
    """t-closeness of one sensitive attribute."""

    distance: str = Field(description="'equal' (categories) or 'ordered' (numbers) ground distance.")
    t: float = Field(description="Largest earth mover's distance of a class from the whole table.")


class FiguresModel(_Model):
    """The headline figures of one way of grouping the people (used for the quasi-identifier drivers)."""

    classes: int = Field(description="Number of equivalence classes.")
    k: int = Field(description="Size of the smallest class.")
    sample_uniques: float = Field(description="Share of people alone in their class.")
    prosecutor_max: float = Field(description="Highest prosecutor risk.")
    prosecutor_avg: float = Field(description="Average prosecutor risk.")
    records_at_risk: dict[str, float] = Field(description="Share of people above each prosecutor threshold.")
    population_uniques: float | None = Field(
        description="Dankar's population-uniques estimate, if estimable."
    )
    population_model: str | None = Field(
        default=None, description="The model Dankar's rule picked for this grouping (null without a population)."
    )
    population_reasons: dict[str, str] = Field(
        default_factory=dict,
        description="Per model the rule skipped because it has no estimate here: why (never a bare null).",
    )
    l_distinct: dict[str, int] = Field(description="Distinct l-diversity per sensitive attribute.")
    t_closeness: dict[str, float] = Field(description="t per sensitive attribute.")


class DriverModel(_Model):
    """How the figures change when one quasi-identifier is dropped or generalized one level."""

    dropped: FiguresModel = Field(description="Figures with this quasi-identifier left out.")
    generalized: FiguresModel | None = Field(
        description="Figures with it one level up its hierarchy; null when it has no higher level but '*'."
    )


class CheckModel(_Model):
    """One threshold of the policy, measured."""

    model: str = Field(description="Which privacy model, e.g. 'k-anonymity'.")
    required: float = Field(description="The policy's threshold.")
    measured: float = Field(description="The measured value.")
    passed: bool = Field(description="Whether the data meets the threshold.")
    reason: str = Field(description="What the threshold means, in words.")


class RiskReport(_Model):
    """Re-identification risk of one table, at the person level."""

    schema_version: int = Field(description="Version of this report format.")
    tool_version: str = Field(description="deid version that measured it.")
    table: str = Field(description="Policy table the data was measured as.")
    quasi_identifiers: list[str] = Field(description="Quasi-identifier columns, in policy order.")
    sensitive: list[str] = Field(description="Sensitive columns, in policy order.")
    rows: int = Field(description="Rows in the data.")
    persons: int = Field(description="People in the data (rows when there is no person key).")
    person_level: bool = Field(description="Whether several rows of a person were combined first.")
    suppressed: int = Field(description="People whose QIs are all '*' (excluded from sample risks).")
    classes: int = Field(description="Number of equivalence classes.")
    k: int = Field(description="Size of the smallest equivalence class.")
    sample_uniques: int = Field(description="People alone in their class.")
    prosecutor: RiskSummaryModel = Field(description="Prosecutor risk (the attacker knows the person is in).")
    journalist: JournalistModel = Field(
        description="Journalist risk (the attacker holds a population register)."
    )
    marketer: float = Field(description="Marketer risk: expected share re-identified when all are linked.")
    population_uniques: PopulationUniquesModel = Field(description="Population uniqueness estimates.")
    l_diversity: dict[str, LDiversityModel] = Field(description="l-diversity per sensitive attribute.")
    t_closeness: dict[str, TClosenessModel] = Field(description="t-closeness per sensitive attribute.")
    drivers: dict[str, DriverModel] = Field(description="Per quasi-identifier: the figures without it.")
    checks: list[CheckModel] = Field(description="The policy's thresholds, measured.")
    notes: list[str] = Field(
        default_factory=list,
        description="What was accepted in the input and how, e.g. hierarchy rows that repeat an earlier row "
        "exactly (row numbers, never values).",
    )


class LossModel(_Model):
    """Information loss of a transformation (ARX's metrics)."""

    loss: float = Field(
        description="ARX's Loss (Iyengar 2002): per QI the normalized share of the domain each value covers, "
        "suppressed values counting 1, combined by geometric mean; 0 = original, 1 = everything '*'."
    )
    loss_per_column: dict[str, float] = Field(description="The Loss of each quasi-identifier.")
    discernibility: float = Field(
        description="Discernibility (Bayardo and Agrawal 2005): sum of squared class sizes, suppressed people "
        "counting the number of people each."
    )
    avg_class_size: float = Field(
        description="Average equivalence class size (LeFevre et al. 2006): released people / released classes."
    )


class AnonymizationReport(_Model):
    """What anonymization chose and what it cost."""

    schema_version: int = Field(description="Version of this report format.")
    tool_version: str = Field(description="deid version that searched.")
    table: str = Field(description="Policy table.")
    levels: dict[str, int] = Field(description="Chosen generalization level per quasi-identifier.")
    searched: list[str] = Field(description="Quasi-identifiers whose level the search chose.")
    suppressed: int = Field(description="People suppressed (every QI set to '*').")
    suppressed_rows: int = Field(description="Rows of those people.")
    suppression_limit: float = Field(
        description="Largest share of people the search was allowed to suppress."
    )
    classes: int = Field(description="Equivalence classes among the released (not suppressed) people.")
    k: int = Field(description="Smallest released class.")
    persons: int = Field(description="People in the data.")
    rows: int = Field(description="Rows in the data.")
    loss: float = Field(description="ARX's Loss of the result (see loss_figures).")
    discernibility: float = Field(description="Discernibility of the result.")
    avg_class_size: float = Field(description="Average released class size.")
    loss_figures: LossModel = Field(description="All loss figures.")
    lattice_size: int = Field(description="Transformations in the lattice.")
    evaluated: int = Field(description="Transformations whose classes were computed.")
    pruned: int = Field(description="Transformations skipped by monotonicity or the loss bound.")
    seconds: float = Field(description="Search time.")
    reasons: list[str] = Field(description="Why each level and the suppression were chosen, for the audit.")
