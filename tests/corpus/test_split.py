"""The sealed split of the PhysioNet development corpus: computable by anyone, and never listing a sealed leak."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deid.corpus.evaluate import evaluate_corpus
from deid.corpus.gold import read_gold
from deid.corpus.split import Split, is_sealed, select, withheld
from deid.errors import ConfigError


@pytest.mark.parametrize("group_id", ["1", "2", "17", "131", "patient-a", "x" * 40])
def test_sealed_is_the_last_hex_digit_rule(group_id: str) -> None:
    assert is_sealed(group_id) == (hashlib.sha256(group_id.encode()).hexdigest()[-1] in "012")


def test_physionet_sealed_part_is_14_patients_115_notes_95_spans(shared: Path) -> None:
    docs = read_gold(shared / "corpora" / "physionet-deid" / "dev.jsonl")
    sealed = select(docs, Split.SEALED)
    opened = select(docs, Split.OPEN)
    assert len({d.group_id for d in sealed}) == 14
    assert len(sealed) == 115
    assert sum(len(d.spans) for d in sealed) == 95
    assert len(sealed) + len(opened) == len(docs)
    assert not {d.group_id for d in sealed} & {d.group_id for d in opened}
    assert withheld(docs) == {d.doc_id for d in sealed}


def _corpus(tmp_path: Path) -> Path:
    """Two PhysioNet-sourced patients (one sealed, one open), each with one span that no prediction covers."""
    sealed_id = next(str(i) for i in range(100) if is_sealed(str(i)))
    open_id = next(str(i) for i in range(100) if not is_sealed(str(i)))
    path = tmp_path / "gold.jsonl"
    lines = [{"doc_id": f"{g}-1", "group_id": g, "text": "seen by Zed today", "source": "physionet_deid",
              "spans": [{"start": 8, "end": 11, "label": "HCPName", "text": "Zed"}]} for g in (sealed_id, open_id)]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps({"doc_id": x["doc_id"], "spans": []}) + "\n" for x in lines))
    return path


@pytest.mark.parametrize(("split", "documents", "listed", "leaked"), [
    (Split.ALL, 2, 1, 2), (Split.OPEN, 1, 1, 1), (Split.SEALED, 1, 0, 1),
])
def test_sealed_leaks_are_never_listed(tmp_path: Path, split: Split, documents: int, listed: int,
                                       leaked: int) -> None:
    gold = _corpus(tmp_path)
    report = evaluate_corpus(gold, pred_path=tmp_path / "pred.jsonl", split=split)
    assert report.scores.documents == documents
    assert len(report.scores.leaks) == listed
    assert sum(row.leaks for row in report.scores.per_label) == leaked
    assert all(not is_sealed(leak.doc_id.split("-")[0]) for leak in report.scores.leaks)


def test_sealed_split_refuses_show_values(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="sealed"):
        evaluate_corpus(_corpus(tmp_path), pred_path=tmp_path / "pred.jsonl", split=Split.SEALED, show_values=True)


def test_cli_split_option(tmp_path: Path, corpus_cli, runner: CliRunner) -> None:  # type: ignore[no-untyped-def]
    gold = _corpus(tmp_path)
    result = runner.invoke(corpus_cli, ["corpus", "evaluate", str(gold), "--pred", str(tmp_path / "pred.jsonl"),
                                        "--split", "sealed"])
    assert result.exit_code == 0, result.output
    assert "sealed split: not listed" in result.output
    assert "doc " not in result.output
    bad = runner.invoke(corpus_cli, ["corpus", "evaluate", str(gold), "--split", "closed"])
    assert bad.exit_code == 3
