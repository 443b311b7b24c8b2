"""``deid demo``: the main job, end to end, on a synthetic hospital made on the spot.

Until the release pipeline lands (issue 6) the demo runs what exists: it generates a synthetic hospital
with planted PHI (:mod:`deid.corpus`), scrubs every note under the Safe Harbor policy with throw-away demo
keys, feeding each patient's own identifiers from the records to the scrubber, writes the scrubbed notes,
and scores them against the planted gold spans. Everything stays under ``out_dir``; nothing printed
contains a value from the data.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from deid.corpus.detection import identifiers_from_records
from deid.corpus.generate import generate_corpus
from deid.corpus.gold import PredSpan, read_gold, write_jsonl
from deid.corpus.scoring import score_documents
from deid.keys import KeySet
from deid.policy import load_policy
from deid.text import Detector
from deid.text.replace import Replacer

PROJECT = Path(__file__).resolve().parent.parent
DEMO_POLICY = PROJECT / "policies" / "safe-harbor.yaml"


@dataclass
class DemoSummary:
    """What the demo did, in counts and scores only."""

    hospital_dir: Path
    scrubbed_notes: Path
    rows: dict[str, int]
    notes: int
    replacements: Counter[str] = field(default_factory=Counter)
    gold_spans: int = 0
    strict_recall: float = 0.0
    precision: float = 0.0
    leaks_by_label: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def run_demo(out_dir: str | Path, *, patients: int = 40, notes_per_patient: int = 3, seed: int = 7,
             advance: Callable[[int], None] | None = None) -> DemoSummary:
    """Generate, scrub and score the demo hospital under ``out_dir``."""
    started = time.perf_counter()
    out = Path(out_dir)
    hospital = out / "hospital"
    corpus = generate_corpus(hospital, patients=patients, notes_per_patient=notes_per_patient, seed=seed)
    policy = load_policy(DEMO_POLICY)
    keys = KeySet.demo_keys()
    detector = Detector.from_policy(policy)
    replacer = Replacer(policy, keys.pseudonym_key)
    known = identifiers_from_records(hospital)
    gold = read_gold(hospital / "gold.jsonl")
    summary = DemoSummary(hospital, out / "scrubbed_notes.jsonl", dict(corpus.rows), len(gold))
    predictions: dict[str, list[PredSpan]] = {}
    scrubbed: list[dict[str, object]] = []
    batch = 32
    for start in range(0, len(gold), batch):
        docs = gold[start:start + batch]
        found = detector.detect([d.text for d in docs], [known.get(d.group_id) for d in docs])
        for doc, spans in zip(docs, found):
            predictions[doc.doc_id] = [PredSpan(start=s.start, end=s.end, label=s.label, score=s.score,
                                                source=s.source) for s in spans]
            text, done = replacer.replace(doc.text, spans, doc.group_id)
            summary.replacements.update(r.category for r in done)
            scrubbed.append({"doc_id": doc.doc_id, "text": text,
                             "replacements": [r.__dict__ for r in done]})
        if advance:
            advance(len(docs))
    write_jsonl(summary.scrubbed_notes, scrubbed)
    scores = score_documents(gold, predictions)
    summary.gold_spans = sum(len(d.spans) for d in gold)
    summary.strict_recall = scores.strict_recall
    summary.precision = scores.precision
    summary.leaks_by_label = Counter(leak.label for leak in scores.leaks)
    summary.seconds = time.perf_counter() - started
    return summary
