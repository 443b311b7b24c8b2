"""Pipeline files: valid documents load, every invalid one names its file and key path, schemas are described."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pipeline_helpers import ROOT, pipeline_doc, write_pipeline

from deid.errors import PipelineError
from deid.pipeline import Pipeline, Plan, load_pipeline, pipeline_json_schema
from deid.release import Manifest, ReleaseFacts
from deid.release.verify import VerificationResult

Doc = dict[str, Any]


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        *parents, last = path.split(".")
        node = doc
        for part in parents:
            node = node[part]
        node[last] = value
    return apply


def _delete(path: str) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        *parents, last = path.split(".")
        node = doc
        for part in parents:
            node = node[part]
        del node[last]
    return apply


def _rename(old: str, new: str) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        doc[new] = doc.pop(old)
    return apply


def _rename_input(old: str, new: str) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        doc["inputs"][new] = doc["inputs"].pop(old)
    return apply


VALID: list[tuple[str, Callable[[Doc], None]]] = [
    ("as written", lambda doc: None),
    ("canaries off", _set("canaries", {"enabled": False, "count": 0})),
    ("a risk population", _set("risk_population", 250_000)),
    ("no exclusion list", _set("exclusions", None)),
    ("csv input", _set("inputs.labs.format", "csv")),
    ("a table without persons", _set("inputs.labs.person_key", None)),
    ("several purposes", _set("allowed_use.purposes", ["research", "model-training", "qa.v2"])),
]

INVALID: list[tuple[str, Callable[[Doc], None], str]] = [
    ("typo in a key", _rename("exclusions", "exclusion"), "[exclusion] unknown key"),
    ("a missing key", _delete("engine"), "[engine] required key is missing"),
    ("a future format version", _set("schema_version", 2), "[schema_version]"),
    ("an engine not built", _set("engine", "spark"), "[engine]"),
    ("an unknown input format", _set("inputs.patients.format", "xlsx"), "[inputs.patients.format]"),
    ("canaries on with none", _set("canaries", {"enabled": True, "count": 0}), "[canaries] canaries are enabled"),
    ("canaries off with a count", _set("canaries", {"enabled": False, "count": 3}), "[canaries] canaries are dis"),
    ("a zero population", _set("risk_population", 0), "[risk_population]"),
    ("no purpose", _set("allowed_use.purposes", []), "[allowed_use.purposes]"),
    ("a purpose with spaces", _set("allowed_use.purposes", ["Model Training"]), "[allowed_use.purposes.0]"),
    ("no consumer", _set("allowed_use.consumers", []), "[allowed_use.consumers]"),
    ("an expiry that is no date", _set("allowed_use.expires", "next year"), "[allowed_use.expires]"),
    ("a text column twice", _set("inputs.notes.text_columns", ["text", "text"]), "[inputs.notes] text_columns"),
    ("the person key as text", _set("inputs.notes.text_columns", ["patient_id"]), "cannot be a text column"),
    ("no inputs", _set("inputs", {}), "[inputs]"),
    ("a table name with a slash", _rename_input("labs", "../labs"), "[inputs.../labs.[key]]"),
    ("a bad version", _set("version", "1.0"), "[version]"),
    ("an upper-case name", _set("name", "Demo"), "[name]"),
]


@pytest.mark.parametrize(("label", "change"), VALID, ids=[v[0] for v in VALID])
def test_valid_documents_load(tmp_path: Path, label: str, change: Callable[[Doc], None]) -> None:
    doc = copy.deepcopy(pipeline_doc())
    change(doc)
    path = write_pipeline(tmp_path, doc)
    pipeline = load_pipeline(path)
    assert pipeline.source == path.resolve() and pipeline.sha256 is not None and len(pipeline.sha256) == 64
    assert pipeline.resolve("x.yaml") == tmp_path.resolve() / "x.yaml"


@pytest.mark.parametrize(("label", "change", "expected"), INVALID, ids=[v[0] for v in INVALID])
def test_invalid_documents_name_file_and_key(
    tmp_path: Path, label: str, change: Callable[[Doc], None], expected: str
) -> None:
    doc = copy.deepcopy(pipeline_doc())
    change(doc)
    path = write_pipeline(tmp_path, doc)
    with pytest.raises(PipelineError) as caught:
        load_pipeline(path)
    assert any(line.startswith(f"{path}: [") and expected in line for line in caught.value.problems), (
        caught.value.problems
    )


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    doc = pipeline_doc()
    doc["engine"] = "spark"
    doc["risk_population"] = -1
    doc["extra"] = 1
    with pytest.raises(PipelineError) as caught:
        load_pipeline(write_pipeline(tmp_path, doc))
    assert len(caught.value.problems) == 3
    assert "see `deid pipeline schema`" in " ".join(caught.value.problems)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name: [unclosed\n", "YAML syntax error at line"),
        ("- a list\n", "[] a pipeline is a mapping"),
        ("", "[] a pipeline is a mapping"),
    ],
)
def test_unreadable_documents(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(content)
    with pytest.raises(PipelineError, match=expected.replace("[", r"\[")):
        load_pipeline(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="pipeline file not found"):
        load_pipeline(tmp_path / "nope.yaml")


def _undescribed(schema: dict[str, Any]) -> list[str]:
    missing = []
    for name, definition in schema.get("$defs", {}).items():
        for field, spec in definition.get("properties", {}).items():
            if not spec.get("description"):
                missing.append(f"{name}.{field}")
    for field, spec in schema.get("properties", {}).items():
        if not spec.get("description"):
            missing.append(f"{schema.get('title')}.{field}")
    return missing


@pytest.mark.parametrize("model", [Pipeline, Manifest, VerificationResult, Plan, ReleaseFacts])
def test_every_field_is_described(model: type) -> None:
    assert _undescribed(model.model_json_schema()) == []  # type: ignore[attr-defined]


def test_schema_is_generated_json() -> None:
    schema = json.loads(pipeline_json_schema())
    assert schema["title"] == "deid pipeline"
    assert set(schema["required"]) == set(Pipeline.model_fields)


@pytest.mark.parametrize("path", sorted((ROOT / "pipelines").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_pipelines_load(path: Path) -> None:
    pipeline = load_pipeline(path)
    assert pipeline.resolve(pipeline.policy).is_file()
