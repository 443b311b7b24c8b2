"""The report's content as one strict, versioned pydantic model: what every renderer shows.

:class:`ReportModel` is built from a release's manifest (and audit log) only: names, counts, hashes and
figures, each with the sentence that explains it. The HTML, Markdown and JSON renderers format this model
and add nothing to it, so no renderer can show what the manifest does not hold: never a value of the data.
``schema_version`` is the manifest's; ``report_format`` versions this model.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from deid.release.manifest import Figures
from deid.report.figures import TableRisk

REPORT_FORMAT = "deid.report.v1"
Status = Literal["pass", "fail", "info"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Statement(_Strict):
    """One figure with its plain-language explanation."""

    key: str = Field(description="Stable name of the figure (e.g. 'k', 'prosecutor.records_at_risk.0.09').")
    label: str = Field(description="Short label shown beside the value.")
    value: float | int | str | bool | None = Field(description="The figure as a number (shares are 0 to 1).")
    display: str = Field(description="The figure as shown (e.g. '3.1 %').")
    sentence: str = Field(description="What the figure means, in one sentence for a privacy officer.")
    status: Status = Field(description="pass / fail against a policy threshold, or info when there is none.")


class ReleaseSection(_Strict):
    """Which release this is and in what state."""

    release_id: str = Field(description="The release's id (its folder name).")
    run_id: str = Field(description="The run that wrote it.")
    created_at: datetime | None = Field(description="When the release was finalized (UTC); null for a draft.")
    tool_version: str = Field(description="deid version that wrote the release.")
    demo_keys: bool = Field(description="True when made with throw-away demo keys: not for production.")
    signed: bool | None = Field(
        description="Whether manifest.sig is present (not verified here: run `deid verify`); null for a draft."
    )
    draft: bool = Field(description="True when rendered inside a run, before the manifest was signed.")


class VerdictSection(_Strict):
    """The gate's decision, first thing in every report."""

    decision: Literal["approved", "rejected"] = Field(description="approved: signed; rejected: quarantined.")
    reasons: list[str] = Field(description="The gate's reasons, as the manifest records them.")
    headline: str = Field(description="The verdict in one sentence.")


class PolicySection(_Strict):
    """The policy the release was made under."""

    name: str = Field(description="Policy name.")
    version: str = Field(description="Policy version.")
    profile: str = Field(description="Regulatory frame (e.g. safe_harbor).")
    sha256: str = Field(description="sha256 of the policy file.")


class StepRow(_Strict):
    """One audited step of the run (a line of audit.jsonl)."""

    seq: int = Field(description="Position in the audit log, from 0.")
    step: str = Field(description="Step name.")
    outcome: str = Field(description="ok, failed, skipped, approved or rejected.")
    counts: dict[str, int] = Field(description="What the step counted.")
    reasons: list[str] = Field(description="Why the step ended as it did.")


class PipelineSection(_Strict):
    """The pipeline file run and the steps it took."""

    name: str = Field(description="Pipeline name.")
    version: str = Field(description="Pipeline version.")
    sha256: str = Field(description="sha256 of the pipeline file.")
    steps: list[StepRow] = Field(description="The audited steps, in order (empty when the log is unavailable).")


class AllowedUseSection(_Strict):
    """What the release may be used for."""

    purposes: list[str] = Field(description="Allowed purposes.")
    consumers: list[str] = Field(description="Who the release is for.")
    expires: date = Field(description="Last day the release may be opened.")


class TableRow(_Strict):
    """One table: what was read and what was released."""

    table: str = Field(description="Table name.")
    input_format: str | None = Field(description="Input file format, or null when the table had no input.")
    input_files: int | None = Field(description="Input files read, or null.")
    input_rows: int | None = Field(description="Rows read, or null.")
    excluded_rows: int | None = Field(description="Rows removed by the exclusion list, or null without one.")
    output_rows: int | None = Field(description="Rows released, or null when the table was not released.")
    output_columns: int | None = Field(description="Columns released, or null.")
    output_parts: int | None = Field(description="Parquet parts, or null.")


class ExclusionSection(_Strict):
    """People removed because they declined research use (counted, never listed)."""

    persons_listed: int = Field(description="Person keys on the exclusion list.")
    rows_removed: int = Field(description="Rows removed over all tables.")
    sentence: str = Field(description="The same in words.")


