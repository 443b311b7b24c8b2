"""Shared test fixtures: paths to the project and to ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def root() -> Path:
    """The project's root folder."""
    return ROOT


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only ../shared folder (corpora, Adult data)."""
    if not SHARED.is_dir():
        pytest.fail(f"../shared is missing beside the project ({SHARED}); tests read corpora from it")
    return SHARED
