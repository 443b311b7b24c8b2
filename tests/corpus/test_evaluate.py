"""`deid corpus evaluate` on prediction files: the gate, the JUnit file, leaks without values, shared corpora."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from deid.corpus import evaluate_corpus, read_gold, read_predictions
from deid.corpus.split import withheld
from deid.errors import ConfigError, InputError, LeakError

GOLD = [
    {"doc_id": "a", "group_id": "p1", "source": "t", "text": "Seen John Smith on 5/13.",
     "spans": [{"start": 5, "end": 15, "label": "NAME", "text": "John Smith"},
               {"start": 19, "end": 23, "label": "DATE", "text": "5/13"}]},
    {"doc_id": "b", "group_id": "p1", "source": "t", "text": "BP 120/80, K 4.1.", "spans": []},
]


def write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture()
def gold(tmp_path: Path) -> Path:
    return write(tmp_path / "gold.jsonl", GOLD)


def pred_file(tmp_path: Path, spans: dict[str, list[tuple[int, int]]]) -> Path:
    return write(tmp_path / "pred.jsonl", [
        {"doc_id": d, "spans": [{"start": s, "end": e, "label": "X", "score": 1.0, "source": "t"} for s, e in v]}
        for d, v in spans.items()])


def test_leak_fails_the_gate_and_is_in_junit(tmp_path: Path, gold: Path, corpus_cli: typer.Typer,
                                             runner: CliRunner) -> None:
    pred = pred_file(tmp_path, {"a": [(5, 15)], "b": []})  # the date 5/13 leaks
    junit = tmp_path / "junit.xml"
    result = runner.invoke(corpus_cli, ["corpus", "evaluate", str(gold), "--pred", str(pred), "--junit",
                                        str(junit), "--min-recall", "0.99"])
    assert result.exit_code == LeakError.exit_code, result.output
    assert "strict recall 0.5000" in result.stdout
    assert "doc a DATE 19-23" in result.stdout
    assert "5/13" not in result.stdout + result.stderr  # values only with --show-values
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    failure = suite.find("testcase/failure")
    assert failure is not None and "doc a DATE 19-23" in (failure.text or "")
    assert "5/13" not in junit.read_text()


def test_passing_gate_exits_zero(tmp_path: Path, gold: Path, corpus_cli: typer.Typer, runner: CliRunner) -> None:
    pred = pred_file(tmp_path, {"a": [(5, 15), (19, 23)]})
    junit = tmp_path / "junit.xml"
    result = runner.invoke(corpus_cli, ["corpus", "evaluate", str(gold), "--pred", str(pred), "--junit", str(junit),
                                        "--min-recall", "1.0", "--min-precision", "1.0"])
    assert result.exit_code == 0, result.output
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "0" and suite.get("tests") == "2"


def test_precision_gate(tmp_path: Path, gold: Path, corpus_cli: typer.Typer, runner: CliRunner) -> None:
    pred = pred_file(tmp_path, {"a": [(5, 15), (19, 23)], "b": [(3, 9)]})  # over-scrubs the PHI-free doc
    result = runner.invoke(corpus_cli, ["corpus", "evaluate", str(gold), "--pred", str(pred),
                                        "--min-precision", "0.9"])
    assert result.exit_code == LeakError.exit_code
    assert "over-scrubbing: 1/1 PHI-free documents touched" in result.stdout


def test_show_values(tmp_path: Path, gold: Path, corpus_cli: typer.Typer, runner: CliRunner) -> None:
    pred = pred_file(tmp_path, {"a": [(5, 15)]})
    result = runner.invoke(corpus_cli, ["corpus", "evaluate", str(gold), "--pred", str(pred), "--show-values"])
    assert result.exit_code == 0  # no threshold asked for: scores only
    assert "value='5/13'" in result.stdout


@pytest.mark.parametrize(("rows", "message"), [
    ([{"doc_id": "zz", "spans": []}], "doc_id is not in the gold corpus"),
    ([{"doc_id": "a", "spans": [{"start": 5, "end": 99}]}], "outside the document"),
    ([{"doc_id": "a", "spans": []}, {"doc_id": "a", "spans": []}], "second prediction line"),
    ([{"doc": "a"}], "not a prediction line"),
])
def test_bad_predictions_are_input_errors(tmp_path: Path, gold: Path, rows: list[dict[str, object]],
                                          message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_predictions(write(tmp_path / "p.jsonl", rows), read_gold(gold))


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["spans"][0].update(end=14), "do not match"),
    (lambda d: d.update(extra=1), "not a gold document"),
    (lambda d: d.pop("group_id"), "not a gold document"),
])
def test_bad_gold_is_an_input_error_without_values(tmp_path: Path, change, message: str) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(json.dumps(GOLD[0]))
    change(doc)
    with pytest.raises(InputError, match=message) as info:
        read_gold(write(tmp_path / "g.jsonl", [doc]))
    assert "John" not in str(info.value)


def test_pred_and_policy_are_exclusive(tmp_path: Path, gold: Path, root: Path) -> None:
    pred = pred_file(tmp_path, {})
    with pytest.raises(ConfigError):
        evaluate_corpus(gold, pred_path=pred, policy_path=root / "policies" / "safe-harbor.yaml")
    with pytest.raises(ConfigError):
        evaluate_corpus(gold, pred_path=pred, min_recall=1.5)


@pytest.mark.parametrize(("corpus", "docs", "spans"), [
    ("physionet-deid/dev.jsonl", 1728, 1234),
    ("presidio-synth/synth.jsonl", 1500, 2863),
])
def test_shared_corpora_are_accepted_as_gold(shared: Path, tmp_path: Path, corpus: str, docs: int,
                                             spans: int) -> None:
    gold_path = shared / "corpora" / corpus
    gold = read_gold(gold_path)
    assert (len(gold), sum(len(d.spans) for d in gold)) == (docs, spans)
    # Predicting exactly the gold spans scores 1 everywhere, with the corpus's own labels per label.
    perfect = write(tmp_path / "perfect.jsonl", [
        {"doc_id": d.doc_id, "spans": [{"start": s.start, "end": s.end} for s in d.spans]} for d in gold])
    report = evaluate_corpus(gold_path, pred_path=perfect, min_recall=1.0, min_precision=1.0)
    assert report.passed and report.scores.strict_recall == 1.0 and report.scores.precision == 1.0
    assert {row.label for row in report.scores.per_label} == {s.label for d in gold for s in d.spans}
    # Predicting nothing leaks every span (a sealed patient's leaks are counted, never listed).
    empty = evaluate_corpus(gold_path, pred_path=write(tmp_path / "none.jsonl", []), min_recall=0.5)
    assert sum(row.leaks for row in empty.scores.per_label) == spans and not empty.passed
    hidden = withheld(gold)
    assert len(empty.scores.leaks) == spans - sum(len(d.spans) for d in gold if d.doc_id in hidden)
    with pytest.raises(LeakError):
        empty.raise_for_failures()
