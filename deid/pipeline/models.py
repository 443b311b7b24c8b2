"""Pydantic models of a pipeline file (``pipelines/*.yaml``): what to read, under which policy, where to.

A pipeline names the data; the policy says what happens to it. Paths in a pipeline are relative: the
policy to the pipeline file, the inputs, the exclusion list and the output to ``data_root`` (which is
itself relative to the pipeline file, and which ``deid run --data-root`` can point elsewhere, as the
demo does). Unknown keys are errors, every field is described, and nothing has a hidden default.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from deid.policy.models import FileBackedModel, StrictModel
from deid.release.manifest import AllowedUse

PIPELINE_SCHEMA_VERSION = 1
TableName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")]
InputFormat = Literal["parquet", "csv", "jsonl"]


class InputSpec(StrictModel):
    """One input table: a file, or a folder of files of one format."""

    path: str = Field(
        min_length=1,
        description="File, or folder of files (searched recursively, hidden files skipped), relative to "
        "data_root.",
    )
    format: InputFormat = Field(
        description="parquet, csv (UTF-8 with a header row; every column read as text, so codes keep "
        "their leading zeros) or jsonl (one JSON object per line)."
    )
    person_key: str | None = Field(
        description="Column linking each row to a person; must be the policy table's person_key. Null "
        "for a table with no person in it."
    )
    text_columns: list[str] = Field(
        description="Columns holding free text (notes); the policy must scrub or drop each of them."
    )

    @model_validator(mode="after")
    def _columns(self) -> InputSpec:
        if len(set(self.text_columns)) != len(self.text_columns):
            raise ValueError("text_columns lists a column twice")
        if self.person_key is not None and self.person_key in self.text_columns:
            raise ValueError(f"the person key {self.person_key} cannot be a text column")
        return self


class Canaries(StrictModel):
    """Canary records planted before de-identification and checked for after it."""

    enabled: bool = Field(description="Plant canaries (true) or not (false).")
    count: int = Field(ge=0, le=10_000, description="How many canary records to plant (0 when disabled).")

    @model_validator(mode="after")
    def _count(self) -> Canaries:
        if self.enabled and self.count < 1:
            raise ValueError("canaries are enabled: count must be at least 1")
        if not self.enabled and self.count != 0:
            raise ValueError("canaries are disabled: count must be 0")
        return self


class Pipeline(FileBackedModel):
    """A pipeline file."""

    schema_version: Literal[1] = Field(description="Version of the pipeline file format; currently 1.")
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Short name; prefixes the release id.")
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$", description="Version of this pipeline, e.g. 1.0.0.")
    description: str = Field(min_length=1, description="What the pipeline releases and for whom.")
    policy: str = Field(min_length=1, description="Policy file, relative to this pipeline file.")
    data_root: str = Field(
        min_length=1,
        description="Folder that inputs, exclusions and output are relative to; itself relative to this "
        "pipeline file. `deid run --data-root` overrides it.",
    )
    inputs: dict[TableName, InputSpec] = Field(
        min_length=1, description="Input tables by name; the names are the policy's table names."
    )
    output: str = Field(
        min_length=1,
        description="Output location, relative to data_root: approved releases go to OUTPUT/releases/ID, "
        "rejected ones to OUTPUT/quarantine/ID.",
    )
    engine: Literal["local"] = Field(description="Where the work runs: 'local' (one machine).")
    canaries: Canaries = Field(description="Canary records: on or off, and how many.")
    risk_population: int | None = Field(
        ge=1,
        description="Size of the population the data was drawn from, for journalist risk; overrides the "
        "policy's risk.population. Null to use the policy's.",
    )
    exclusions: str | None = Field(
        description="Text file of person keys (one per line, '#' comments) of people who declined research "
        "use, relative to data_root; their rows are removed from every table first. Null for none.",
    )
    allowed_use: AllowedUse = Field(description="Purposes, consumers and expiry date written into the "
                                    "signed manifest; consumers must state an allowed purpose.")
