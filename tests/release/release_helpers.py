"""Shared helpers of the release tests: fixed references and small tables without PHI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyarrow as pa

from deid.release import AllowedUse, PipelineRef, PolicyRef

POLICY = PolicyRef(name="test-policy", version="1.0.0", profile="custom", sha256="a1" * 32)
PIPELINE = PipelineRef(name="test-pipeline", version="1.0.0", sha256="b2" * 32)
USE = AllowedUse(purposes=["research", "model-training"], consumers=["ml-team"], expires=date(2030, 6, 30))

BuildRelease = Callable[..., Path]


def sample_tables(rows: int = 10) -> dict[str, pa.Table]:
    """Two small tables without PHI: people and their visits."""
    people = pa.table({"person": [f"P-{i:04d}" for i in range(rows)], "year": [1950 + i for i in range(rows)]})
    visits = pa.table({
        "visit": [f"V-{i:04d}" for i in range(rows * 2)],
        "person": [f"P-{i // 2:04d}" for i in range(rows * 2)],
        "ward": ["4 West" if i % 3 else "ICU" for i in range(rows * 2)],
    })
    return {"people": people, "visits": visits}
