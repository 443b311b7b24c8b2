"""``deid demo``: everything under --out, the release path on the last line, the verdict and exit code agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deid.cli import app
from deid.demo import PUBLIC_KEY_FILE
from deid.release import verify_release


@pytest.mark.slow
def test_demo_writes_everything_under_out_and_ends_with_the_release(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    outcome = CliRunner().invoke(app, ["demo", "--out", str(out), "--patients", "12"])
    assert outcome.exit_code in (0, 8), outcome.output
    lines = outcome.stdout.strip().splitlines()
    release = Path(lines[-1])
    assert release.is_dir() and release.resolve().is_relative_to(out.resolve())
    assert (out / "hospital" / "notes.parquet").is_file() and (out / "hospital" / "declined.txt").is_file()
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["demo_keys"] is True
    assert manifest["exclusions"]["persons_listed"] == 1
    assert manifest["canaries"] is not None and manifest["canaries"]["planted"] > 0
    assert any(line.startswith("PHI found and treated: ") for line in lines)
    assert any(line.startswith("gate: ") for line in lines)
    verified = verify_release(release, out / PUBLIC_KEY_FILE)
    if outcome.exit_code == 0:
        assert manifest["verdict"]["decision"] == "approved" and release.parent.name == "releases"
        assert verified.ok, verified.failures
    else:
        assert manifest["verdict"]["decision"] == "rejected" and release.parent.name == "quarantine"
        assert not (release / "manifest.sig").exists() and not verified.ok
        assert "rejected" in outcome.stderr
