"""The project's own leak gate: a generated planted corpus, scrubbed by the shipped detector, must not leak.

Fails when strict (leak-free) recall drops below 0.99 or when any planted SSN, MRN, phone, e-mail, URL or IP
address survives. Detection runs as a production run does: configured by the Safe Harbor policy, with each
patient's own records (record-aware scrubbing). Rerun by hand with::

    deid corpus generate /tmp/gate --patients 40 --notes-per-patient 4 --seed 2024
    deid corpus evaluate /tmp/gate/gold.jsonl --policy policies/safe-harbor.yaml --records /tmp/gate \\
        --min-recall 0.99
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deid.corpus import evaluate_corpus, generate_corpus
from deid.corpus.evaluate import leak_line

MIN_STRICT_RECALL = 0.99
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
