"""Long notes: windows in bounded groups, shared among processes, the same spans; a size limit that names the
note, never its text."""

from __future__ import annotations

import dataclasses
from itertools import pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deid.cli import app
from deid.errors import InputError
from deid.policy import load_policy
from deid.text import Detector
from deid.text import detector as detector_module
from deid.text.detector import DetectorConfig, long_windows
from deid.text.spans import merge_spans

ROOT = Path(__file__).resolve().parents[2]

PARAGRAPHS = [
    "Seen today with her daughter Mirela Vastokova, who called from Dayton; Dr. Okonkwo aware.",
    "MRN 4471029. Follow-up at Riverside Clinic on 3/14/2023, call (614) 555-0187 with questions.",
    "Lungs clear, heart regular. Heparin drip continued, K 4.1, Cr 0.9. Plan discussed with patient.",
    "Transferred to Mercy Hospital in Springfield per Tamsin Pellegrue NP. Son Idris at bedside.",
]


def long_text(chars: int) -> str:
    parts, k = [], 0
    while sum(len(p) + 1 for p in parts) < chars:
        parts.append(f"{PARAGRAPHS[k % len(PARAGRAPHS)]} Visit {k}.")
        k += 1
    return "\n".join(parts)


def test_windows_cover_the_text_and_overlap_a_little() -> None:
    text = long_text(40_000)
    windows = long_windows(text)
    assert windows[0][0] == 0 and windows[-1][1] == len(text)
    for (a, b), (c, _) in pairwise(windows):
        assert b - a <= detector_module.WINDOW and a < c <= b and b - c <= detector_module.OVERLAP


def reference(detector: Detector, text: str) -> list:
    """The long path as it was: every window at once, one process."""
    windows = long_windows(text)
    return merge_spans(detector._detect_windows([text[a:b] for a, b in windows], [a for a, _ in windows], None))


def test_groups_and_processes_give_the_same_spans(detector: Detector, monkeypatch: pytest.MonkeyPatch) -> None:
    text = long_text(30_000)
    expected = reference(detector, text)
    assert expected
    seen: list[int] = []
    entities = detector._entities

    def spy(chunks):  # type: ignore[no-untyped-def]
        seen.append(len(chunks))
        return entities(chunks)

    monkeypatch.setattr(detector_module, "LONG_GROUP", 2)
    monkeypatch.setattr(detector, "_entities", spy)
    monkeypatch.setattr(detector, "config", dataclasses.replace(detector.config, long_text_workers=1))
    assert detector.detect([text])[0] == expected
    assert seen and max(seen) <= 2  # NER never sees more than one group's windows

    monkeypatch.setattr(detector_module, "PARALLEL_CHARS", 10_000)
    monkeypatch.setattr(detector, "config", dataclasses.replace(detector.config, long_text_workers=2))
    assert detector._long_workers(len(text), 4) == 2
    assert detector.detect([text])[0] == expected


def test_no_nested_processes_below_the_threshold(detector: Detector) -> None:
    assert detector._long_workers(detector_module.PARALLEL_CHARS - 1, 10) == 1
    assert detector._long_workers(detector_module.PARALLEL_CHARS, 1) == 1


def test_a_note_over_the_limit_is_named_not_quoted(detector: Detector, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detector, "config", dataclasses.replace(detector.config, max_chars=200))
    secret = "Patient Quillon Ardessa " * 10
    with pytest.raises(InputError) as raised:
        detector.detect(["short note", secret])
    message = str(raised.value)
    assert "text 1" in message and f"{len(secret):,}" in message and "200" in message
    assert "Quillon" not in message and "Ardessa" not in message
    assert raised.value.exit_code == 4 and raised.value.index == 1 and raised.value.length == len(secret)
    assert detector.detect(["short note", secret[:200]])  # at the limit is accepted


def test_the_limit_comes_from_the_policy() -> None:
    policy = load_policy(ROOT / "policies" / "safe-harbor.yaml")
    assert policy.text.max_note_chars == 10_000_000
    assert DetectorConfig().max_chars == detector_module.DEFAULT_MAX_CHARS


def test_cli_reports_a_note_over_the_limit(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text((ROOT / "policies" / "safe-harbor.yaml").read_text()
                      .replace("max_note_chars: 10000000", "max_note_chars: 100"))
    notes = tmp_path / "notes.jsonl"
    notes.write_text('{"doc_id": "a", "text": "Brief note."}\n'
                     '{"doc_id": "b", "text": "' + "Seen by Dr. Zephyrine Moltravo. " * 5 + '"}\n')
    result = CliRunner().invoke(app, ["detect", str(notes), "-o", str(tmp_path / "out.jsonl"), "--policy", str(policy)])
    assert result.exit_code == 4, result.output
    assert "text 1" in result.output and "over the limit of 100" in result.output
    assert "Zephyrine" not in result.output and not (tmp_path / "out.jsonl").exists()
