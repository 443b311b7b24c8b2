"""Read a pipeline file, validate it, and report every problem as ``FILE: [key.path] message``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from deid.errors import PipelineError
from deid.pipeline.models import Pipeline
from deid.policy.loader import format_validation_error

_POLICY_HINT = "see `deid policy schema`"
_PIPELINE_HINT = "see `deid pipeline schema`"


def load_pipeline(path: str | Path) -> Pipeline:
    """Load and validate the pipeline file at ``path``; raise :class:`PipelineError` listing every problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PipelineError(f"{path}: pipeline file not found") from None
    except OSError as exc:
        raise PipelineError(f"{path}: cannot read the pipeline file ({exc.strerror})") from None
    pipeline = pipeline_from_document(_parse_yaml(path, raw), label=str(path))
    pipeline._source = path.resolve()
    pipeline._sha256 = hashlib.sha256(raw).hexdigest()
    return pipeline


def pipeline_from_document(document: Any, label: str = "<pipeline>") -> Pipeline:
    """Validate an already-parsed pipeline document (``label`` names it in messages)."""
    if not isinstance(document, dict):
        raise PipelineError(f"{label}: [] a pipeline is a mapping of keys to values")
    try:
        return Pipeline.model_validate(document)
    except ValidationError as exc:
        problems = [line.replace(_POLICY_HINT, _PIPELINE_HINT) for line in format_validation_error(exc, label)]
        raise PipelineError(problems[0] if len(problems) == 1 else f"{label}: {len(problems)} problems",
                            problems) from None


def _parse_yaml(path: Path, raw: bytes) -> Any:
    try:
        return yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise PipelineError(f"{path}: [] the pipeline file is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "unknown position"
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise PipelineError(f"{path}: [] YAML syntax error at {where}: {problem}") from None


def pipeline_json_schema() -> str:
    """The JSON Schema of pipeline files, generated from the models."""
    schema = Pipeline.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "deid pipeline"
    return json.dumps(schema, indent=2, sort_keys=True)
