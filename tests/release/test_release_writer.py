"""The release writer: Parquet parts, footer metadata, audit chain, staging, quarantine, fail-closed exits."""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from release_helpers import PIPELINE, POLICY, USE, BuildRelease, sample_tables

from deid.errors import InputError, KeyMaterialError, LeakError
from deid.release import GENESIS_HASH, Manifest, ReleaseWriter, check_chain, sha256_file, verify_release
from deid.release.writer import META_POLICY_SHA256, META_RELEASE_ID, QUARANTINE_DIR, RELEASES_DIR, STAGING_DIR


def _open(output: Path, rows_per_part: int = 4) -> ReleaseWriter:
    return ReleaseWriter.open(output, name="t", policy=POLICY, pipeline=PIPELINE, allowed_use=USE,
                              rows_per_part=rows_per_part)


@pytest.mark.parametrize(
    ("rows", "rows_per_part", "chunk", "parts"),
    [(0, 4, 3, 1), (1, 4, 3, 1), (4, 4, 3, 1), (5, 4, 3, 2), (10, 3, 4, 4), (10, 100, 1, 1), (12, 4, 12, 3)],
)
def test_parts_split_and_round_trip(
    tmp_path: Path, signing_key: Ed25519PrivateKey, rows: int, rows_per_part: int, chunk: int, parts: int
) -> None:
    table = sample_tables(rows)["people"]
    with _open(tmp_path, rows_per_part) as writer:
        out = writer.write_table("people", table.to_batches(max_chunksize=chunk), schema=table.schema)
        path = writer.finalize("approved", ["ok"], signing_key)
    assert (out.rows, len(out.files)) == (rows, parts)
    assert [f.path for f in out.files] == [f"data/people/part-{i:05d}.parquet" for i in range(parts)]
    assert all(f.rows <= rows_per_part for f in out.files)
    read = pa.concat_tables([pq.read_table(path / f.path) for f in out.files])
    assert read.equals(table)
    assert verify_release(path, signing_key.public_key()).ok


def test_footer_metadata_names_release_and_policy(build_release: BuildRelease) -> None:
    path = build_release()
    manifest = Manifest.model_validate_json((path / "manifest.json").read_bytes())
    for part in manifest.outputs["visits"].files:
        meta = pq.read_metadata(path / part.path).metadata
        assert meta[META_RELEASE_ID] == manifest.release_id.encode() == path.name.encode()
        assert meta[META_POLICY_SHA256] == POLICY.sha256.encode()
        assert sha256_file(path / part.path) == part.sha256


def test_manifest_lists_every_file_and_is_canonical(build_release: BuildRelease) -> None:
    path = build_release()
    raw = (path / "manifest.json").read_bytes()
    manifest = Manifest.model_validate_json(raw)
    assert manifest.to_bytes() == raw
    on_disk = {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()}
    assert on_disk == set(manifest.listed_files()) | {"manifest.json", "manifest.sig"}
    assert manifest.schema_version == 1 and manifest.tool.name == "deid"
    assert manifest.outputs["visits"].rows == 20
    assert [c.name for c in manifest.outputs["visits"].columns] == ["visit", "person", "ward"]
    assert manifest.risk["people"]["k_min"] == 5
    assert manifest.verdict.decision == "approved"
    assert manifest.allowed_use == USE


def test_audit_chain_records_every_step(build_release: BuildRelease) -> None:
    path = build_release()
    data = (path / "audit.jsonl").read_bytes()
    failures, entries, _ = check_chain(data)
    assert failures == []
    lines = [json.loads(line) for line in data.splitlines()]
    assert [e["step"] for e in lines] == ["open release", "write people", "write visits", "risk", "gate"]
    assert lines[0]["prev_hash"] == GENESIS_HASH
    assert lines[1]["counts"] == {"rows": 10, "files": 3}
    assert lines[-1]["outcome"] == "approved" and lines[-1]["reasons"] == ["k >= 5 met"]
    assert all(e["started_at"] <= e["ended_at"] for e in lines)
    assert entries == len(lines)


def test_rejected_release_goes_to_quarantine_unsigned(build_release: BuildRelease, tmp_path: Path) -> None:
    path = build_release(verdict="rejected")
    assert path.parent == tmp_path / "out" / QUARANTINE_DIR
    assert not (path / "manifest.sig").exists()
    assert not (tmp_path / "out" / RELEASES_DIR).exists()
    manifest = Manifest.model_validate_json((path / "manifest.json").read_bytes())
    assert manifest.verdict.decision == "rejected"
    assert manifest.verdict.reasons == ["k = 2 below the threshold 5"]
    assert list((tmp_path / "out" / STAGING_DIR).iterdir()) == []


def test_approval_without_signing_key_quarantines(tmp_path: Path) -> None:
    with pytest.raises(KeyMaterialError, match="must be signed"), _open(tmp_path) as writer:
        writer.write_table("people", [sample_tables(3)["people"]])
        writer.finalize("approved", ["ok"], None)
    (quarantined,) = (tmp_path / QUARANTINE_DIR).iterdir()
    manifest = Manifest.model_validate_json((quarantined / "manifest.json").read_bytes())
    assert manifest.verdict.decision == "rejected"
    assert "KeyMaterialError" in manifest.verdict.reasons[0]
    assert not (quarantined / "manifest.sig").exists()


