"""Freeze the tiny release of the golden tests: ``.venv/bin/python tests/report/make_fixture.py``.

Run it only when the manifest format changes; then regenerate the golden files with
``DEID_UPDATE_GOLDEN=1 .venv/bin/pytest tests/report/test_report_golden.py`` and review the diff.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_helpers import FIXTURES, build_tiny_release


def main() -> None:
    target = FIXTURES / "releases"
    shutil.rmtree(target, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        release = build_tiny_release(Path(tmp), Ed25519PrivateKey.generate())
        target.mkdir(parents=True)
        shutil.copytree(release, target / release.name)
    print(f"wrote {target / release.name}")


if __name__ == "__main__":
    main()
