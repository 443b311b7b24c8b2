"""Fixtures of the run tests: one generated hospital (demo-sized) shared by the whole session."""

from __future__ import annotations

from pathlib import Path

import pytest
from run_helpers import DECLINED

from deid.corpus import generate_corpus


@pytest.fixture(scope="session")
def hospital_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding ``hospital/`` (the demo's synthetic hospital, 40 patients) and its exclusion list.

    Tests write their policy and pipeline variants beside it and release into their own output folders.
    """
    root = tmp_path_factory.mktemp("run")
    generate_corpus(root / "hospital", patients=40, notes_per_patient=3, seed=7)
    (root / "hospital" / "declined.txt").write_text("# declined\n" + "".join(f"{p}\n" for p in DECLINED))
    return root
