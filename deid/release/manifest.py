"""The release manifest: what a release holds, where it came from, and the gate's verdict.

``manifest.json`` is the document the signature covers. It names every file of the release with its
sha256 (data parts, the audit log, attached reports), so a valid signature over the manifest vouches for
every byte of the release. The sections that other parts of a run fill (PHI counts, risk figures,
validation results, canaries, exclusions) are typed but generic, so a new figure needs no schema change.

No field ever holds a value from the input data: only names, counts, hashes and figures.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import PurePosixPath
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from deid.categories import Category

MANIFEST_SCHEMA_VERSION = 1
MANIFEST_FILE = "manifest.json"
SIGNATURE_FILE = "manifest.sig"
AUDIT_FILE = "audit.jsonl"
DATA_DIR = "data"

_HEX64 = r"^[0-9a-f]{64}$"
_NAME = r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$"

#: Figures of one table or one check: name -> number, flag or short label (never a data value).
Figures = dict[str, float | int | bool | str | None]


def relative_posix(value: str) -> str:
    """A path inside the release: relative, forward slashes, no ``..``, no empty parts."""
    path = PurePosixPath(value)
    if (
        not value
        or path.is_absolute()
        or "\\" in value
        or any(part in {"", ".", ".."} for part in value.split("/"))
    ):
        raise ValueError("a release path must be relative, use '/', and contain no '.' or '..' parts")
    return value


ReleasePath = Annotated[str, AfterValidator(relative_posix)]
Sha256 = Annotated[str, Field(pattern=_HEX64)]


class ReleaseModel(BaseModel):
    """Base of every manifest model: unknown keys are errors and instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class AllowedUse(ReleaseModel):
    """What the release may be used for, by whom, until when. Signed with the manifest."""

    purposes: list[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")]] = Field(
        min_length=1,
        description="Purposes the data may serve, as short lowercase names (e.g. model-training); a "
        "consumer must state one of them to open the release.",
    )
    consumers: list[Annotated[str, Field(min_length=1)]] = Field(
        min_length=1, description="Teams or people the release is for (informative; shown to reviewers)."
    )
    expires: date = Field(description="Last day (inclusive) on which the release may be opened.")

    def check(self, purpose: str, today: date) -> list[str]:
        """Failures of the allowed-use check for ``purpose`` on ``today`` (empty when allowed)."""
        failures = []
        if purpose not in self.purposes:
            failures.append(
                f"allowed use: purpose '{purpose}' is not allowed (allowed: {', '.join(self.purposes)})"
            )
        if today > self.expires:
            failures.append(f"allowed use: the release expired on {self.expires.isoformat()}")
        return failures


class ToolInfo(ReleaseModel):
    """The program that wrote the release."""

    name: Literal["deid"] = Field(description="Always 'deid'.")
    version: str = Field(min_length=1, description="deid version that wrote the release.")


class PolicyRef(ReleaseModel):
    """The policy the release was made under."""

    name: str = Field(min_length=1, description="Policy name.")
    version: str = Field(min_length=1, description="Policy version.")
    profile: str = Field(min_length=1, description="Regulatory frame of the policy (e.g. safe_harbor).")
    sha256: Sha256 = Field(description="sha256 of the policy file's bytes.")


class PipelineRef(ReleaseModel):
    """The pipeline file that described the run."""

    name: str = Field(min_length=1, description="Pipeline name.")
    version: str = Field(min_length=1, description="Pipeline version.")
    sha256: Sha256 = Field(description="sha256 of the pipeline file's bytes.")


class InputRecord(ReleaseModel):
    """One input table as it was read (identified by content hash, never by content)."""

    format: Literal["parquet", "csv", "jsonl"] = Field(description="File format of the input.")
    files: int = Field(ge=1, description="Number of input files read.")
    fingerprint: Sha256 = Field(description="sha256 over the input files' names and sha256s, in name order.")
    rows: int = Field(ge=0, description="Rows read from the input.")


class FileRecord(ReleaseModel):
    """One file of the release and its hash."""

    path: ReleasePath = Field(description="Path inside the release folder, '/'-separated.")
    sha256: Sha256 = Field(description="sha256 of the file's bytes.")
    bytes: int = Field(ge=0, description="Size of the file in bytes.")


class PartFile(FileRecord):
    """One Parquet part of an output table."""

    rows: int = Field(ge=0, description="Rows in this part.")


class ColumnType(ReleaseModel):
    """One column of an output table."""

    name: str = Field(description="Column name.")
    type: str = Field(description="Arrow type of the column, as Arrow prints it (e.g. string, int64).")


class OutputTable(ReleaseModel):
    """One released table: its schema, row count and Parquet parts."""

    rows: int = Field(ge=0, description="Rows in the table (sum over its parts).")
    columns: list[ColumnType] = Field(description="The table's schema, in column order.")
    files: list[PartFile] = Field(min_length=1, description="Parquet parts, in order.")

    @model_validator(mode="after")
    def _rows_add_up(self) -> OutputTable:
        if sum(f.rows for f in self.files) != self.rows:
            raise ValueError("rows must equal the sum of the parts' rows")
        return self


