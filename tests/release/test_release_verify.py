"""The consumer's gate: every tampering is caught and named; open_release only opens what verifies."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from release_helpers import USE, BuildRelease
from typer.testing import CliRunner

from deid.cli import app
from deid.errors import InputError, KeyMaterialError, VerificationError
from deid.keys import public_key_pem
from deid.release import open_release, verify_release
from deid.release.consumer import open_release_tables

runner = CliRunner()


def _part(release: Path, table: str = "people", index: int = 0) -> Path:
    return release / "data" / table / f"part-{index:05d}.parquet"


def flip_data_byte(release: Path, _: Ed25519PrivateKey) -> None:
    part = _part(release)
    data = bytearray(part.read_bytes())
    data[len(data) // 2] ^= 0x01
    part.write_bytes(bytes(data))


def edit_manifest(release: Path, _: Ed25519PrivateKey) -> None:
    manifest = json.loads((release / "manifest.json").read_text())
    manifest["allowed_use"]["purposes"].append("marketing")
    (release / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def edit_manifest_whitespace(release: Path, _: Ed25519PrivateKey) -> None:
    (release / "manifest.json").write_bytes((release / "manifest.json").read_bytes() + b"\n")


def drop_audit_line(release: Path, _: Ed25519PrivateKey) -> None:
    lines = (release / "audit.jsonl").read_bytes().splitlines(keepends=True)
    (release / "audit.jsonl").write_bytes(b"".join(lines[:2] + lines[3:]))


def drop_last_audit_line(release: Path, _: Ed25519PrivateKey) -> None:
    lines = (release / "audit.jsonl").read_bytes().splitlines(keepends=True)
    (release / "audit.jsonl").write_bytes(b"".join(lines[:-1]))


def add_unlisted_part(release: Path, _: Ed25519PrivateKey) -> None:
    shutil.copy(_part(release), release / "data" / "people" / "part-99999.parquet")


def delete_part(release: Path, _: Ed25519PrivateKey) -> None:
    _part(release, "visits", 1).unlink()


def remove_signature(release: Path, _: Ed25519PrivateKey) -> None:
    (release / "manifest.sig").unlink()


def resign_with_other_key(release: Path, other: Ed25519PrivateKey) -> None:
    edit_manifest(release, other)
    (release / "manifest.sig").write_bytes(other.sign((release / "manifest.json").read_bytes()))


def symlink_part(release: Path, _: Ed25519PrivateKey) -> None:
    part = _part(release)
    copy = release.parent / "elsewhere.parquet"
    shutil.copy(part, copy)
    part.unlink()
    part.symlink_to(copy)


def rename_folder(release: Path, _: Ed25519PrivateKey) -> Path:
    target = release.with_name("latest")
    release.rename(target)
    return target


def replace_report(release: Path, _: Ed25519PrivateKey) -> None:
    (release / "reports" / "risk.md").write_text("# risk\n\nk = 50\n")


TAMPERINGS: list[tuple[str, Callable[[Path, Ed25519PrivateKey], Path | None], set[str], str]] = [
    ("flip one byte of a data file", flip_data_byte, {"file hashes"}, "data/people/part-00000.parquet"),
    ("edit the manifest", edit_manifest, {"signature"}, "does not verify"),
    ("append a newline to the manifest", edit_manifest_whitespace, {"signature"}, "does not verify"),
    ("drop an audit line", drop_audit_line, {"audit chain", "file hashes"}, "line 3 does not follow"),
    ("drop the last audit line", drop_last_audit_line, {"audit chain", "file hashes"}, "audit.jsonl"),
    ("add an unlisted data file", add_unlisted_part, {"unlisted files"}, "part-99999.parquet is not listed"),
    ("delete a data file", delete_part, {"file hashes"}, "data/visits/part-00001.parquet is missing"),
    ("remove the signature", remove_signature, {"signature"}, "manifest.sig is missing"),
    ("re-sign with another key", resign_with_other_key, {"signature"}, "another key"),
    ("replace a file by a symbolic link", symlink_part, {"file hashes", "unlisted files"}, "symbolic link"),
    ("rename the folder", rename_folder, {"folder name"}, "keep the release id"),
    ("change an attached report", replace_report, {"file hashes"}, "reports/risk.md"),
]


def test_untampered_release_verifies(build_release: BuildRelease, signing_key: Ed25519PrivateKey) -> None:
    result = verify_release(build_release(), signing_key.public_key())
    assert result.ok, result.failures
    assert [c.name for c in result.checks] == ["manifest", "folder name", "signature", "file hashes",
                                               "unlisted files", "audit chain", "parquet metadata", "verdict"]


@pytest.mark.parametrize(("label", "tamper", "checks", "text"), TAMPERINGS, ids=[t[0] for t in TAMPERINGS])
def test_tampering_fails_and_names_the_cause(
    build_release: BuildRelease, signing_key: Ed25519PrivateKey, other_key: Ed25519PrivateKey,
    public_key_file: Path, label: str, tamper: Callable[[Path, Ed25519PrivateKey], Path | None],
    checks: set[str], text: str,
) -> None:
    release = build_release()
    release = tamper(release, other_key) or release
    result = verify_release(release, signing_key.public_key())
    failed = {c.name for c in result.checks if not c.passed}
    assert failed == checks, (label, result.failures)
    assert any(text in line for line in result.failures), result.failures
    with pytest.raises(VerificationError) as caught:
        open_release(release, signing_key.public_key(), "research", table="people")
    assert any(text in line for line in caught.value.failures)
    cli = runner.invoke(app, ["verify", str(release), "--public-key", str(public_key_file)])
    assert cli.exit_code == 9, cli.output
    assert text in cli.output
    for name in checks:
        assert f"FAIL  {name}" in cli.output


def test_another_public_key_fails(build_release: BuildRelease, other_key: Ed25519PrivateKey) -> None:
    release = build_release()
    result = verify_release(release, other_key.public_key())
    assert [c.name for c in result.checks if not c.passed] == ["signature"]
    with pytest.raises(VerificationError, match="signature"):
        open_release(release, other_key.public_key(), "research", table="people")


def test_quarantined_release_fails_on_signature_and_verdict(
    build_release: BuildRelease, signing_key: Ed25519PrivateKey
) -> None:
    release = build_release(verdict="rejected")
    result = verify_release(release, signing_key.public_key())
    assert {c.name for c in result.checks if not c.passed} == {"signature", "verdict"}
    assert any("k = 2 below the threshold 5" in line for line in result.failures)


def test_folder_without_manifest_fails_every_check(tmp_path: Path, signing_key: Ed25519PrivateKey) -> None:
    (tmp_path / "rel").mkdir()
    result = verify_release(tmp_path / "rel", signing_key.public_key(), purpose="research")
    assert all(not c.passed for c in result.checks)
    assert result.release_id is None


def test_corrupt_manifest_names_the_key(build_release: BuildRelease, signing_key: Ed25519PrivateKey) -> None:
    release = build_release()
    manifest = json.loads((release / "manifest.json").read_text())
    manifest["schema_version"] = 2
    (release / "manifest.json").write_text(json.dumps(manifest))
    result = verify_release(release, signing_key.public_key())
    assert any("[schema_version]" in line for line in result.failures)


@pytest.mark.parametrize(
    ("purpose", "today", "error"),
    [
        ("marketing", date(2030, 1, 1), "purpose 'marketing' is not allowed"),
        ("research", date(2030, 7, 1), "expired on 2030-06-30"),
        ("Research", date(2030, 1, 1), "purpose 'Research' is not allowed"),
    ],
)
def test_open_release_refuses_use_outside_the_allowed(
    build_release: BuildRelease, signing_key: Ed25519PrivateKey, purpose: str, today: date, error: str
) -> None:
    with pytest.raises(VerificationError) as caught:
        open_release(build_release(), signing_key.public_key(), purpose, today=today, table="people")
    assert any(error in line for line in caught.value.failures)


@pytest.mark.parametrize("purpose", USE.purposes)
def test_open_release_on_the_expiry_day(
    build_release: BuildRelease, public_key_file: Path, purpose: str
) -> None:
    dataset = open_release(build_release(), public_key_file, purpose, today=USE.expires, table="visits")
    table = dataset.to_table()
    assert table.num_rows == 20 and table.column_names == ["visit", "person", "ward"]


def test_open_release_tables_and_table_choice(build_release: BuildRelease, signing_key: Ed25519PrivateKey) -> None:
    release = build_release()
    tables = open_release_tables(release, signing_key.public_key(), "research", today=date(2030, 1, 1))
    assert {n: d.count_rows() for n, d in tables.items()} == {"people": 10, "visits": 20}
    with pytest.raises(InputError, match="pass table=NAME"):
        open_release(release, signing_key.public_key(), "research", today=date(2030, 1, 1))
    with pytest.raises(InputError, match="no table nope"):
        open_release(release, signing_key.public_key(), "research", today=date(2030, 1, 1), table="nope")


def test_cli_verify_ok_and_purpose(build_release: BuildRelease, public_key_file: Path) -> None:
    release = build_release()
    ok = runner.invoke(app, ["verify", str(release), "--public-key", str(public_key_file)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.strip().splitlines()[-1] == f"verified: {release.name}"
    refused = runner.invoke(app, ["verify", str(release), "--public-key", str(public_key_file),
                                  "--purpose", "marketing"])
    assert refused.exit_code == 9 and "FAIL  allowed use" in refused.output
    as_json = runner.invoke(app, ["verify", str(release), "--public-key", str(public_key_file), "--json"])
    assert as_json.exit_code == 0 and json.loads(as_json.output)["release_id"] == release.name


def test_cli_verify_finds_the_key_in_the_environment(
    build_release: BuildRelease, public_key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = build_release()
    monkeypatch.delenv("DEID_KEY_DIR", raising=False)
    monkeypatch.delenv("DEID_PUBLIC_KEY_FILE", raising=False)
    missing = runner.invoke(app, ["verify", str(release)])
    assert missing.exit_code == 5 and "--public-key" in missing.output
    monkeypatch.setenv("DEID_PUBLIC_KEY_FILE", str(public_key_file))
    assert runner.invoke(app, ["verify", str(release)]).exit_code == 0


def test_demo_key_release_verifies_with_a_warning(tmp_path: Path) -> None:
    from release_helpers import PIPELINE, POLICY, sample_tables

    from deid.release import ReleaseWriter

    key = Ed25519PrivateKey.generate()
    with ReleaseWriter.open(tmp_path, name="demo", policy=POLICY, pipeline=PIPELINE, allowed_use=USE,
                            demo_keys=True) as writer:
        writer.write_table("people", [sample_tables(2)["people"]])
        release = writer.finalize("approved", ["ok"], key)
    result = verify_release(release, key.public_key())
    assert result.ok and result.warnings == ["made with throw-away demo keys: not for production use"]
    pub = tmp_path / "k.pub"
    pub.write_bytes(public_key_pem(key.public_key()))
    assert "demo keys" in runner.invoke(app, ["verify", str(release), "--public-key", str(pub)]).output


def test_not_a_public_key_file(build_release: BuildRelease, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pub"
    bad.write_text("not a key")
    with pytest.raises(KeyMaterialError, match="not a PEM public key"):
        verify_release(build_release(), bad)
