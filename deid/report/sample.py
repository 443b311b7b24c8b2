"""A sample release of the synthetic hospital, made with the library's own steps, for the report's demo and tests.

Until ``deid demo`` writes a release (issue 6), this is what ``reports/demo`` shows, and the report tests
use it as a realistic release: the synthetic hospital (:mod:`deid.corpus`) with a few people on an
exclusion list and canary patients planted, the structured tables transformed under a variant of the Safe
Harbor policy, the patients table anonymized (age bands, ZIP and state prefixes chosen by the lattice
search, k = 5) with a diagnosis as sensitive attribute, the notes scrubbed, a residual pattern scan over
the output, a few output checks, the gate, and the report attached before signing.

``raw_notes=True`` releases the notes *unscrubbed* (and skips spaCy): a deliberately unsafe release whose
data holds every planted value, used to test that the report never reads data. Never use it otherwise.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow as pa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from deid.categories import Category
from deid.corpus.canaries import add_canaries, check_canaries, make_canaries, remove_canaries
from deid.corpus.generate import SyntheticCorpus, build_corpus
from deid.keys import KeySet
from deid.policy import load_policy
from deid.policy.models import DropColumn, GeneralizeColumn, Interval, KeepColumn, Policy, RiskPolicy, Role
from deid.pseudonym import pseudonym
from deid.release import (
    AllowedUse,
    CanaryResult,
    Exclusions,
    InputRecord,
    PipelineRef,
    PolicyRef,
    ReleaseWriter,
    ValidationRecord,
)
from deid.report.draft import attach_reports
from deid.report.figures import class_size_histogram, risk_figures

SAFE_HARBOR = Path(__file__).resolve().parents[2] / "policies" / "safe-harbor.yaml"
SAMPLE_NAME = "report-sample"
POPULATION = 1_000_000
#: Direct-identifier columns of the structured tables and the PHI category of their values.
_DIRECT = {
    "patients": {"name": Category.NAME, "ssn": Category.SSN, "mrn": Category.MRN, "address": Category.ADDRESS,
                 "city": Category.LOCATION, "phone": Category.PHONE, "email": Category.EMAIL,
                 "insurance_id": Category.HEALTH_PLAN, "dob": Category.DATE},
    "encounters": {"attending": Category.NAME, "admit_date": Category.DATE, "discharge_date": Category.DATE},
    "labs": {"taken_at": Category.DATE},
}


@dataclass(frozen=True)
class SampleRelease:
    """Where the sample release went and what it was made from (the corpus holds the planted values)."""

    path: Path
    public_key: Ed25519PrivateKey
    corpus: SyntheticCorpus


def _bands(width: int) -> list[Interval]:
    bands = [Interval(low=low, high=low + width, label=f"{low}-{low + width - 1}") for low in range(0, 90, width)]
    return [*bands, Interval(low=90, high=200, label="90+")]


def sample_policy() -> Policy:
    """Safe Harbor's tables with the patients table set up for the lattice search and a sensitive diagnosis."""
    policy = load_policy(SAFE_HARBOR)
    columns = dict(policy.tables["patients"].columns)
    columns["dob"] = DropColumn(role=Role.QUASI, action="drop", reason="the age column carries the birth year")
    columns["age"] = GeneralizeColumn(
        role=Role.QUASI, action="generalize", hierarchy=None, intervals=[_bands(5), _bands(10), _bands(30)],
        prefixes=None, level="search", reason="age bands chosen by the search; 90+ at every level (Safe Harbor C)")
    columns["state"] = GeneralizeColumn(
        role=Role.QUASI, action="generalize", hierarchy=None, intervals=None, prefixes=[1], level="search",
        reason="state or its first letter, as the search chooses")
    columns["zip"] = GeneralizeColumn(
        role=Role.QUASI, action="generalize", hierarchy=None, intervals=None, prefixes=[3, 2, 1], level="search",
        reason="ZIP prefixes of 3, 2 or 1 digits, as the search chooses")
    columns["diagnosis"] = KeepColumn(role=Role.SENSITIVE, action="keep",
                                      reason="the first diagnosis: what the data is for, and what must not leak")
    tables = {**policy.tables, "patients": policy.tables["patients"].model_copy(update={"columns": columns})}
    risk = RiskPolicy(k=5, max_prosecutor_risk=0.2, avg_prosecutor_risk=None, suppression_limit=0.1,
                      l_diversity=[], t_closeness=[], population=POPULATION, anonymize=True)
    return policy.model_copy(update={"name": SAMPLE_NAME, "tables": tables, "risk": risk})


