"""The project's own leak gate: a generated planted corpus, scrubbed by the shipped detector, must not leak.

Fails when strict (leak-free) recall drops below 0.995 or when any planted SSN, MRN, phone, e-mail, URL or IP
address survives. Detection runs as a production run does: configured by the Safe Harbor policy, with each
patient's own records (record-aware scrubbing). Rerun by hand with::

    deid corpus generate /tmp/gate --patients 40 --notes-per-patient 4 --seed 2024
    deid corpus evaluate /tmp/gate/gold.jsonl --policy policies/safe-harbor.yaml --records /tmp/gate \\
        --min-recall 0.995
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deid.corpus import evaluate_corpus, generate_corpus
from deid.corpus.evaluate import leak_line

MIN_STRICT_RECALL = 0.995
NEVER_LEAK = ("SSN", "MRN", "PHONE", "EMAIL", "URL", "IP_ADDRESS")


@pytest.mark.slow
def test_generated_corpus_does_not_leak(tmp_path: Path, root: Path) -> None:
    generate_corpus(tmp_path, patients=40, notes_per_patient=4, seed=2024)
    report = evaluate_corpus(tmp_path / "gold.jsonl", policy_path=root / "policies" / "safe-harbor.yaml",
                             records_dir=tmp_path, min_recall=MIN_STRICT_RECALL, junit_path=tmp_path / "junit.xml")
    scores = report.scores
    never = [leak for leak in scores.leaks if leak.label in NEVER_LEAK]
    assert not never, f"{len(never)} planted identifier(s) survived:\n" + "\n".join(map(leak_line, never[:40]))
    assert scores.strict_recall >= MIN_STRICT_RECALL, (
        f"strict recall {scores.strict_recall:.4f} < {MIN_STRICT_RECALL}; per label: "
        + ", ".join(f"{row.label} {row.strict_recall:.3f}" for row in scores.per_label)
    )


#: Issue 11 asks for 0.97 without records; this tree measures the figure in the README, and the floor keeps
#: it from falling back.
MIN_RECALL_WITHOUT_RECORDS = 0.935


@pytest.mark.slow
def test_generated_hospital_without_records(tmp_path: Path, root: Path) -> None:
    """Seed 11, 200 notes, detection with no patient records: the detector alone, as on a new site's notes."""
    generate_corpus(tmp_path, patients=50, notes_per_patient=4, seed=11)
    report = evaluate_corpus(tmp_path / "gold.jsonl", policy_path=root / "policies" / "safe-harbor.yaml",
                             min_recall=MIN_RECALL_WITHOUT_RECORDS, min_precision=0.95)
    assert report.passed, [(t.name, round(t.value, 4)) for t in report.thresholds]
    assert report.scores.over_scrub_rate is not None and report.scores.over_scrub_rate <= 0.05
