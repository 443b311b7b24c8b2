"""A demo-sized run end to end: approved, signed, verifiable, opened only for its allowed use, with the
excluded patients and the generator's planted values nowhere in it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from run_helpers import DECLINED, TABLES, names_tagged, write_variant

import deid
from deid.corpus.planted import PlantedIndex, PlantedValue
from deid.corpus.scan import scan_path
from deid.errors import VerificationError
from deid.pipeline import Plan, resolve_plan
from deid.pipeline.run import RunResult, run_pipeline
from deid.pseudonym import pseudonym
from deid.release import open_release, open_release_tables, verify_release

pytestmark = pytest.mark.slow  # one demo-sized run with note scrubbing (about 10 s), shared by the module


@pytest.fixture(scope="module")
def approved(hospital_root: Path) -> tuple[Plan, RunResult]:
    """Safe Harbor with risk reported but not gated (k = 1) and names tagged; canaries off."""
    plan = resolve_plan(write_variant(hospital_root, "approved", edit=names_tagged), demo_keys=True)
    return plan, run_pipeline(plan)


def _cells(release: Path) -> dict[str, pl.DataFrame]:
    return {t: pl.read_parquet(release / "data" / t / "part-00000.parquet") for t in TABLES}


def test_approved_signed_and_verified(approved: tuple[Plan, RunResult]) -> None:
    plan, result = approved
    release = Path(result.path)
    assert result.decision == "approved", result.reasons
    assert release.parent == Path(plan.releases_dir)
    assert (release / "manifest.sig").is_file()
    verified = verify_release(release, plan.key_set.public_key, purpose="model-training")
    assert verified.ok, verified.failures
    assert verified.manifest is not None and verified.manifest.demo_keys


def test_manifest_records_every_step(approved: tuple[Plan, RunResult]) -> None:
    plan, result = approved
    manifest = json.loads((Path(result.path) / "manifest.json").read_text())
    assert set(manifest["outputs"]) == set(TABLES)
    assert {t: r["fingerprint"] for t, r in manifest["inputs"].items()} == {
        t: plan.input(t).fingerprint() for t in TABLES}
    assert manifest["exclusions"]["persons_listed"] == len(DECLINED)
    assert manifest["exclusions"]["rows_removed"] == result.excluded_rows
    assert all(n > 0 for n in result.excluded_rows.values())
    for table in TABLES:
        assert manifest["outputs"][table]["rows"] == result.inputs[table] - result.excluded_rows[table]
    notes = manifest["phi_counts"]["notes"]
    assert notes["NAME"] > 0 and notes["DATE"] > 0 and notes["MRN"] > 0
    assert set(manifest["risk"]) == set(TABLES)
    assert manifest["validation"] and all(v["passed"] for v in manifest["validation"])
    assert {v["table"] for v in manifest["validation"] if v["name"] == "residual PHI scan"} == set(TABLES)
    assert manifest["canaries"] is None
    steps = [json.loads(line)["step"] for line in (Path(result.path) / "audit.jsonl").read_text().splitlines()]
    for expected in ["read notes", "collect patient identifiers", "scrub notes.text", "transform notes",
                     "risk patients", "residual scan", "validate", "write notes"]:
        assert expected in steps
    assert steps[0] == "open release" and steps[-1] == "gate"


def test_open_release_for_an_allowed_purpose(approved: tuple[Plan, RunResult]) -> None:
    plan, result = approved
    notes = open_release(result.path, plan.key_set.public_key, "research", table="notes")
    assert notes.count_rows() == result.outputs["notes"]
    assert deid.open_release is open_release
    tables = open_release_tables(result.path, plan.key_set.public_key, "model-training")
    assert {t: d.count_rows() for t, d in tables.items()} == result.outputs


@pytest.mark.parametrize(("purpose", "today", "failure"), [
    ("marketing", None, "purpose 'marketing' is not allowed"),
    ("research", date(2036, 1, 1), "expired on 2035-12-31"),
])
def test_open_release_refuses_outside_its_allowed_use(
    approved: tuple[Plan, RunResult], purpose: str, today: date | None, failure: str
) -> None:
    plan, result = approved
    with pytest.raises(VerificationError) as raised:
        deid.open_release(result.path, plan.key_set.public_key, purpose, today, table="patients")
    assert any(failure in f for f in raised.value.failures), raised.value.failures


def test_a_person_has_one_pseudonym_everywhere(approved: tuple[Plan, RunResult]) -> None:
    _, result = approved
    tables = _cells(Path(result.path))
    people = set(tables["patients"]["patient_id"].to_list())
    assert len(people) == result.outputs["patients"]
    for table in ("encounters", "labs", "notes"):
        assert set(tables[table]["patient_id"].to_list()) <= people


def test_excluded_patients_appear_nowhere(approved: tuple[Plan, RunResult], hospital_root: Path) -> None:
    plan, result = approved
    raw = pq.read_table(hospital_root / "hospital" / "patients.parquet").to_pylist()
    declined = [row for row in raw if row["patient_id"] in DECLINED]
    values = [PlantedValue(str(v), column, row["patient_id"]) for row in declined for column, v in row.items()
              if column in {"patient_id", "name", "ssn", "mrn", "address", "phone", "email", "insurance_id"}]
    values += [PlantedValue(pseudonym(plan.key_set.pseudonym_key, p, "P-"), "pseudonym", p) for p in DECLINED]
    index = PlantedIndex(values)
    hits = [(t, c) for t, frame in _cells(Path(result.path)).items() for c in frame.columns
            for _ in index.find(frame[c].cast(pl.String))]
    assert hits == []


def test_no_planted_value_of_the_generator_in_the_release(
    approved: tuple[Plan, RunResult], hospital_root: Path
) -> None:
    _, result = approved
    report = scan_path(Path(result.path) / "data", planted_path=hospital_root / "hospital" / "gold.jsonl",
                       use_detector=False)
    assert report.planted_hits_total == 0, sorted({(h.label, h.column) for h in report.planted_hits})
