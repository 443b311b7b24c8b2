"""Planted-PHI corpora and the leak gate: generate, score, scan, and plant canaries in production runs.

- :mod:`deid.corpus.generate`: the synthetic hospital (four Parquet tables) with gold spans of planted PHI
- :mod:`deid.corpus.gold`: the gold and prediction file formats (``../shared/corpora/FORMAT.md``)
- :mod:`deid.corpus.scoring`: label-blind scores (span/strict/character recall, precision, F2), pure functions
- :mod:`deid.corpus.evaluate`: ``deid corpus evaluate``: scores, thresholds, JUnit XML
- :mod:`deid.corpus.detection`: the one place detection (:mod:`deid.text`) is called

To add a note kind, write a template function in :mod:`deid.corpus.notes` and list it in ``TEMPLATES``.
"""

from deid.corpus.evaluate import EvaluationReport, Threshold, evaluate_corpus, render_text, write_junit
from deid.corpus.generate import CorpusSummary, SyntheticCorpus, build_corpus, generate_corpus
from deid.corpus.gold import GoldDoc, GoldSpan, PredDoc, PredSpan, read_gold, read_predictions, write_jsonl
from deid.corpus.scoring import LabelScores, Leak, Scores, score_documents

__all__ = [
    "CorpusSummary",
    "EvaluationReport",
    "GoldDoc",
    "GoldSpan",
    "LabelScores",
    "Leak",
    "PredDoc",
    "PredSpan",
    "Scores",
    "SyntheticCorpus",
    "Threshold",
    "build_corpus",
    "evaluate_corpus",
    "generate_corpus",
    "read_gold",
    "read_predictions",
    "render_text",
    "score_documents",
    "write_jsonl",
    "write_junit",
]
