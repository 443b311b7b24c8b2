"""Read a policy file, validate it, and report every problem as ``FILE: [key.path] message``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from deid.errors import PolicyError
from deid.policy.models import Policy


def load_policy(path: str | Path) -> Policy:
    """Load and validate the policy at ``path``; raise :class:`PolicyError` listing every problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PolicyError(f"{path}: policy file not found") from None
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read the policy file ({exc.strerror})") from None
    document = _parse_yaml(path, raw)
    policy = policy_from_document(document, label=str(path))
    policy._source = path.resolve()
    policy._sha256 = hashlib.sha256(raw).hexdigest()
    return policy


def policy_from_document(document: Any, label: str = "<policy>") -> Policy:
    """Validate an already-parsed policy document (``label`` names it in messages)."""
    if not isinstance(document, dict):
        raise PolicyError(f"{label}: [] a policy is a mapping of keys to values")
    try:
        return Policy.model_validate(document)
    except ValidationError as exc:
        problems = format_validation_error(exc, label)
        raise PolicyError(problems[0] if len(problems) == 1 else f"{label}: {len(problems)} problems",
                          problems) from None


def format_validation_error(exc: ValidationError, label: str) -> list[str]:
    """One ``LABEL: [key.path] message`` line per pydantic error, without echoing input values."""
    lines = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = ".".join(str(p) for p in err["loc"] if not _is_union_tag(p))
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown key (check its spelling; see `deid policy schema`)"
        elif err["type"] == "missing":
            message = "required key is missing"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        lines.append(f"{label}: [{loc}] {message}")
    return lines


def _is_union_tag(part: object) -> bool:
    # pydantic inserts the discriminator value ("drop", "generalize") into locations of union members.
    return isinstance(part, str) and part in {
        "drop", "keep", "pseudonym", "date_shift", "year_only", "age", "zip3", "generalize",
        "top_bottom_code", "suppress", "scrub",
    }


def _parse_yaml(path: Path, raw: bytes) -> Any:
    try:
        return yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise PolicyError(f"{path}: [] the policy file is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "unknown position"
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise PolicyError(f"{path}: [] YAML syntax error at {where}: {problem}") from None


def policy_json_schema() -> str:
    """The JSON Schema of policy files, generated from the models."""
    schema = Policy.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "deid policy"
    return json.dumps(schema, indent=2, sort_keys=True)
