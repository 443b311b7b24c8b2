"""A run killed at any step leaves no folder that looks like a release, and running it again completes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from run_helpers import keep_column, write_variant

from deid.pipeline import resolve_plan
from deid.pipeline.run import run_pipeline
from deid.release.writer import QUARANTINE_DIR, RELEASES_DIR, STAGING_DIR

SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from deid.pipeline.run import run_pipeline_file

    def listen(step):
        if step == sys.argv[2]:
            os.kill(os.getpid(), signal.SIGKILL)

    run_pipeline_file(sys.argv[1], demo_keys=True, on_step=listen)
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("step", ["read patients", "validate", "write patients", "gate"])
def test_killed_run_leaves_no_release_and_a_rerun_completes(hospital_root: Path, step: str) -> None:
    name = "kill-" + step.replace(" ", "-")
    pipeline = write_variant(hospital_root, name, tables=("patients",), edit=keep_column("sex"))
    killed = subprocess.run([sys.executable, "-c", SCRIPT, str(pipeline), step], check=False, capture_output=True,
                            timeout=120)
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    output = hospital_root / f"out-{name}"
    for folder in (RELEASES_DIR, QUARANTINE_DIR):
        assert not (output / folder).exists() or not any((output / folder).iterdir())
    assert any((output / STAGING_DIR).iterdir())  # the killed run's work in progress, never a release

    result = run_pipeline(resolve_plan(pipeline, demo_keys=True))
    assert result.decision == "approved", result.reasons
    assert [p.name for p in (output / RELEASES_DIR).iterdir()] == [result.release_id]
    assert not any((output / STAGING_DIR).iterdir())
