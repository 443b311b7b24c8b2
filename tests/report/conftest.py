"""Fixtures of the report tests: keys, a fresh tiny release, and the sample release with raw notes."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from report_helpers import build_tiny_release

from deid.report.sample import SampleRelease, build_sample_release


@pytest.fixture(scope="session")
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture()
def tiny_release(tmp_path: Path, signing_key: Ed25519PrivateKey) -> Path:
    """A fresh tiny release (approved, reports attached by the run)."""
    return build_tiny_release(tmp_path / "out", signing_key, attach=True)


@pytest.fixture(scope="session")
def raw_sample(tmp_path_factory: pytest.TempPathFactory) -> SampleRelease:
    """The sample release of 60 synthetic patients with its notes released *unscrubbed*: its data holds
    every planted value, so any value the report took from the data would show."""
    return build_sample_release(tmp_path_factory.mktemp("sample"), patients=60, raw_notes=True)
