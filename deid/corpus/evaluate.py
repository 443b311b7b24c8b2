"""``deid corpus evaluate``: score a de-identifier against a gold corpus and gate a build on the result.

Predictions come from a file (``--pred``) or from running detection here (``--policy``, or the default
detector). The thresholds are the gate: ``min_recall`` applies to *strict* recall (the leak-free share of
gold spans; a partly removed span is still a leak) and ``min_precision`` to label-blind precision. The
report lists each leak by document id, label and position; values appear only when asked for, because a
gold corpus built from real notes holds real PHI. A JUnit XML file mirrors the gate for CI systems: one
test case per threshold, the leaks in the failure text, so the exit code and the JUnit verdict agree.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from deid import __version__
from deid.corpus.detection import detect_spans, identifiers_from_records, make_detector
from deid.corpus.gold import read_gold, read_predictions
from deid.corpus.scoring import Leak, Scores, score_documents
from deid.corpus.split import Split, select, withheld
from deid.errors import ConfigError, InputError, LeakError
from deid.policy import load_policy

EVALUATION_SCHEMA_VERSION = 1


class Threshold(BaseModel):
    """One gate of the evaluation and whether it was met."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="The score gated: strict_recall or precision.")
    minimum: float = Field(description="The lowest accepted value.")
    value: float = Field(description="The measured value.")
    passed: bool = Field(description="Whether value >= minimum.")


