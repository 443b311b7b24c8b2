"""The gate fails closed: a threshold not met, a failing expectation or a surviving canary quarantines the
release with its reasons and no signature, and ``deid run`` exits 8."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from run_helpers import k_five, keep_column, write_variant
from typer.testing import CliRunner

from deid.cli import app
from deid.errors import ReleaseRejectedError
from deid.pipeline import resolve_plan
from deid.pipeline.run import RunResult, run_pipeline
from deid.release import verify_release

#: (variant, policy edit, canaries, a reason the verdict must give, the failed validation record if any)
CASES = [
    pytest.param("threshold", k_five, 0, "k-anonymity measured 1, does not meet 5", "expect_column_min_to_be_between",
                 id="k-threshold-not-met"),
    pytest.param("expectation", keep_column("phone"), 0, "patients.phone: expect_column_values_to_not_match_regex_list",
                 "expect_column_values_to_not_match_regex_list", id="failing-expectation"),
    pytest.param("canary", keep_column("name"), 3, "canary value(s) survived de-identification in patients.name",
                 None, id="surviving-canary"),
]


def _run(root: Path, name: str, edit, canaries: int) -> tuple[RunResult, object]:  # type: ignore[no-untyped-def]
    pipeline = write_variant(root, name, tables=("patients",), edit=edit, canaries=canaries)
    plan = resolve_plan(pipeline, demo_keys=True)
    return run_pipeline(plan), plan


@pytest.mark.parametrize(("name", "edit", "canaries", "reason", "record"), CASES)
def test_rejected_release_is_quarantined_unsigned(
    hospital_root: Path, name: str, edit, canaries: int, reason: str, record: str | None  # type: ignore[no-untyped-def]
) -> None:
    result, plan = _run(hospital_root, name, edit, canaries)
    release = Path(result.path)
    assert result.decision == "rejected"
    assert release.parent == Path(plan.quarantine_dir)  # type: ignore[attr-defined]
    assert not (release / "manifest.sig").exists()
    assert not Path(plan.releases_dir).exists() or not any(Path(plan.releases_dir).iterdir())  # type: ignore[attr-defined]
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["verdict"]["decision"] == "rejected"
    assert any(reason in r for r in manifest["verdict"]["reasons"]), manifest["verdict"]["reasons"]
    assert manifest["verdict"]["reasons"] == result.reasons
    if record is not None:
        assert any(v["name"] == record and not v["passed"] for v in manifest["validation"])
    with pytest.raises(ReleaseRejectedError) as raised:
        result.raise_if_rejected()
    assert raised.value.exit_code == 8 and raised.value.reasons == result.reasons
    verified = verify_release(release, plan.key_set.public_key)  # type: ignore[attr-defined]
    assert not verified.ok
    assert any(f.startswith("signature") for f in verified.failures)


def test_canary_result_in_manifest(hospital_root: Path) -> None:
    """A surviving canary is counted; canary rows never reach the released table."""
    result, _ = _run(hospital_root, "canary-count", keep_column("name"), 3)
    assert result.canaries is not None and not result.canaries.passed
    assert result.canaries.surviving >= 3 and result.canaries.removed_rows == 3
    assert result.outputs["patients"] == result.inputs["patients"] - result.excluded_rows["patients"]
    assert result.excluded_persons == 2


def test_cli_run_exits_8_and_prints_the_quarantine_last(hospital_root: Path) -> None:
    pipeline = write_variant(hospital_root, "cli-threshold", tables=("patients",), edit=k_five)
    outcome = CliRunner().invoke(app, ["run", str(pipeline), "--demo-keys"])
    assert outcome.exit_code == 8, outcome.output
    last = outcome.stdout.strip().splitlines()[-1]
    assert "/quarantine/cli-threshold-" in last and Path(last).is_dir()
    assert "k-anonymity measured 1, does not meet 5" in outcome.stderr


def test_cli_run_approved_exits_0_and_verifies(hospital_root: Path) -> None:
    pipeline = write_variant(hospital_root, "cli-approved", tables=("patients",), edit=keep_column("sex"))
    outcome = CliRunner().invoke(app, ["run", str(pipeline), "--demo-keys"])
    assert outcome.exit_code == 0, outcome.output
    release = Path(outcome.stdout.strip().splitlines()[-1])
    key = release.parent.parent / "demo-keys" / f"{release.name}.pub"
    verified = CliRunner().invoke(app, ["verify", str(release), "--public-key", str(key), "--purpose", "research"])
    assert verified.exit_code == 0, verified.output


def test_cli_run_with_a_key_folder_signs_with_its_key(hospital_root: Path, tmp_path: Path) -> None:
    from deid.keys import generate_keys

    keys = generate_keys(tmp_path / "keys")
    pipeline = write_variant(hospital_root, "cli-keys", tables=("patients",), edit=keep_column("sex"))
    outcome = CliRunner().invoke(app, ["run", str(pipeline), "--key-dir", str(tmp_path / "keys"), "--json"])
    assert outcome.exit_code == 0, outcome.output
    result = RunResult.model_validate_json(outcome.stdout)
    assert result.decision == "approved" and not result.demo_keys and result.public_key is None
    assert verify_release(result.path, keys["signing.pub"]).ok