class PhiSection(_Strict):
    """PHI found and treated, by table and category."""

    by_table: dict[str, dict[str, int]] = Field(description="Table -> category -> count.")
    by_category: dict[str, int] = Field(description="Category -> count over all tables, largest first.")
    total: int = Field(description="All PHI found and treated.")
    sentence: str = Field(description="The same in words.")


class CheckRow(_Strict):
    """One check run on the output (a validation record of the manifest)."""

    name: str = Field(description="What was checked.")
    table: str | None = Field(description="Table checked, or null for the whole release.")
    column: str | None = Field(description="Column checked, or null.")
    passed: bool = Field(description="Whether the check held.")
    figures: Figures = Field(description="Counts of the check.")
    detail: str = Field(description="The check's own sentence.")


class CheckGroup(_Strict):
    """A group of checks with a one-sentence summary."""

    checks: list[CheckRow] = Field(description="The checks, in manifest order.")
    passed: int = Field(description="Checks that held.")
    failed: int = Field(description="Checks that did not hold.")
    sentence: str = Field(description="Summary in words.")


class CanarySection(_Strict):
    """Planted canary records and whether any survived."""

    planted: int = Field(description="Canary values planted.")
    surviving: int = Field(description="Canary values found in the output.")
    removed_rows: int = Field(description="Canary rows removed from the output.")
    passed: bool = Field(description="True when no canary value survived.")
    sentence: str = Field(description="The same in words.")


class DriverRow(_Strict):
    """How much one quasi-identifier drives the risk."""

    column: str = Field(description="Quasi-identifier.")
    k_without: int = Field(description="Smallest group without it.")
    uniques_without: float = Field(description="Share of people alone in their group without it.")
    avg_risk_without: float = Field(description="Average prosecutor risk without it.")
    k_coarser: int | None = Field(description="Smallest group with it one level coarser, or null.")
    uniques_coarser: float | None = Field(description="Share alone with it one level coarser, or null.")
    sentence: str = Field(description="The effect in words.")


class LevelRow(_Strict):
    """The generalization chosen for one quasi-identifier and what it cost."""

    column: str = Field(description="Quasi-identifier.")
    level: int = Field(description="Level of its hierarchy (0 = as recorded).")
    searched: bool = Field(description="Whether the search chose it (else the policy fixed it).")
    loss: float | None = Field(description="ARX's Loss of this column (0 to 1), or null.")
    reason: str | None = Field(description="The anonymization's reason for this column, or null.")


class RiskSection(_Strict):
    """Re-identification risk of one released table."""

    table: str = Field(description="Table name.")
    figures: TableRisk | None = Field(description="The typed figures, or null when not in a known format.")
    statements: list[Statement] = Field(description="Every figure with its sentence, headline first.")
    drivers: list[DriverRow] = Field(description="Quasi-identifiers by how much they drive the risk.")
    levels: list[LevelRow] = Field(description="Generalization levels chosen (empty without anonymization).")
    other_figures: Figures = Field(description="Figures of the manifest this deid does not explain, as stored.")


class ReportModel(_Strict):
    """The privacy officer's report of one release."""

    schema_version: int = Field(description="The manifest's schema version.")
    report_format: Literal["deid.report.v1"] = Field(description="Version of this report's format.")
    rendered_by: str = Field(description="deid version that built the report.")
    release: ReleaseSection = Field(description="Release id, run, time and state.")
    verdict: VerdictSection = Field(description="The gate's decision and reasons.")
    policy: PolicySection = Field(description="Policy name, version, profile and hash.")
    pipeline: PipelineSection = Field(description="Pipeline and the audited steps.")
    allowed_use: AllowedUseSection = Field(description="Purposes, consumers, expiry.")
    tables: list[TableRow] = Field(description="Inputs and outputs with row counts.")
    exclusions: ExclusionSection | None = Field(description="Exclusion counts, or null without a list.")
    phi: PhiSection = Field(description="PHI found by category and table.")
    residual_scan: CheckGroup = Field(description="The residual PHI scan's checks.")
    canaries: CanarySection | None = Field(description="Canary result, or null when canaries were off.")
    validation: CheckGroup = Field(description="Every other output check.")
    risk: list[RiskSection] = Field(description="Risk per released table.")