class EvaluationReport(BaseModel):
    """The scores of one evaluation, where they came from, and the verdict of its thresholds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = Field(default=EVALUATION_SCHEMA_VERSION, description="Version of this report format.")
    tool_version: str = Field(description="deid version that scored.")
    gold: str = Field(description="Path of the gold corpus.")
    gold_sha256: str = Field(description="sha256 of the gold corpus file.")
    predictions: str | None = Field(description="Path of the prediction file, or null when detection ran here.")
    policy: str | None = Field(description="Policy that configured detection, or null (file or default detector).")
    policy_sha256: str | None = Field(description="sha256 of that policy file, or null.")
    records: str | None = Field(description="Folder of patient records used for record-aware detection, or null.")
    split: Split = Field(default=Split.ALL, description="Part of the corpus scored: all, open or sealed "
                         "(deid.corpus.split); on the sealed part the leak list is withheld, only totals are kept.")
    scores: Scores = Field(description="Label-blind and per-label scores, over-scrubbing and leaks.")
    thresholds: list[Threshold] = Field(description="Each gate asked for, with its verdict.")
    passed: bool = Field(description="Whether every threshold was met.")

    def raise_for_failures(self) -> None:
        """Raise :class:`LeakError` naming every failed threshold (no data value in the message)."""
        failed = [t for t in self.thresholds if not t.passed]
        if failed:
            detail = "; ".join(f"{t.name} {t.value:.4f} < {t.minimum}" for t in failed)
            raise LeakError(f"{self.gold}: evaluation below threshold ({detail}); {self.scores.leaked} gold span(s) "
                            "leaked")


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from None


def _check_threshold(name: str, value: float | None) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise ConfigError(f"--{name} must lie between 0 and 1")


def evaluate_corpus(
    gold_path: str | Path,
    *,
    pred_path: str | Path | None = None,
    policy_path: str | Path | None = None,
    records_dir: str | Path | None = None,
    min_recall: float | None = None,
    min_precision: float | None = None,
    show_values: bool = False,
    junit_path: str | Path | None = None,
    advance: Callable[[int], None] | None = None,
    split: Split = Split.ALL,
) -> EvaluationReport:
    """Score ``gold_path`` against predictions (a file, or detection run here); write JUnit if asked.

    Does not raise on a failed threshold: the caller prints the report first, then calls
    :meth:`EvaluationReport.raise_for_failures`. On the sealed split (:mod:`deid.corpus.split`) the report
    keeps totals and per-label figures only: no leak is listed, and ``show_values`` is refused.
    """
    _check_threshold("min-recall", min_recall)
    _check_threshold("min-precision", min_precision)
    if pred_path is not None and (policy_path is not None or records_dir is not None):
        raise ConfigError("give either --pred or detection options (--policy, --records), not both")
    gold_path = Path(gold_path)
    if split is Split.SEALED and show_values:
        raise ConfigError("--show-values cannot be used on the sealed split: only its totals may be read")
    # Whatever the split, leaks of sealed patients are never listed (deid.corpus.split.withheld).
    corpus = read_gold(gold_path)
    gold = select(corpus, split)
    policy = load_policy(policy_path) if policy_path is not None else None
    if pred_path is not None:
        keep = {doc.doc_id for doc in gold}
        predictions = {k: v for k, v in read_predictions(pred_path, corpus).items() if k in keep}
    else:
        detector = make_detector(policy)
        patients = None
        if records_dir is not None:
            known = identifiers_from_records(records_dir)
            patients = [known.get(doc.group_id) for doc in gold]
        spans = detect_spans([doc.text for doc in gold], detector, patients, advance,
                             groups=[doc.group_id for doc in gold])
        predictions = {doc.doc_id: found for doc, found in zip(gold, spans)}
    scores = score_documents(gold, predictions, show_values=show_values)
    if split is Split.SEALED:
        scores = scores.model_copy(update={"leaks": []})
    elif hidden := withheld(gold):
        scores = scores.model_copy(update={"leaks": [leak for leak in scores.leaks if leak.doc_id not in hidden]})
    thresholds = [Threshold(name=name, minimum=minimum, value=value, passed=value >= minimum)
                  for name, minimum, value in (("strict_recall", min_recall, scores.strict_recall),
                                               ("precision", min_precision, scores.precision))
                  if minimum is not None]
    report = EvaluationReport(
        tool_version=__version__, gold=str(gold_path), gold_sha256=_sha256(gold_path),
        predictions=str(pred_path) if pred_path is not None else None,
        policy=str(policy_path) if policy_path is not None else None,
        policy_sha256=policy.sha256 if policy is not None else None,
        records=str(records_dir) if records_dir is not None else None, split=split,
        scores=scores, thresholds=thresholds, passed=all(t.passed for t in thresholds),
    )
    if junit_path is not None:
        write_junit(report, junit_path)
    return report


def leak_line(leak: Leak) -> str:
    """``doc 12-3 NAME 40-52: 7 characters left (partly removed)``, with the value only if it was kept."""
    how = "partly removed" if leak.detected else "not detected"
    line = f"doc {leak.doc_id} {leak.label} {leak.start}-{leak.end}: {leak.uncovered_chars} character(s) left ({how})"
    return line + (f" value={leak.value!r}" if leak.value is not None else "")


def render_text(report: EvaluationReport, max_leaks: int = 50) -> str:
    """The report as the CLI prints it: headline scores, per-label table, over-scrubbing, leaks, verdict."""
    s = report.scores
    lines = [
        f"gold: {report.gold}  documents: {s.documents}  gold spans: {s.gold_spans}  predicted: {s.predicted_spans}",
        (f"span recall {s.span_recall:.4f}  strict recall {s.strict_recall:.4f}  precision {s.precision:.4f}  "
         f"F2 {s.f2:.4f}  char recall {s.char_recall:.4f}"),
    ]
    if s.over_scrub_rate is not None:
        lines.append(f"over-scrubbing: {s.over_scrubbed_documents}/{s.phi_free_documents} PHI-free documents touched "
                     f"({s.over_scrub_rate:.4f}); {s.over_scrub_char_rate or 0.0:.4f} of their characters removed")
    else:
        lines.append("over-scrubbing: no PHI-free document in the corpus")
    lines.append(f"{'label':<22}{'spans':>7}{'span_rec':>10}{'strict_rec':>12}{'char_rec':>10}{'leaks':>7}")
    for row in s.per_label:
        lines.append(f"{row.label:<22}{row.gold_spans:>7}{row.span_recall:>10.4f}{row.strict_recall:>12.4f}"
                     f"{row.char_recall:>10.4f}{row.leaks:>7}")
    if report.split is Split.SEALED:
        lines.append(f"leaks: {s.leaked} (sealed split: not listed)")
        lines.extend(f"{'PASS' if t.passed else 'FAIL'}: {t.name} {t.value:.4f} >= {t.minimum}"
                     for t in report.thresholds)
        return "\n".join(lines)
    hidden = f" ({s.leaked - len(s.leaks)} of sealed patients not listed)" if s.leaked > len(s.leaks) else ""
    lines.append(f"leaks: {s.leaked}{hidden}")
    lines.extend(f"  {leak_line(leak)}" for leak in s.leaks[:max_leaks])
    if len(s.leaks) > max_leaks:
        lines.append(f"  ... and {len(s.leaks) - max_leaks} more (all of them are in the JUnit file)")
    for t in report.thresholds:
        lines.append(f"{'PASS' if t.passed else 'FAIL'}: {t.name} {t.value:.4f} >= {t.minimum}")
    return "\n".join(lines)


def write_junit(report: EvaluationReport, path: str | Path) -> None:
    """JUnit XML of the gate: a test case per threshold (leaks in the recall failure), scores as properties."""
    s = report.scores
    leaks = "\n".join(leak_line(leak) for leak in s.leaks)
    cases: list[ET.Element] = []
    for t in report.thresholds:
        case = ET.Element("testcase", classname="deid.corpus.evaluate", name=f"{t.name} >= {t.minimum}")
        if not t.passed:
            failure = ET.SubElement(case, "failure", message=f"{t.name} {t.value:.4f} < {t.minimum}",
                                    type="LeakError")
            failure.text = leaks if t.name == "strict_recall" else f"{t.name} {t.value:.4f}"
        cases.append(case)
    if not cases:
        cases.append(ET.Element("testcase", classname="deid.corpus.evaluate", name="scores recorded"))
    failures = sum(1 for t in report.thresholds if not t.passed)
    root = ET.Element("testsuites", name="deid corpus evaluate", tests=str(len(cases)), failures=str(failures))
    suite = ET.SubElement(root, "testsuite", name=f"deid.corpus.evaluate {Path(report.gold).name}",
                          tests=str(len(cases)), failures=str(failures), errors="0", skipped="0")
    properties = ET.SubElement(suite, "properties")
    for name in ("span_recall", "strict_recall", "precision", "f2", "char_recall", "over_scrub_rate"):
        value = getattr(s, name)
        ET.SubElement(properties, "property", name=name, value="null" if value is None else f"{value:.6f}")
    for row in s.per_label:
        ET.SubElement(properties, "property", name=f"strict_recall.{row.label}", value=f"{row.strict_recall:.6f}")
    suite.extend(cases)
    out = ET.SubElement(suite, "system-out")
    out.text = render_text(report, max_leaks=len(s.leaks)) + "\n"
    ET.indent(root)
    try:
        ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    except OSError as exc:
        raise InputError(f"{path}: cannot write the JUnit file ({exc.strerror})") from None


__all__ = ["EVALUATION_SCHEMA_VERSION", "EvaluationReport", "Threshold", "evaluate_corpus", "leak_line",
           "render_text", "write_junit"]
