"""Plan, then execute: resolve a pipeline file into a checked, printable plan without touching data.

:func:`resolve_plan` loads the pipeline and its policy, finds every input file, reads only their schemas,
and checks that each input's columns are exactly the policy table's, that person keys and text columns
agree, that the exclusion list exists, that the allowed use has not expired, and that the keys are there.
Every problem is reported at once as ``FILE: [key.path] message``. The run executes the returned
:class:`Plan`; it carries the loaded policy and keys (never printed) next to what it prints.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import pyarrow as pa
from pydantic import Field, PrivateAttr

from deid.errors import InputError, PipelineError
from deid.keys import KeySet, load_keys
from deid.pipeline.inputs import DEFAULT_BATCH_ROWS, fingerprint, input_columns, input_files, iter_batches
from deid.pipeline.loader import load_pipeline
from deid.pipeline.models import Canaries, InputFormat, InputSpec, Pipeline
from deid.policy import Policy, load_policy
from deid.policy.models import StrictModel
from deid.release.manifest import AllowedUse, PipelineRef, PolicyRef
from deid.release.writer import DEFAULT_ROWS_PER_PART, QUARANTINE_DIR, RELEASES_DIR, ReleaseWriter

PLAN_SCHEMA_VERSION = 1
_SCRUB_OR_DROP = {"scrub", "drop"}


class PlannedFile(StrictModel):
    """One input file (its size; its content is not read by a plan)."""

    path: str = Field(description="Absolute path of the file.")
    bytes: int = Field(ge=0, description="Size in bytes.")


class PlannedColumn(StrictModel):
    """One column of an input table and what the policy does with it."""

    name: str = Field(description="Column name.")
    role: str = Field(description="Role in the policy (direct, quasi, sensitive, insensitive, person_key).")
    action: str = Field(description="Action in the policy (drop, keep, pseudonym, scrub...).")


class PlannedInput(StrictModel):
    """One input table, resolved."""

    table: str = Field(description="Table name (the policy's).")
    format: InputFormat = Field(description="File format.")
    path: str = Field(description="The input file or folder, resolved.")
    files: list[PlannedFile] = Field(description="The files that make the table.")
    person_key: str | None = Field(description="Person key column, or null.")
    text_columns: list[str] = Field(description="Free-text columns (scrubbed by the note scrubber).")
    columns: list[PlannedColumn] = Field(description="Every column with its role and action, policy order.")

    def batches(self, batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        """The input's rows as Arrow batches, columns in policy order (this is where a run reads data)."""
        return iter_batches([Path(f.path) for f in self.files], self.format, [c.name for c in self.columns],
                            batch_rows)

    def fingerprint(self) -> str:
        """sha256 over the input files' names (relative to the input path) and contents."""
        return fingerprint([Path(f.path) for f in self.files], Path(self.path))


class PlannedKeys(StrictModel):
    """Where the run's keys come from (never the keys themselves)."""

    source: str = Field(description="Key folder, environment, or demo.")
    demo: bool = Field(description="True for throw-away demo keys: the release says it is not for production.")
    signing: bool = Field(description="Whether a signing key is present (an approved release needs one).")


class PlannedRisk(StrictModel):
    """The thresholds the release must meet and the population used for journalist risk."""

    k: int = Field(description="Smallest equivalence class allowed.")
    max_prosecutor_risk: float | None = Field(description="Highest record risk allowed, or null.")
    avg_prosecutor_risk: float | None = Field(description="Highest average risk allowed, or null.")
    suppression_limit: float = Field(description="Largest share of records anonymization may suppress.")
    anonymize: bool = Field(description="Whether anonymization searches generalizations to meet them.")
    population: int | None = Field(description="Population size for journalist risk, or null.")
    population_from: Literal["pipeline", "policy", "none"] = Field(description="Where population comes from.")


