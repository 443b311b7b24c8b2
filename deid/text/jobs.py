"""File-level jobs behind ``deid detect`` and ``deid scrub``: stream in, detect, write atomically.

Output is written to a temporary file beside the target and renamed into place when complete, so a
failed or killed job never leaves a half-written result. Summaries carry counts, never values.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from deid.io import read_documents, write_jsonl_line
from deid.policy import Policy
from deid.text.detector import Detector
from deid.text.replace import Replacer


@dataclass
class JobSummary:
    """Counts of one job: documents, spans by category, replacements by action."""

    documents: int = 0
    spans: Counter[str] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)


def _atomic_target(output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    return output.with_name(f".{output.name}.partial-{os.getpid()}")


def detect_file(
    input_path: str | Path, output_path: str | Path, detector: Detector, *, id_column: str = "doc_id",
    text_column: str = "text", on_batch: Callable[[int], None] | None = None,
) -> JobSummary:
    """Write one JSON line of spans per input document."""
    output = Path(output_path)
    partial = _atomic_target(output)
    summary = JobSummary()
    try:
        with partial.open("w", encoding="utf-8") as fh:
            for batch in read_documents(input_path, id_column, text_column):
                for doc, spans in zip(batch, detector.detect([d.text for d in batch])):
                    write_jsonl_line(fh, {"doc_id": doc.doc_id, "spans": [s.to_dict() for s in spans]})
                    summary.spans.update(s.label for s in spans)
                summary.documents += len(batch)
                if on_batch:
                    on_batch(len(batch))
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def scrub_file(
    input_path: str | Path, output_path: str | Path, detector: Detector, policy: Policy, key: bytes, *,
    id_column: str = "doc_id", text_column: str = "text", person_column: str | None = "group_id",
    on_batch: Callable[[int], None] | None = None,
) -> JobSummary:
    """Write each document with its text scrubbed and the replacements made (positions, rule, reason)."""
    output = Path(output_path)
    partial = _atomic_target(output)
    replacer = Replacer(policy, key)
    summary = JobSummary()
    try:
        with partial.open("w", encoding="utf-8") as fh:
            for batch in read_documents(input_path, id_column, text_column, person_column):
                for doc, spans in zip(batch, detector.detect([d.text for d in batch])):
                    text, done = replacer.replace(doc.text, spans, doc.person)
                    write_jsonl_line(fh, {id_column: doc.doc_id, "person": doc.person, text_column: text,
                                          "replacements": [r.__dict__ for r in done]})
                    summary.spans.update(r.category for r in done)
                    summary.actions.update(r.action for r in done)
                summary.documents += len(batch)
                if on_batch:
                    on_batch(len(batch))
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return summary
