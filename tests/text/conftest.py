"""One detector for all text tests (loading spaCy and the gazetteer takes seconds)."""

from __future__ import annotations

import pytest

from deid.text import Detector


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector.default()