class Plan(StrictModel):
    """A resolved pipeline: everything a run will do, checked, printable, with no data read."""

    schema_version: Literal[1] = Field(description="Version of the plan format; currently 1.")
    pipeline: PipelineRef = Field(description="The pipeline file (name, version, sha256).")
    pipeline_path: str = Field(description="Where the pipeline file is.")
    policy: PolicyRef = Field(description="The policy file (name, version, profile, sha256).")
    policy_path: str = Field(description="Where the policy file is.")
    engine: Literal["local"] = Field(description="Where the work runs.")
    data_root: str = Field(description="The folder inputs, exclusions and output are relative to.")
    inputs: list[PlannedInput] = Field(description="Every input table, in pipeline order.")
    exclusions: str | None = Field(description="The exclusion list file, or null.")
    canaries: Canaries = Field(description="Canaries on or off, and how many.")
    risk: PlannedRisk = Field(description="Thresholds and population.")
    allowed_use: AllowedUse = Field(description="What the release may be used for, by whom, until when.")
    output: str = Field(description="Output location.")
    releases_dir: str = Field(description="Where an approved release will appear.")
    quarantine_dir: str = Field(description="Where a rejected release will appear.")
    keys: PlannedKeys = Field(description="Where the keys come from.")
    checks: list[str] = Field(description="What resolving the plan checked.")

    _pipeline: Pipeline = PrivateAttr()
    _policy: Policy = PrivateAttr()
    _keys: KeySet = PrivateAttr()

    @property
    def pipeline_config(self) -> Pipeline:
        """The loaded pipeline file."""
        return self._pipeline

    @property
    def policy_config(self) -> Policy:
        """The loaded policy."""
        return self._policy

    @property
    def key_set(self) -> KeySet:
        """The run's keys (never printed or written)."""
        return self._keys

    def input(self, table: str) -> PlannedInput:
        """The planned input of ``table``."""
        for planned in self.inputs:
            if planned.table == table:
                return planned
        raise KeyError(table)

    def open_writer(self, rows_per_part: int = DEFAULT_ROWS_PER_PART) -> ReleaseWriter:
        """Start this plan's release in its output location (see :class:`ReleaseWriter`)."""
        return ReleaseWriter.open(
            self.output, name=self.pipeline.name, policy=self.policy, pipeline=self.pipeline,
            allowed_use=self.allowed_use, demo_keys=self.keys.demo, rows_per_part=rows_per_part,
        )

    def render(self) -> str:
        """The plan as a reviewer reads it (no data values; key material is never shown)."""
        from deid.pipeline.render import render_plan

        return render_plan(self)


def resolve_plan(
    pipeline_path: str | Path,
    key_dir: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    *,
    demo_keys: bool = False,
    data_root: str | Path | None = None,
    today: date | None = None,
) -> Plan:
    """Resolve and check the pipeline at ``pipeline_path`` into a :class:`Plan`; no data is read.

    ``data_root`` replaces the pipeline's own; ``demo_keys`` uses throw-away keys instead of
    :func:`deid.keys.load_keys` (``key_dir`` / ``env``). Raises :class:`PipelineError` listing every
    problem, :class:`~deid.errors.PolicyError` for an invalid policy and
    :class:`~deid.errors.KeyMaterialError` for missing keys.
    """
    label = str(pipeline_path)
    pipeline = load_pipeline(pipeline_path)
    today = today if today is not None else datetime.now(UTC).date()
    problems: list[str] = []
    policy_file = pipeline.resolve(pipeline.policy)
    if not policy_file.is_file():
        raise PipelineError(f"{label}: [policy] policy file not found: {policy_file}")
    policy = load_policy(policy_file)
    assert policy.sha256 is not None and pipeline.sha256 is not None
    root = Path(data_root).resolve() if data_root is not None else pipeline.resolve(pipeline.data_root)
    if not root.is_dir():
        problems.append(f"{label}: [data_root] folder not found: {root}")

    for table in pipeline.inputs:
        if table not in policy.tables:
            problems.append(f"{label}: [inputs.{table}] table {table} is not in policy {policy.name} "
                            f"(its tables: {', '.join(policy.tables) or 'none'})")
    for table in policy.tables:
        if table not in pipeline.inputs:
            problems.append(f"{label}: [inputs] policy {policy.name} has table {table}, but the pipeline "
                            "gives no input for it")
    planned = [
        _plan_input(label, policy, table, given, root, problems)
        for table, given in pipeline.inputs.items() if table in policy.tables
    ]

    exclusions = None
    if pipeline.exclusions is not None:
        exclusions_path = root / pipeline.exclusions
        if not exclusions_path.is_file():
            problems.append(f"{label}: [exclusions] exclusion list not found: {exclusions_path}")
        exclusions = str(exclusions_path)
    output = root / pipeline.output
    if not _creatable_dir(output):
        problems.append(f"{label}: [output] {output} is not a folder that can be created and written")
    if pipeline.allowed_use.expires < today:
        problems.append(f"{label}: [allowed_use.expires] expired on {pipeline.allowed_use.expires.isoformat()}; "
                        "a release made now could never be opened")
    if problems:
        raise PipelineError(problems[0] if len(problems) == 1 else f"{label}: {len(problems)} problems",
                            problems)

    keys = KeySet.demo_keys() if demo_keys else load_keys(key_dir, env, need_signing=True)
    plan = Plan(
        schema_version=PLAN_SCHEMA_VERSION,
        pipeline=PipelineRef(name=pipeline.name, version=pipeline.version, sha256=pipeline.sha256),
        pipeline_path=str(pipeline.source),
        policy=PolicyRef(name=policy.name, version=policy.version, profile=policy.profile.value,
                         sha256=policy.sha256),
        policy_path=str(policy_file),
        engine=pipeline.engine,
        data_root=str(root),
        inputs=planned,
        exclusions=exclusions,
        canaries=pipeline.canaries,
        risk=_planned_risk(pipeline, policy),
        allowed_use=pipeline.allowed_use,
        output=str(output),
        releases_dir=str(output / RELEASES_DIR),
        quarantine_dir=str(output / QUARANTINE_DIR),
        keys=_planned_keys(keys, key_dir, env, demo_keys),
        checks=[
            "pipeline and policy files valid",
            "every input file found; its columns are exactly the policy table's",
            "person keys and text columns agree with the policy",
            f"allowed use valid until {pipeline.allowed_use.expires.isoformat()}",
            "pseudonymization and signing keys present",
        ],
    )
    plan._pipeline = pipeline
    plan._policy = policy
    plan._keys = keys
    return plan


