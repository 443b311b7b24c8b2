"""Read a policy file, validate it, and report every problem as ``FILE: [key.path] message``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, TypeVar, get_args

import yaml
from pydantic import ValidationError

from deid.errors import PipelineError, PolicyError
from deid.policy.models import ColumnRule, FileBackedModel, Policy


def load_policy(path: str | Path) -> Policy:
    """Load and validate the policy at ``path``; raise :class:`PolicyError` listing every problem."""
    return load_document(path, Policy, PolicyError, "policy")


def policy_from_document(document: Any, label: str = "<policy>") -> Policy:
    """Validate an already-parsed policy document (``label`` names it in messages)."""
    return validate_document(document, Policy, PolicyError, "policy", label)


M = TypeVar("M", bound=FileBackedModel)


def load_document(path: str | Path, model: type[M], error: type[PolicyError | PipelineError],
                  kind: str) -> M:
    """Read a YAML ``kind`` file (policy, pipeline), validate it as ``model``, and remember its file and hash."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise error(f"{path}: {kind} file not found") from None
    except OSError as exc:
        raise error(f"{path}: cannot read the {kind} file ({exc.strerror})") from None
    document = _parse_yaml(path, raw, error, kind)
    loaded = validate_document(document, model, error, kind, str(path))
    loaded._source = path.resolve()
    loaded._sha256 = hashlib.sha256(raw).hexdigest()
    return loaded


def validate_document(document: Any, model: type[M], error: type[PolicyError | PipelineError],
                      kind: str, label: str) -> M:
    """Validate a parsed document; every problem becomes a ``LABEL: [key.path] message`` line."""
    if not isinstance(document, dict):
        raise error(f"{label}: [] a {kind} is a mapping of keys to values")
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        problems = format_validation_error(exc, label, schema_command=f"deid {kind} schema")
        raise error(problems[0] if len(problems) == 1 else f"{label}: {len(problems)} problems",
                    problems) from None


def format_validation_error(exc: ValidationError, label: str, schema_command: str = "deid policy schema"
                            ) -> list[str]:
    """One ``LABEL: [key.path] message`` line per pydantic error, without echoing input values."""
    lines = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = ".".join(str(p) for p in err["loc"] if not _is_union_tag(p))
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = f"unknown key (check its spelling; see `{schema_command}`)"
        elif err["type"] == "missing":
            message = "required key is missing"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        lines.append(f"{label}: [{loc}] {message}")
    return lines


#: The discriminator values of the column-rule union ("drop", "generalize" ...), taken from the models.
_UNION_TAGS: frozenset[str] = frozenset(
    tag for member in get_args(get_args(ColumnRule)[0]) for tag in get_args(member.model_fields["action"].annotation)
)


def _is_union_tag(part: object) -> bool:
    # pydantic inserts the discriminator value ("drop", "generalize") into locations of union members.
    return isinstance(part, str) and part in _UNION_TAGS


def _parse_yaml(path: Path, raw: bytes, error: type[PolicyError | PipelineError], kind: str) -> Any:
    try:
        return yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise error(f"{path}: [] the {kind} file is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "unknown position"
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise error(f"{path}: [] YAML syntax error at {where}: {problem}") from None


def json_schema(model: type[FileBackedModel], title: str) -> str:
    """The JSON Schema of a document model, generated from the pydantic model."""
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return json.dumps(schema, indent=2, sort_keys=True)


def policy_json_schema() -> str:
    """The JSON Schema of policy files, generated from the models."""
    return json_schema(Policy, "deid policy")