def test_failed_step_turns_approval_into_rejection(tmp_path: Path, signing_key: Ed25519PrivateKey) -> None:
    with _open(tmp_path) as writer:
        writer.write_table("people", [sample_tables(3)["people"]])
        with pytest.raises(LeakError), writer.step("canaries"):
            raise LeakError("2 canaries survived in notes.text")
        path = writer.finalize("approved", ["k met"], signing_key)
    assert path.parent.name == QUARANTINE_DIR and not (path / "manifest.sig").exists()
    lines = [json.loads(line) for line in (path / "audit.jsonl").read_bytes().splitlines()]
    failed = next(e for e in lines if e["step"] == "canaries")
    assert failed["outcome"] == "failed" and failed["reasons"] == ["LeakError: 2 canaries survived in notes.text"]
    assert "audit step 'canaries' failed" in json.loads((path / "manifest.json").read_text())["verdict"]["reasons"]


def test_deid_error_escaping_the_writer_quarantines_with_reason(tmp_path: Path) -> None:
    with pytest.raises(LeakError), _open(tmp_path) as writer:
        writer.write_table("people", [sample_tables(3)["people"]])
        raise LeakError("residual scan: 1 SSN-like string in notes.text")
    (quarantined,) = (tmp_path / QUARANTINE_DIR).iterdir()
    reasons = json.loads((quarantined / "manifest.json").read_text())["verdict"]["reasons"]
    assert reasons == ["LeakError: residual scan: 1 SSN-like string in notes.text"]


@pytest.mark.parametrize("how", ["other exception", "no finalize"])
def test_other_exits_leave_nothing(tmp_path: Path, how: str) -> None:
    secret = "Jane Q. Value"
    expect = pytest.raises(ValueError) if how == "other exception" else nullcontext()
    with expect, _open(tmp_path) as writer:
        writer.write_table("people", [sample_tables(3)["people"]])
        if how == "other exception":
            raise ValueError(f"bad value {secret}")
    assert not (tmp_path / RELEASES_DIR).exists() and not (tmp_path / QUARANTINE_DIR).exists()
    assert list((tmp_path / STAGING_DIR).iterdir()) == []


def test_failed_step_never_logs_a_foreign_message(tmp_path: Path, signing_key: Ed25519PrivateKey) -> None:
    with _open(tmp_path) as writer:
        with pytest.raises(ValueError), writer.step("transform"):
            raise ValueError("could not parse 123-45-6789")
        path = writer.finalize("rejected", ["transform failed"], None)
    text = (path / "audit.jsonl").read_text()
    assert "123-45-6789" not in text and "ValueError (message withheld" in text


@pytest.mark.parametrize(
    ("action", "error"),
    [
        (lambda w: w.write_table("../escape", [sample_tables(2)["people"]]), "table name"),
        (lambda w: w.write_table("people", []), "no batches and no schema"),
        (lambda w: w.write_table("people", [sample_tables(2)["people"], sample_tables(2)["visits"]]),
         "schema differs"),
        (lambda w: [w.write_table("people", [sample_tables(2)["people"]]) for _ in range(2)], "already written"),
        (lambda w: w.attach("manifest.json", b"{}"), "reserved"),
        (lambda w: w.attach("data/x.txt", b""), "reserved"),
        (lambda w: w.attach("../x.txt", b""), "relative"),
    ],
)
def test_writer_refuses(tmp_path: Path, action: object, error: str) -> None:
    writer = _open(tmp_path)
    with pytest.raises(InputError, match=error):
        action(writer)  # type: ignore[operator]
    writer.abort()


@pytest.mark.parametrize(("kwargs", "error"), [({"name": "a/b"}, "release name"), ({"run_id": "R1"}, "run_id"),
                                               ({"rows_per_part": 0}, "rows_per_part")])
def test_open_refuses(tmp_path: Path, kwargs: dict[str, object], error: str) -> None:
    options: dict[str, object] = {"name": "t", "policy": POLICY, "pipeline": PIPELINE, "allowed_use": USE}
    with pytest.raises(InputError, match=error):
        ReleaseWriter.open(tmp_path, **{**options, **kwargs})  # type: ignore[arg-type]
    assert not (tmp_path / STAGING_DIR).exists()


def test_facts_are_validated_on_assignment(tmp_path: Path) -> None:
    writer = _open(tmp_path)
    with pytest.raises(ValidationError):
        writer.facts.phi_counts = {"notes": {"NOT_A_CATEGORY": 1}}  # type: ignore[dict-item]
    writer.facts.phi_counts = {"notes": {"NAME": 3}}  # type: ignore[dict-item]
    writer.abort()


def test_stale_staging_of_a_dead_process_is_removed(tmp_path: Path, signing_key: Ed25519PrivateKey) -> None:
    stale = tmp_path / STAGING_DIR / "t-20200101T000000Z-deadbeef.999999999"
    stale.mkdir(parents=True)
    (stale / "audit.jsonl").write_text("{}\n")
    with _open(tmp_path) as writer:
        assert not stale.exists()
        assert writer.staging.exists()
        writer.finalize("approved", ["ok"], signing_key)


@settings(max_examples=25, deadline=None)
@given(rows=st.integers(0, 40), per_part=st.integers(1, 12), chunk=st.integers(1, 15))
def test_rows_are_preserved_for_any_split(tmp_path_factory: pytest.TempPathFactory, rows: int, per_part: int,
                                          chunk: int) -> None:
    table = sample_tables(rows)["people"]
    writer = _open(tmp_path_factory.mktemp("prop"), per_part)
    out = writer.write_table("people", table.to_batches(max_chunksize=chunk), schema=table.schema)
    assert out.rows == rows == sum(f.rows for f in out.files)
    assert len(out.files) == max(1, -(-rows // per_part))
    read = pa.concat_tables([pq.read_table(writer.staging / f.path) for f in out.files])
    assert read.equals(table)
    writer.abort()
