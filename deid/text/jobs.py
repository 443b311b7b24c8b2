"""File-level jobs behind ``deid detect`` and ``deid scrub``: stream in, detect, write atomically.

Output is written to a temporary file beside the target and renamed into place when complete, so a
failed or killed job never leaves a half-written result. Summaries carry counts, never values.

Large inputs use every core: batches go to worker processes (forked from the process that already holds
the loaded detector, so no model is loaded twice) and come back in input order. At most two batches per
worker are in flight, so memory stays bounded whatever the input size.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from deid.io import read_documents, write_jsonl_line
from deid.policy import Policy
from deid.text.detector import Detector
from deid.text.replace import Replacer
from deid.text.spans import Span

#: Inputs smaller than this run in one process: forking workers costs more than it saves.
PARALLEL_MIN_BYTES = 2_000_000
_WORKER_DETECTOR: Detector | None = None


@dataclass
class JobSummary:
    """Counts of one job: documents, spans by category, replacements by action."""

    documents: int = 0
    spans: Counter[str] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)


def _atomic_target(output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    return output.with_name(f".{output.name}.partial-{os.getpid()}")


def worker_count(input_path: str | Path, workers: int) -> int:
    """Processes for a job: ``workers`` if positive, else every core for a large input and one otherwise."""
    if workers > 0:
        return workers
    try:
        large = Path(input_path).stat().st_size >= PARALLEL_MIN_BYTES
    except OSError:
        large = False
    return (os.cpu_count() or 1) if large else 1


def _detect_in_worker(texts: Sequence[str]) -> list[list[Span]]:
    assert _WORKER_DETECTOR is not None, "worker started without a detector"
    return _WORKER_DETECTOR.detect(texts)


def detect_batches(detector: Detector, batches: Iterable[Sequence[str]], workers: int = 1) -> Iterator[list[list[Span]]]:
    """Spans for each batch of texts, in input order, on ``workers`` processes.

    Workers are forked after the detector is loaded and inherit it; where fork is unavailable the
    batches run in this process.
    """
    global _WORKER_DETECTOR
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for texts in batches:
            yield detector.detect(texts)
        return
    _WORKER_DETECTOR = detector
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            pending: deque[Future[list[list[Span]]]] = deque()
            for texts in batches:
                pending.append(pool.submit(_detect_in_worker, list(texts)))
                if len(pending) >= 2 * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
    finally:
        _WORKER_DETECTOR = None


def _with_spans(batches: Iterable[list], detector: Detector, workers: int) -> Iterator[tuple[list, list[list[Span]]]]:
    """Each batch of documents with its spans, keeping the documents of in-flight batches in order."""
    held: deque[list] = deque()

    def texts() -> Iterator[list[str]]:
        for batch in batches:
            held.append(batch)
            yield [d.text for d in batch]

    for spans in detect_batches(detector, texts(), workers):
        yield held.popleft(), spans


def detect_file(
    input_path: str | Path, output_path: str | Path, detector: Detector, *, id_column: str = "doc_id",
    text_column: str = "text", on_batch: Callable[[int], None] | None = None, workers: int = 1,
) -> JobSummary:
    """Write one JSON line of spans per input document (``workers``: processes, see :func:`worker_count`)."""
    output = Path(output_path)
    partial = _atomic_target(output)
    summary = JobSummary()
    try:
        with partial.open("w", encoding="utf-8") as fh:
            batches = read_documents(input_path, id_column, text_column)
            for batch, found in _with_spans(batches, detector, workers):
                for doc, spans in zip(batch, found):
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
    on_batch: Callable[[int], None] | None = None, workers: int = 1,
) -> JobSummary:
    """Write each document with its text scrubbed and the replacements made (positions, rule, reason)."""
    output = Path(output_path)
    partial = _atomic_target(output)
    replacer = Replacer(policy, key)
    summary = JobSummary()
    try:
        with partial.open("w", encoding="utf-8") as fh:
            batches = read_documents(input_path, id_column, text_column, person_column)
            for batch, found in _with_spans(batches, detector, workers):
                for doc, spans in zip(batch, found):
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
