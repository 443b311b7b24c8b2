"""Read a pipeline file, validate it, and report every problem as ``FILE: [key.path] message``.

Loading, validation and schema generation are shared with policies (:mod:`deid.policy.loader`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from deid.errors import PipelineError
from deid.pipeline.models import Pipeline
from deid.policy.loader import json_schema, load_document, validate_document


def load_pipeline(path: str | Path) -> Pipeline:
    """Load and validate the pipeline file at ``path``; raise :class:`PipelineError` listing every problem."""
    return load_document(path, Pipeline, PipelineError, "pipeline")


def pipeline_from_document(document: Any, label: str = "<pipeline>") -> Pipeline:
    """Validate an already-parsed pipeline document (``label`` names it in messages)."""
    return validate_document(document, Pipeline, PipelineError, "pipeline", label)


def pipeline_json_schema() -> str:
    """The JSON Schema of pipeline files, generated from the models."""
    return json_schema(Pipeline, "deid pipeline")
