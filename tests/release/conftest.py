"""Fixtures for release tests: keys and a builder of small releases from tables made here."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from release_helpers import PIPELINE, POLICY, USE, BuildRelease, sample_tables

from deid.keys import public_key_pem
from deid.release import ReleaseWriter


@pytest.fixture(scope="session")
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="session")
def other_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture()
def public_key_file(tmp_path: Path, signing_key: Ed25519PrivateKey) -> Path:
    path = tmp_path / "signing.pub"
    path.write_bytes(public_key_pem(signing_key.public_key()))
    return path


@pytest.fixture()
def build_release(tmp_path: Path, signing_key: Ed25519PrivateKey) -> BuildRelease:
    """``build_release(verdict="approved", rows=10, rows_per_part=4, reports=True)`` -> release folder."""

    def build(verdict: str = "approved", rows: int = 10, rows_per_part: int = 4, reports: bool = True,
              output: Path | None = None) -> Path:
        with ReleaseWriter.open(output or tmp_path / "out", name=PIPELINE.name, policy=POLICY, pipeline=PIPELINE,
                                allowed_use=USE, rows_per_part=rows_per_part) as writer:
            for name, table in sample_tables(rows).items():
                writer.write_table(name, table.to_batches(max_chunksize=3))
            with writer.step("risk") as step:
                step.count("classes", 3)
            writer.facts.risk["people"] = {"k_min": 5, "max_prosecutor_risk": 0.2}
            if reports:
                writer.attach("reports/risk.md", b"# risk\n\nk = 5\n")
            reasons = ["k >= 5 met"] if verdict == "approved" else ["k = 2 below the threshold 5"]
            return writer.finalize(verdict, reasons, signing_key if verdict == "approved" else None)  # type: ignore[arg-type]

    return build
