"""``deid run``: execute a resolved plan, from raw records to a signed release or a quarantined one.

:func:`run_pipeline` executes the :class:`~deid.pipeline.plan.Plan` that ``deid plan`` prints. Every step
runs inside :meth:`ReleaseWriter.step <deid.release.ReleaseWriter.step>`, so ``audit.jsonl`` records it:

1. read each input and remove the people on the exclusion list (counted, never listed);
2. plant canary patients (when the pipeline enables them);
3. collect each person's own identifiers from the structured tables;
4. scrub the free-text columns with them (:mod:`deid.pipeline.steps`), counting PHI by table and category;
5. apply the policy's column transforms batch by batch (:func:`deid.tabular.transform_batch`);
6. check the canaries on the output and remove their rows (:mod:`deid.pipeline.steps_checks`);
7. anonymize where the policy says and measure risk against its thresholds (:mod:`deid.pipeline.steps_risk`);
8. scan every output cell for residual PHI patterns, and run the policy's Great Expectations suite
   (:mod:`deid.validation`);
9. write the tables, attach the risk reports (and the privacy officer's report, when ``deid.report`` is
   installed: :func:`deid.pipeline.steps_report.attach_reports` is the one hook), and finalize: approved and signed only when every
   check held, otherwise rejected into quarantine with every failed check as a reason.

The local engine holds each table in memory between steps; the steps themselves take and return Arrow
batches, so a distributed engine calls the same functions.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Literal

import pyarrow as pa

from deid.categories import Category
from deid.errors import InputError
from deid.keys import public_key_pem
from deid.pipeline.consent import load_exclusions
from deid.pipeline.plan import Plan, resolve_plan
from deid.pipeline.steps import (
    NoteScrubber,
    collect_identifiers,
    consent_batches,
    scrub_batch,
    structured_phi_counts,
    transform_batches,
)
from deid.pipeline.steps_checks import (
    PlantedCanaries,
    check_and_remove,
    drop_last,
    plant_canaries,
    residual_scan,
    scan_records,
)
from deid.pipeline.steps_report import attach_reports, manifest_risk_figures, report_available
from deid.pipeline.steps_result import RunResult, render_result
from deid.pipeline.steps_risk import TableRisk, assess_table
from deid.policy import Policy
from deid.release import ReleaseWriter
from deid.release.audit import AuditStep, Outcome
from deid.release.manifest import (
    CanaryResult,
    Exclusions,
    Figures,
    InputRecord,
    OutputTable,
    ValidationRecord,
)

RUN_SCHEMA_VERSION = 1
#: Rows per batch handed to the scrubber and the column transforms.
BATCH_ROWS = 4096
#: Where the risk reports (full figures, JSON) go inside the release.
RISK_REPORT_DIR = "reports/risk"


#: Called with each step's name as it starts (a progress display; never given data).
StepListener = Callable[[str], None]


def run_pipeline_file(
    pipeline: str | Path,
    key_dir: str | Path | None = None,
    *,
    demo_keys: bool = False,
    data_root: str | Path | None = None,
    public_key_out: str | Path | None = None,
    on_step: StepListener | None = None,
) -> RunResult:
    """Resolve the pipeline file (as ``deid plan`` does) and run it: what ``deid run`` calls."""
    plan = resolve_plan(pipeline, key_dir, demo_keys=demo_keys, data_root=data_root)
    return run_pipeline(plan, public_key_out=public_key_out, on_step=on_step)


def run_pipeline(
    plan: Plan, *, public_key_out: str | Path | None = None, on_step: StepListener | None = None
) -> RunResult:
    """Execute ``plan`` and finalize its release; returns the result whatever the verdict.

    A rejected release is in quarantine (call :meth:`RunResult.raise_if_rejected` to turn it into an
    error). A :class:`~deid.errors.DeidError` raised by a step (unreadable input, a value the policy
    cannot transform) quarantines what was written with that error as reason and propagates.
    With demo keys, their public key is written to ``public_key_out`` (default ``OUTPUT/demo-keys/<release-id>.pub``)
    so that the release can be verified.
    """
    started = time.perf_counter()
    with plan.open_writer() as writer:
        job = _Job(plan, writer, on_step or (lambda _name: None))
        job.run()
        path = job.finalize()
        public_key = _write_public_key(plan, writer.release_id, public_key_out)
        return job.result(path, public_key, time.perf_counter() - started)


#: Where a run with demo keys writes their public key (``OUTPUT/demo-keys/<release-id>.pub``) by default.
DEMO_KEYS_DIR = "demo-keys"


def _write_public_key(plan: Plan, release_id: str, target: str | Path | None) -> str | None:
    """Demo keys vanish with the run: keep their public half, so the release can be verified."""
    key = plan.key_set.public_key
    if key is None or not plan.keys.demo:
        return None
    path = Path(target) if target is not None else Path(plan.output) / DEMO_KEYS_DIR / f"{release_id}.pub"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(public_key_pem(key))
    return str(path)


class _Job:
    """The state of one run between its steps."""

    def __init__(self, plan: Plan, writer: ReleaseWriter, notify: StepListener) -> None:
        self.plan = plan
        self.policy = plan.policy_config
        self.keys = plan.key_set
        self.writer = writer
        self.notify = notify
        self.person_keys = {p.table: p.person_key for p in plan.inputs}
        self.tables: dict[str, pa.Table] = {}
        self.read_rows: dict[str, int] = {}
        self.excluded_rows: Counter[str] = Counter()
        self.excluded_persons: int | None = None
        self.canaries: PlantedCanaries | None = None
        self.phi: dict[str, Counter[Category]] = {}
        self.released: dict[str, pa.Table] = {}
        self.scrubbed_real: dict[str, pa.Table] = {}
        self.risk: dict[str, TableRisk] = {}
        self.outputs: dict[str, OutputTable] = {}
        self.failures: list[str] = []
        self.passed: list[str] = []
        self.reports: list[str] | None = None
        self.figures: dict[str, Figures] = {}

    # -------------------------------------------------------------------------------------- steps

    def step(self, name: str) -> AbstractContextManager[AuditStep]:
        """An audited step, announced to the listener."""
        self.notify(name)
        return self.writer.step(name)

    def run(self) -> None:
        """Every step before finalizing, in order."""
        self.read_inputs()
        if self.plan.canaries.enabled:
            self.plant()
        self.scrub()
        self.transform()
        if self.canaries is not None:
            self.check_canaries()
        else:
            self.scrubbed_real = dict(self.tables)
        self.assess_risk()
        self.scan()
        self.validate()
        for table, data in self.released.items():
            self.notify(f"write {table}")
            self.outputs[table] = self.writer.write_table(table, data.to_batches(max_chunksize=BATCH_ROWS),
                                                          schema=data.schema)
        self.attach_risk_reports()
        decision, reasons = self.verdict()
        self.notify("report")
        self.reports = attach_reports(self.writer, decision, reasons)
        if self.reports is None:
            with self.writer.step("report") as step:
                step.outcome = Outcome.SKIPPED
                step.reason("deid.report is not installed: no report attached")

    def read_inputs(self) -> None:
        """Read every input, removing the excluded people's rows first."""
        excluded: frozenset[str] = frozenset()
        if self.plan.exclusions is not None:
            excluded = load_exclusions(Path(self.plan.exclusions))
            self.excluded_persons = len(excluded)
        inputs: dict[str, InputRecord] = {}
        for planned in self.plan.inputs:
            with self.step(f"read {planned.table}") as step:
                batches = list(consent_batches(planned.batches(BATCH_ROWS), planned.person_key, excluded,
                                               self.excluded_rows, planned.table))
                if not batches:
                    raise InputError(f"table {planned.table}: the input holds no rows ({planned.path})")
                data = pa.Table.from_batches(batches)
                self.tables[planned.table] = data
                removed = self.excluded_rows[planned.table]
                self.read_rows[planned.table] = data.num_rows + removed
                inputs[planned.table] = InputRecord(format=planned.format, files=len(planned.files),
                                                    fingerprint=planned.fingerprint(), rows=data.num_rows + removed)
                step.count("rows_read", data.num_rows + removed)
                step.count("rows_excluded", removed)
        self.writer.facts.inputs = inputs
        if self.excluded_persons is not None:
            self.writer.facts.exclusions = Exclusions(
                persons_listed=self.excluded_persons,
                rows_removed={p.table: self.excluded_rows[p.table] for p in self.plan.inputs})

    def plant(self) -> None:
        """Append the canary patients to the inputs."""
        with self.step("plant canaries") as step:
            self.tables, self.canaries = plant_canaries(self.tables, self.plan.canaries.count, self.writer.run_id)
            for table, rows in self.canaries.rows.items():
                step.count(f"rows.{table}", rows)
            if not any(self.canaries.rows.values()):
                self.failures.append("canaries: no input table is named like a canary table "
                                     f"({', '.join(sorted(self.canaries.canaries.tables))}); none could be planted")

    def _canary_rows(self, table: str) -> int:
        return self.canaries.rows.get(table, 0) if self.canaries is not None else 0

    def scrub(self) -> None:
        """Scrub every text column with the patients' own identifiers; count PHI by table and category."""
        scrubber: NoteScrubber | None = None
        with self.step("collect patient identifiers") as step:
            identifiers = collect_identifiers(self.tables, self.policy, self.person_keys)
            step.count("persons", len(identifiers))
        for planned in self.plan.inputs:
            table, data = planned.table, self.tables[planned.table]
            canary_rows = self._canary_rows(table)
            real = drop_last(data, canary_rows)
            counts = structured_phi_counts(real, self.policy, table)
            columns = [c for c in planned.text_columns if self.policy.tables[table].columns[c].action == "scrub"]
            if columns:
                with self.step(f"scrub {table}.{','.join(columns)}") as step:
                    scrubber = scrubber or NoteScrubber(self.policy, self.keys, identifiers)
                    real_out = [scrub_batch(b, columns, planned.person_key, scrubber)
                                for b in real.to_batches(max_chunksize=BATCH_ROWS)]
                    step.count("texts", scrubber.texts)
                    text_counts = scrubber.reset()
                    canary_out = [scrub_batch(b, columns, planned.person_key, scrubber)
                                  for b in data.slice(real.num_rows).to_batches(max_chunksize=BATCH_ROWS)]
                    scrubber.reset()
                    for category, n in sorted(text_counts.items()):
                        step.count(f"phi.{category.value}", n)
                    counts += text_counts
                    schema = (real_out or canary_out)[0].schema if (real_out or canary_out) else data.schema
                    self.tables[table] = pa.Table.from_batches([*real_out, *canary_out], schema=schema)
            self.phi[table] = counts
        self.writer.facts.phi_counts = {t: dict(sorted(c.items())) for t, c in self.phi.items()}

    def transform(self) -> None:
        """Apply the policy's column rules to every table, batch by batch."""
        for table, data in self.tables.items():
            with self.step(f"transform {table}") as step:
                batches = list(transform_batches(data.to_batches(max_chunksize=BATCH_ROWS), self.policy, table,
                                                 self.keys))
                self.released[table] = pa.Table.from_batches(batches) if batches else pa.table({})
                step.count("rows", self.released[table].num_rows)
                step.count("columns", self.released[table].num_columns)

    def check_canaries(self) -> None:
        """Search the output for canary values, then remove the canary rows."""
        assert self.canaries is not None
        with self.step("check canaries") as step:
            self.released, report = check_and_remove(self.released, self.canaries)
            self.scrubbed_real = {t: drop_last(d, self._canary_rows(t)) for t, d in self.tables.items()}
            step.count("planted", report.planted)
            step.count("surviving", report.surviving)
            step.count("removed_rows", report.removed_rows)
            self.writer.facts.canaries = CanaryResult(planted=report.planted, surviving=report.surviving,
                                                      removed_rows=report.removed_rows, passed=report.passed)
            if report.passed:
                self.passed.append(f"canaries: none of {report.planted} canary values survived")
            else:
                where = sorted({f"{s.table}.{s.column} ({s.label})" for s in report.survivors})
                self.failures.append(f"canaries: {report.surviving} canary value(s) survived de-identification in "
                                     f"{', '.join(where)}")
                step.reason(self.failures[-1])

    def assess_risk(self) -> None:
        """Anonymize where the policy says, then measure each table against the thresholds."""
        figures: dict[str, Figures] = {}
        for table in list(self.released):
            if not self.policy.quasi_identifiers(table):
                continue
            with self.step(f"risk {table}") as step:
                result = assess_table(table, self.scrubbed_real[table], self.released[table], self.policy,
                                      self.keys, self.plan.risk.population)
                self.risk[table] = result
                self.released[table] = result.released
                self.figures[table] = result.figures(self.policy)
                figures[table] = manifest_risk_figures(result, self.policy)
                if result.report is not None:
                    step.count("k", result.report.k)
                    step.count("suppressed", result.report.suppressed)
                for reason in result.failures:
                    step.reason(reason)
                self.failures += result.failures
                self.passed += result.passed
        self.writer.facts.risk = figures

    def scan(self) -> None:
        """Residual PHI patterns in every output cell; identifier-like columns."""
        with self.step("residual scan") as step:
            report = residual_scan(self.released, self.plan.policy_path)
            records = scan_records(report, list(self.released))
            step.count("cells", report.cells_scanned)
            step.count("findings", report.cell_findings_total)
            self._record(records, "residual scan")

    def validate(self) -> None:
        """The policy's Great Expectations suite on every output table."""
        expected = {t: self.read_rows[t] - self.excluded_rows[t] for t in self.released}
        with self.step("validate") as step:
            records = _validate(self.released, self.policy, expected)
            step.count("expectations", len(records))
            step.count("failed", sum(not r.passed for r in records))
            self._record(records, "validation")

    def _record(self, records: list[ValidationRecord], what: str) -> None:
        self.writer.facts.validation = [*self.writer.facts.validation, *records]
        failed = [r for r in records if not r.passed]
        for record in failed:
            where = ".".join(p for p in (record.table, record.column) if p)
            self.failures.append(f"{what}: {where}: {record.name} failed: {record.detail} {_counts(record.figures)}"
                                 .rstrip())
        if not failed:
            self.passed.append(f"{what}: all {len(records)} checks held")

    def attach_risk_reports(self) -> None:
        """The full risk and anonymization reports of each table, as JSON files of the release."""
        for table, result in self.risk.items():
            if result.report is None:
                continue
            document = {"schema_version": 1, "table": table,
                        "risk": result.report.model_dump(mode="json"),
                        "anonymization": result.anonymization.model_dump(mode="json") if result.anonymization else None}
            data = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")
            self.writer.attach(f"{RISK_REPORT_DIR}/{table}.json", data)

    # ------------------------------------------------------------------------------------ finalize

    def verdict(self) -> tuple[Literal["approved", "rejected"], list[str]]:
        """Approved only when no check failed."""
        if self.failures:
            return "rejected", list(self.failures)
        return "approved", list(self.passed)

    def finalize(self) -> Path:
        """Approve and sign, or reject into quarantine."""
        decision, reasons = self.verdict()
        self.notify("gate")
        signer = self.keys.signing_key if decision == "approved" else None
        return self.writer.finalize(decision, reasons, signer)

    def result(self, path: Path, public_key: str | None, seconds: float) -> RunResult:
        """The summary of the finished run."""
        manifest = self.writer.manifest
        assert manifest is not None
        return RunResult(
            schema_version=RUN_SCHEMA_VERSION, release_id=manifest.release_id, path=str(path),
            decision=manifest.verdict.decision, reasons=manifest.verdict.reasons, demo_keys=manifest.demo_keys,
            inputs=dict(self.read_rows), outputs={t: o.rows for t, o in manifest.outputs.items()},
            excluded_persons=self.excluded_persons,
            excluded_rows={t: self.excluded_rows[t] for t in self.read_rows},
            phi_counts={t: {c.value: n for c, n in counts.items()} for t, counts in manifest.phi_counts.items()},
            risk=dict(self.figures),
            validation={"passed": sum(r.passed for r in manifest.validation),
                        "failed": sum(not r.passed for r in manifest.validation)},
            canaries=manifest.canaries, reports=[a.path for a in manifest.attachments], public_key=public_key,
            seconds=round(seconds, 3),
        )


def _counts(figures: Figures) -> str:
    shown = {k: v for k, v in figures.items() if k in {"unexpected_count", "observed_value", "cell_findings",
                                                      "identifying_columns"}}
    return f"({', '.join(f'{k} {v:g}' if isinstance(v, float) else f'{k} {v}' for k, v in shown.items())})" if shown else ""


def _validate(outputs: Mapping[str, pa.Table], policy: Policy, expected: Mapping[str, int]) -> list[ValidationRecord]:
    from deid.validation import validate_outputs

    return validate_outputs(outputs, policy, expected)


__all__ = ["BATCH_ROWS", "RUN_SCHEMA_VERSION", "RunResult", "StepListener", "attach_reports", "manifest_risk_figures",
           "render_result", "report_available", "run_pipeline", "run_pipeline_file"]
