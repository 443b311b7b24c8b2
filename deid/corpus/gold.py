"""Gold-span corpora and prediction files: reading, validating and writing them.

The gold format is the one of ``../shared/corpora/FORMAT.md``: JSON Lines, one document per line, with
``doc_id``, ``group_id``, ``text``, ``spans`` (``start``, ``end``, ``label``, ``text``) and ``source``.
Predictions are JSON Lines too, one line per document: ``{"doc_id": ..., "spans": [{"start", "end",
"label", "score", "source"}]}``. Errors name the file, the line and the field, never a text value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from deid.errors import InputError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoldSpan(_Strict):
    """One annotated PHI phrase: ``text[start:end]`` of its document."""

    start: int = Field(ge=0, description="Start offset (Python str index, inclusive).")
    end: int = Field(ge=0, description="End offset (Python str index, exclusive).")
    label: str = Field(min_length=1, description="The corpus's own category (a deid Category for deid_synth).")
    text: str = Field(description="The annotated text, equal to the document's text[start:end].")


class GoldDoc(_Strict):
    """One document of a gold corpus with every PHI phrase it contains."""

    doc_id: str = Field(min_length=1, description="Unique within the corpus.")
    group_id: str = Field(min_length=1, description="The person the document belongs to (a patient id).")
    text: str = Field(description="The document's text.")
    spans: list[GoldSpan] = Field(description="Every PHI phrase of the text, in any order.")
    source: str = Field(min_length=1, description="Which corpus or generator the document comes from.")


class PredSpan(_Strict):
    """One span a de-identifier predicted as PHI."""

    start: int = Field(ge=0, description="Start offset (Python str index, inclusive).")
    end: int = Field(ge=0, description="End offset (Python str index, exclusive).")
    label: str = Field(default="", description="The predicted category (ignored by label-blind scores).")
    score: float = Field(default=1.0, description="Confidence of the prediction.")
    source: str = Field(default="", description="The recognizer that found it.")


class PredDoc(_Strict):
    """The predictions for one document."""

    doc_id: str = Field(min_length=1, description="The gold document these spans belong to.")
    spans: list[PredSpan] = Field(description="Every predicted PHI span of the document.")


def _lines(path: Path) -> Iterable[tuple[int, str]]:
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from None
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield number, line
        except UnicodeDecodeError:
            raise InputError(f"{path}: the file is not UTF-8 text") from None


def _problem(exc: ValidationError) -> str:
    first = exc.errors(include_url=False, include_input=False)[0]
    loc = ".".join(str(p) for p in first["loc"])
    return f"[{loc}] {first['msg']}"


def _parse(path: Path, number: int, line: str) -> object:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{number}: not a JSON line (column {exc.colno})") from None


def read_gold(path: str | Path) -> list[GoldDoc]:
    """Read a gold corpus; raise :class:`InputError` on a malformed line or a span off its text."""
    path = Path(path)
    docs: list[GoldDoc] = []
    seen: set[str] = set()
    for number, line in _lines(path):
        try:
            doc = GoldDoc.model_validate(_parse(path, number, line))
        except ValidationError as exc:
            raise InputError(f"{path}:{number}: not a gold document {_problem(exc)}") from None
        if doc.doc_id in seen:
            raise InputError(f"{path}:{number}: doc_id is repeated; every doc_id must be unique")
        seen.add(doc.doc_id)
        for index, span in enumerate(doc.spans):
            if not (span.start < span.end <= len(doc.text)) or doc.text[span.start:span.end] != span.text:
                raise InputError(
                    f"{path}:{number}: [spans.{index}] offsets {span.start}-{span.end} do not match the span's "
                    "text; gold spans must satisfy text[start:end] == span text"
                )
        docs.append(doc)
    return docs


def read_predictions(path: str | Path, gold: Sequence[GoldDoc]) -> dict[str, list[PredSpan]]:
    """Read a prediction file and check it against ``gold``: known doc ids, offsets inside the text.

    A gold document without a prediction line has no predicted spans (everything in it leaks).
    """
    path = Path(path)
    lengths = {doc.doc_id: len(doc.text) for doc in gold}
    predictions: dict[str, list[PredSpan]] = {}
    for number, line in _lines(path):
        try:
            doc = PredDoc.model_validate(_parse(path, number, line))
        except ValidationError as exc:
            raise InputError(f"{path}:{number}: not a prediction line {_problem(exc)}") from None
        if doc.doc_id not in lengths:
            raise InputError(f"{path}:{number}: doc_id is not in the gold corpus")
        if doc.doc_id in predictions:
            raise InputError(f"{path}:{number}: a second prediction line for the same doc_id")
        for index, span in enumerate(doc.spans):
            if not span.start < span.end <= lengths[doc.doc_id]:
                raise InputError(f"{path}:{number}: [spans.{index}] offsets {span.start}-{span.end} lie outside "
                                 "the document's text")
        predictions[doc.doc_id] = list(doc.spans)
    return predictions


def write_jsonl(path: str | Path, rows: Iterable[BaseModel | Mapping[str, object]]) -> None:
    """Write models or mappings as JSON Lines (UTF-8, ``\\n`` line ends, stable key order)."""
    with Path(path).open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            data = row.model_dump(mode="json") if isinstance(row, BaseModel) else dict(row)
            handle.write(json.dumps(data, ensure_ascii=False) + "\n")


__all__ = ["GoldDoc", "GoldSpan", "PredDoc", "PredSpan", "read_gold", "read_predictions", "write_jsonl"]