def _sha256_json(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _inputs(corpus: SyntheticCorpus, seed: int, patients: int, canaries: int) -> dict[str, pa.Table]:
    tables = add_canaries(corpus.tables, make_canaries(canaries, seed + 1, notes_per_patient=0))
    first = (pl.from_arrow(tables["encounters"]).group_by("patient_id")
             .agg(pl.col("diagnosis_code").sort().first().alias("diagnosis")))
    frame = pl.from_arrow(tables["patients"])
    assert isinstance(frame, pl.DataFrame)
    frame = frame.join(first, on="patient_id", how="left").with_columns(pl.col("diagnosis").fill_null("none"))
    return {**tables, "patients": frame.to_arrow()}


def build_sample_release(output: str | Path, *, patients: int = 300, notes_per_patient: int = 1, seed: int = 7,
                         raw_notes: bool = False, excluded: int = 3, canaries: int = 5) -> SampleRelease:
    """Write the sample release under ``output`` (``releases/<id>`` or ``quarantine/<id>``)."""
    corpus = build_corpus(patients, notes_per_patient, seed)
    policy = sample_policy()
    keys = KeySet.demo_keys()
    assert keys.signing_key is not None
    inputs = _inputs(corpus, seed, patients, canaries)
    declined = [p.patient_id for p in corpus.patients[:excluded]]
    canary_ids = [pid for pid in pl.from_arrow(inputs["patients"])["patient_id"].to_list()  # type: ignore[index]
                  if pid.startswith("CANARY")]
    run_id = hashlib.sha256(f"{SAMPLE_NAME}:{seed}:{patients}".encode()).hexdigest()[:32]
    writer = ReleaseWriter.open(
        output, name=SAMPLE_NAME,
        policy=PolicyRef(name=policy.name, version=policy.version, profile="custom",
                         sha256=_sha256_json(policy.model_dump(mode="json"))),
        pipeline=PipelineRef(name=SAMPLE_NAME, version="1.0.0",
                             sha256=_sha256_json({"patients": patients, "seed": seed, "raw_notes": raw_notes})),
        allowed_use=AllowedUse(purposes=["model-training", "research"], consumers=["demo-training-stack"],
                               expires=date(2035, 12, 31)),
        demo_keys=True, run_id=run_id)
    with writer:
        outputs = _transform(writer, policy, keys, inputs, declined, raw_notes, corpus)
        outputs["patients"], reasons = _risk(writer, policy, keys, inputs["patients"], declined, canary_ids)
        with writer.step("canaries") as step:
            report = check_canaries(outputs, _canary_set(canaries, seed))
            pseudonyms = [pseudonym(keys.pseudonym_key, pid, "P-") for pid in canary_ids]
            outputs, removed = remove_canaries(outputs, pseudonyms)
            writer.facts.canaries = CanaryResult(planted=report.planted, surviving=report.surviving,
                                                 removed_rows=sum(removed.values()), passed=report.passed)
            step.count("surviving", report.surviving)
            if not report.passed:
                reasons.append(f"{report.surviving} canary values survived de-identification")
        for name, frame in outputs.items():
            writer.write_table(name, frame.to_arrow().to_batches())
        reasons += _checks(writer, policy, outputs)
        decision = "rejected" if reasons else "approved"
        reasons = reasons or [f"every check of policy {policy.name} {policy.version} held"]
        attach_reports(writer, decision, reasons)  # type: ignore[arg-type]
        path = writer.finalize(decision, reasons, keys.signing_key)  # type: ignore[arg-type]
    return SampleRelease(path=path, public_key=keys.signing_key, corpus=corpus)


def _canary_set(count: int, seed: int):  # type: ignore[no-untyped-def]
    return make_canaries(count, seed + 1, notes_per_patient=0)


def _without(table: pa.Table, declined: Iterable[str]) -> tuple[pl.DataFrame, int]:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    kept = frame.filter(~pl.col("patient_id").is_in(list(declined)))
    return kept, frame.height - kept.height


def _transform(writer: ReleaseWriter, policy: Policy, keys: KeySet, inputs: dict[str, pa.Table],
               declined: list[str], raw_notes: bool, corpus: SyntheticCorpus) -> dict[str, pl.DataFrame]:
    """Exclusions, then each table's column transforms (the notes scrubbed), counted per PHI category."""
    from deid.tabular import transform_table

    outputs: dict[str, pl.DataFrame] = {}
    removed: dict[str, int] = {}
    for name, table in inputs.items():
        writer.facts.inputs[name] = InputRecord(format="parquet", files=1, rows=table.num_rows,
                                                fingerprint=hashlib.sha256(str(table.schema).encode()
                                                                           + str(table.num_rows).encode()).hexdigest())
        frame, removed[name] = _without(table, declined)
        counts = Counter({cat: int(frame[col].is_not_null().sum()) for col, cat in _DIRECT.get(name, {}).items()})
        if name == "patients":
            pass  # anonymized by the risk step
        elif name == "notes":
            with writer.step("scrub notes.text") as step:
                if raw_notes:
                    step.reason("raw_notes: released unscrubbed to test the report (never for real data)")
                    outputs[name] = frame
                    counts.update(Counter(Category(s.label) for d in corpus.gold for s in d.spans))
                else:
                    scrubbed, found = _scrub(frame, policy, keys)
                    outputs[name] = scrubbed
                    counts.update(found)
                step.count("notes", frame.height)
        else:
            with writer.step(f"transform {name}") as step:
                lazy, _ = transform_table(frame, policy, name, keys=keys)
                outputs[name] = lazy.collect()
                step.count("rows", frame.height)
        writer.facts.phi_counts[name] = {c: n for c, n in counts.items() if n}
    writer.facts.exclusions = Exclusions(persons_listed=len(declined), rows_removed=removed)
    return outputs


def _scrub(frame: pl.DataFrame, policy: Policy, keys: KeySet) -> tuple[pl.DataFrame, Counter[Category]]:
    from deid.tabular import transform_table
    from deid.text import Detector
    from deid.text.replace import Replacer

    detector = Detector.from_policy(policy)
    replacer = Replacer(policy, keys.pseudonym_key)
    found: Counter[Category] = Counter()

    def scrub_texts(texts: list[str | None], persons: list[str | None]) -> list[str | None]:
        spans = detector.detect([t or "" for t in texts])
        out: list[str | None] = []
        for text, person, text_spans in zip(texts, persons, spans, strict=True):
            if text is None:
                out.append(None)
                continue
            new, done = replacer.replace(text, text_spans, person)
            found.update(Category(r.category) for r in done)
            out.append(new)
        return out

    lazy, _ = transform_table(frame, policy, "notes", keys=keys, scrub_texts=scrub_texts)
    return lazy.collect(), found


def _risk(writer: ReleaseWriter, policy: Policy, keys: KeySet, patients: pa.Table, declined: list[str],
          canary_ids: list[str]) -> tuple[pl.DataFrame, list[str]]:
    """The anonymized patients table (canaries left out) with its risk figures stored; rejection reasons."""
    from deid.risk import anonymize, assess_risk

    frame, _ = _without(patients, [*declined, *canary_ids])
    with writer.step("anonymize patients") as step:
        released, anonymization = anonymize(frame, policy, "patients", keys=keys)
        step.count("suppressed", anonymization.suppressed)
        for reason in anonymization.reasons:
            step.reason(reason)
    with writer.step("risk patients") as step:
        risk = assess_risk(released, policy, "patients", release=True, population=POPULATION)
        sizes = class_size_histogram(released, policy, "patients")
        writer.facts.risk["patients"] = risk_figures(risk, anonymization, sizes)
        step.count("classes", risk.classes)
        step.count("k", risk.k)
    return released, [f"patients: {c.model} {c.measured:g} does not meet {c.required:g}"
                      for c in risk.checks if not c.passed]


def _checks(writer: ReleaseWriter, policy: Policy, outputs: dict[str, pl.DataFrame]) -> list[str]:
    """A residual pattern scan over the written parts and simple output checks; reasons for a rejection."""
    from deid.corpus.scan import scan_path

    reasons = []
    with writer.step("residual scan") as step:
        scan = scan_path(writer.staging / "data", use_detector=False)
        for name in outputs:
            cells = sum(1 for c in scan.cell_findings if not c.expected and f"/{name}/" in c.file)
            writer.facts.validation.append(ValidationRecord(
                name="residual_phi_scan", table=name, column=None, passed=cells == 0,
                figures={"findings": cells}, detail="SSN, phone, e-mail, MRN, IP and URL patterns over every "
                "text cell of the released parts"))
            if cells:
                reasons.append(f"residual scan: {cells} findings in table {name}")
        step.count("findings", scan.cell_findings_total)
    with writer.step("validate") as step:
        for name in outputs:
            direct = [c for c, rule in policy.tables[name].columns.items() if rule.role is Role.DIRECT
                      and rule.action == "drop"]
            present = [c for c in direct if c in _columns(writer, name)]
            writer.facts.validation.append(ValidationRecord(
                name="no_direct_identifier_columns", table=name, column=None, passed=not present,
                figures={"dropped_columns": len(direct), "present": len(present)},
                detail="every column the policy drops is absent from the release"))
            if present:
                reasons.append(f"table {name}: dropped columns present: {', '.join(present)}")
        step.count("checks", len(writer.facts.validation))
    return reasons


def _columns(writer: ReleaseWriter, table: str) -> list[str]:
    folder = writer.staging / "data" / table
    import pyarrow.parquet as pq

    return [f.name for f in pq.read_schema(next(iter(sorted(folder.glob("*.parquet")))))]


__all__ = ["SampleRelease", "build_sample_release", "sample_policy"]