def _plan_input(
    label: str, policy: Policy, table: str, given: InputSpec, root: Path, problems: list[str]
) -> PlannedInput:
    """Resolve one input and append every mismatch with the policy to ``problems``."""
    spec = policy.tables[table]
    where = f"{label}: [inputs.{table}]"
    path = root / given.path
    files: list[Path] = []
    try:
        files = input_files(path, given.format)
    except InputError as exc:
        problems.append(f"{where} {exc}")
    for file in files:
        try:
            columns = input_columns(file, given.format)
        except InputError as exc:
            problems.append(f"{where} {exc}")
            continue
        problems += _column_problems(where, policy.name, table, file, columns, list(spec.columns), given.format)
    if given.person_key != spec.person_key:
        problems.append(f"{where} person_key is {given.person_key}, but policy {policy.name} says table "
                        f"{table} has person_key {spec.person_key}")
    for column in given.text_columns:
        rule = spec.columns.get(column)
        if rule is None:
            problems.append(f"{where} text column {column} is not a column of policy table {table}")
        elif rule.action not in _SCRUB_OR_DROP:
            problems.append(f"{where} text column {column} has action {rule.action} in the policy; free text "
                            "must be scrubbed or dropped")
    scrubbed = {n for n, rule in spec.columns.items() if rule.action == "scrub"}
    for column in sorted(scrubbed - set(given.text_columns)):
        problems.append(f"{where} policy scrubs column {column} of table {table}; list it in text_columns")
    return PlannedInput(
        table=table,
        format=given.format,
        path=str(path),
        files=[PlannedFile(path=str(f), bytes=f.stat().st_size) for f in files],
        person_key=given.person_key,
        text_columns=list(given.text_columns),
        columns=[PlannedColumn(name=n, role=r.role.value, action=r.action) for n, r in spec.columns.items()],
    )


def _column_problems(
    where: str, policy: str, table: str, file: Path, columns: list[str], expected: list[str], fmt: str
) -> list[str]:
    """Mismatches between one file's columns and the policy table's, naming table and column.

    A CSV file whose columns are mostly unknown probably lacks a header row, so its "column names" may
    be the first record's values: those are counted, not printed.
    """
    problems = []
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    unknown = [c for c in columns if c not in expected]
    missing = [c for c in expected if c not in columns]
    if fmt == "csv" and columns and len(unknown) * 2 > len(columns):
        problems.append(f"{where} {file}: {len(unknown)} of {len(columns)} header names are not columns of "
                        f"policy table {table} (names withheld: the file may lack a header row, and its first "
                        "line may hold data)")
        unknown = []
        duplicates = []
    for column in duplicates:
        problems.append(f"{where} {file}: column {column} appears more than once")
    for column in unknown:
        problems.append(f"{where} {file}: column {column} is not in policy {policy} table {table}; give it a "
                        "role and action in the policy, or remove it from the input")
    for column in missing:
        problems.append(f"{where} {file}: policy {policy} table {table} has column {column}, which the input "
                        "lacks")
    return problems


def _creatable_dir(path: Path) -> bool:
    """Whether ``path`` is a writable folder, or could be created as one."""
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    return probe.is_dir() and os.access(probe, os.W_OK | os.X_OK)


def _planned_risk(pipeline: Pipeline, policy: Policy) -> PlannedRisk:
    risk = policy.risk
    if pipeline.risk_population is not None:
        population, source = pipeline.risk_population, "pipeline"
    elif risk.population is not None:
        population, source = risk.population, "policy"
    else:
        population, source = None, "none"
    return PlannedRisk(
        k=risk.k, max_prosecutor_risk=risk.max_prosecutor_risk, avg_prosecutor_risk=risk.avg_prosecutor_risk,
        suppression_limit=risk.suppression_limit, anonymize=risk.anonymize, population=population,
        population_from=source,
    )


def _planned_keys(
    keys: KeySet, key_dir: str | Path | None, env: Mapping[str, str] | None, demo: bool
) -> PlannedKeys:
    env = os.environ if env is None else env
    if demo:
        source = "demo keys made in memory for this run"
    elif key_dir is not None:
        source = f"key folder {Path(key_dir).resolve()}"
    elif env.get("DEID_KEY_DIR"):
        source = f"key folder {Path(env['DEID_KEY_DIR']).resolve()} (DEID_KEY_DIR)"
    else:
        source = "environment (DEID_PSEUDONYM_KEY[_FILE], DEID_SIGNING_KEY_FILE)"
    return PlannedKeys(source=source, demo=keys.demo, signing=keys.signing_key is not None)
