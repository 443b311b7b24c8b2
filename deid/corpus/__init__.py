"""Planted-PHI corpora and the leak gate: generate, score, scan, and plant canaries in production runs.

- :mod:`deid.corpus.generate`: the synthetic hospital (four Parquet tables) with gold spans of planted PHI
- :mod:`deid.corpus.gold`: the gold and prediction file formats (``../shared/corpora/FORMAT.md``)
- :mod:`deid.corpus.scoring`: label-blind scores (span/strict/character recall, precision, F2), pure functions
- :mod:`deid.corpus.evaluate`: ``deid corpus evaluate``: scores, thresholds, JUnit XML
- :mod:`deid.corpus.detection`: the one place detection (:mod:`deid.text`) is called
- :mod:`deid.corpus.scan`: ``deid scan``: residual PHI in cells, identifying columns, planted values
- :mod:`deid.corpus.canaries`: canary patients for production runs: plant, check, remove, report

To add a note kind, write a template function in :mod:`deid.corpus.notes` and list it in ``TEMPLATES``.
"""

from deid.corpus.canaries import (
    CANARY_PREFIX,
    CanaryReport,
    CanarySet,
    add_canaries,
    check_canaries,
    make_canaries,
    remove_canaries,
)
from deid.corpus.evaluate import EvaluationReport, Threshold, evaluate_corpus, render_text, write_junit
from deid.corpus.generate import CorpusSummary, SyntheticCorpus, build_corpus, generate_corpus
from deid.corpus.gold import GoldDoc, GoldSpan, PredDoc, PredSpan, read_gold, read_predictions, write_jsonl
from deid.corpus.scan import ScanReport, render_scan, scan_path
from deid.corpus.scoring import LabelScores, Leak, Scores, score_documents

__all__ = [
    "CANARY_PREFIX",
    "CanaryReport",
    "CanarySet",
    "CorpusSummary",
    "EvaluationReport",
    "GoldDoc",
    "GoldSpan",
    "LabelScores",
    "Leak",
    "PredDoc",
    "PredSpan",
    "ScanReport",
    "Scores",
    "SyntheticCorpus",
    "Threshold",
    "add_canaries",
    "build_corpus",
    "check_canaries",
    "evaluate_corpus",
    "generate_corpus",
    "make_canaries",
    "read_gold",
    "read_predictions",
    "remove_canaries",
    "render_scan",
    "render_text",
    "scan_path",
    "score_documents",
    "write_jsonl",
    "write_junit",
]
