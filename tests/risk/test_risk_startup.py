"""`deid risk`, `anonymize` and `verify` start lean: the free-text stack, scipy and pandas are imported only
where they are used (importing them cost about 3 s of a 3.6 s `deid risk`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("spacy", "presidio_analyzer", "altair", "great_expectations", "scipy", "torch", "pandas")


@pytest.mark.parametrize("module", ["deid.risk.assess", "deid.risk.anonymizer", "deid.risk.lattice", "deid.release"])
def test_risk_commands_do_not_import_the_heavy_stack(module: str) -> None:
    code = f"import sys, deid.cli, {module}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == ""