class AuditRecord(FileRecord):
    """The audit log: its hash, length and the hash of its last line (the head of the chain)."""

    entries: int = Field(ge=1, description="Number of lines (steps) in the audit log.")
    last_hash: Sha256 = Field(description="sha256 of the audit log's last line.")


class ValidationRecord(ReleaseModel):
    """The result of one expectation or check run on the output."""

    name: str = Field(min_length=1, description="What was checked (e.g. an expectation type).")
    table: str | None = Field(description="Table checked, or null for a check over the whole release.")
    column: str | None = Field(description="Column checked, or null.")
    passed: bool = Field(description="Whether the check held.")
    figures: Figures = Field(description="Counts and measures of the check (e.g. unexpected_count); no values.")
    detail: str = Field(description="One sentence for a reviewer; never quotes a data value.")


class CanaryResult(ReleaseModel):
    """Planted canary records: how many were planted, found after de-identification, and removed."""

    planted: int = Field(ge=0, description="Canary values planted in the input.")
    surviving: int = Field(ge=0, description="Canary values still found in the output before removal.")
    removed_rows: int = Field(ge=0, description="Canary rows removed from the output.")
    passed: bool = Field(description="True when no canary value survived.")


class Exclusions(ReleaseModel):
    """Persons removed because they declined research use: counted, never listed."""

    persons_listed: int = Field(ge=0, description="Person keys on the exclusion list.")
    rows_removed: dict[str, int] = Field(description="Rows removed per input table.")


class Verdict(ReleaseModel):
    """The release gate's decision and why."""

    decision: Literal["approved", "rejected"] = Field(description="approved: signed and released; "
                                                       "rejected: quarantined, unsigned.")
    reasons: list[str] = Field(description="Why: every failed check for a rejection; the checks that held "
                               "for an approval.")

    @model_validator(mode="after")
    def _rejection_says_why(self) -> Verdict:
        if self.decision == "rejected" and not self.reasons:
            raise ValueError("a rejected verdict needs at least one reason")
        return self


class Manifest(ReleaseModel):
    """``manifest.json`` of a release. The signature in ``manifest.sig`` covers its exact bytes."""

    schema_version: Literal[1] = Field(description="Version of the manifest format; currently 1.")
    release_id: str = Field(pattern=_NAME, description="Unique id of the release (also its folder name).")
    run_id: str = Field(pattern=r"^[0-9a-f]{32}$", description="Id of the run that wrote the release.")
    tool: ToolInfo = Field(description="Program and version that wrote the release.")
    created_at: datetime = Field(description="When the release was finalized (UTC).")
    demo_keys: bool = Field(description="True when made with throw-away demo keys: not for production.")
    policy: PolicyRef = Field(description="The policy applied.")
    pipeline: PipelineRef = Field(description="The pipeline file run.")
    allowed_use: AllowedUse = Field(description="Purposes, consumers and expiry date the release is for.")
    inputs: dict[str, InputRecord] = Field(description="Each input table's fingerprint and row count.")
    outputs: dict[str, OutputTable] = Field(description="Each released table: schema, rows and parts.")
    attachments: list[FileRecord] = Field(description="Other files of the release (e.g. risk reports).")
    audit: AuditRecord = Field(description="The audit log (audit.jsonl).")
    phi_counts: dict[str, dict[Category, int]] = Field(
        description="PHI found and treated, by table and category (counts only)."
    )
    risk: dict[str, Figures] = Field(description="Re-identification risk figures by table.")
    validation: list[ValidationRecord] = Field(description="Results of the output checks.")
    canaries: CanaryResult | None = Field(description="Canary result, or null when canaries were off.")
    exclusions: Exclusions | None = Field(description="Exclusion-list counts, or null when there was no list.")
    verdict: Verdict = Field(description="The release gate's decision with its reasons.")

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None or value.utcoffset() != UTC.utcoffset(None):
            raise ValueError("created_at must be a UTC time")
        return value

    @model_validator(mode="after")
    def _paths_unique(self) -> Manifest:
        paths = [record.path for record in self.file_records()]
        if len(paths) != len(set(paths)):
            raise ValueError("a file is listed twice")
        if self.audit.path != AUDIT_FILE:
            raise ValueError(f"the audit log must be {AUDIT_FILE}")
        if any(p in {MANIFEST_FILE, SIGNATURE_FILE} for p in paths):
            raise ValueError("the manifest and its signature are not listed files")
        for table, out in self.outputs.items():
            prefix = f"{DATA_DIR}/{table}/"
            if any(not f.path.startswith(prefix) for f in out.files):
                raise ValueError(f"outputs.{table}: parts must lie under {prefix}")
        return self

    def file_records(self) -> list[FileRecord]:
        """Every file the manifest vouches for: the audit log, the attachments, then the data parts."""
        return [self.audit, *self.attachments, *(part for out in self.outputs.values() for part in out.files)]

    def listed_files(self) -> dict[str, str]:
        """Path inside the release -> sha256, for every listed file."""
        return {record.path: record.sha256 for record in self.file_records()}

    def to_bytes(self) -> bytes:
        """The canonical bytes written to ``manifest.json`` (sorted keys, 2-space indent, final newline)."""
        return (json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True) + "\n").encode("utf-8")


def safe_name(value: str) -> bool:
    """Whether ``value`` may name a table or release (a single safe path component)."""
    return re.fullmatch(_NAME, value) is not None
