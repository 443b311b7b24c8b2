"""Patient-level propagation: what one note names with a cue is sought in the patient's other notes."""

from __future__ import annotations

import pytest

from deid.text.propagation import SOURCE, Propagator, propagate
from deid.text.spans import Span


def _find(text: str, value: str, score: float = 0.8, label: str = "NAME") -> Span:
    start = text.index(value)
    return Span(start, start + len(value), label, score, "deid.name.v1:relation")


def _values(text: str, spans: list[Span]) -> list[str]:
    return [text[s.start:s.end] for s in spans if s.source == SOURCE]


NOTE_CUED = "daughter Quillonda called, will visit tomorrow"
NOTE_BARE = "plan discussed; Quillonda agrees with comfort care"


@pytest.mark.parametrize(("persons", "score", "expected"), [
    (("p1", "p1"), 0.8, ["Quillonda"]),   # same patient: found in the other note
    (("p1", "p2"), 0.8, []),              # another patient: not sought
    (("p1", "p1"), 0.55, []),             # a weak finding teaches nothing
    (("p1", None), 0.8, []),              # a note of nobody known
])
def test_patient_level(persons: tuple[str | None, str | None], score: float, expected: list[str]) -> None:
    texts = [NOTE_CUED, NOTE_BARE]
    spans = [[_find(NOTE_CUED, "Quillonda", score)], []]
    out = propagate(texts, spans, list(persons))
    assert _values(NOTE_BARE, out[1]) == expected
    assert out[0] == spans[0]


def test_titled_clinician_is_sought_in_every_note() -> None:
    texts = ["Dr. Zabrowski aware of BP", "zabrowski to see pt in am"]
    spans = [[_find(texts[0], "Zabrowski", 0.85)], []]
    out = propagate(texts, spans, ["p1", "p2"])
    assert _values(texts[1], out[1]) == ["zabrowski"]


@pytest.mark.parametrize("value", ["Foley", "Alert", "Heparin", "Mo"])
def test_clinical_and_everyday_words_are_not_taught(value: str) -> None:
    texts = [f"son {value} here", f"{value} in place"]
    out = propagate(texts, [[_find(texts[0], value)], []], ["p1", "p1"])
    assert _values(texts[1], out[1]) == []


def test_a_value_mostly_uncued_is_vocabulary() -> None:
    cued = "wife Ostrander called"
    bare = ["ostrander gtt at 50", "ostrander increased", "ostrander off", "ostrander 25", "ostrander held"]
    texts = [cued, *bare]
    spans = [[_find(cued, "Ostrander")], *[[] for _ in bare]]
    out = propagate(texts, spans, ["p1"] * len(texts))
    assert all(not _values(t, s) for t, s in zip(bare, out[1:]))


def test_streaming_form_keeps_what_earlier_batches_taught() -> None:
    propagator = Propagator()
    propagator.learn("p1", NOTE_CUED, [_find(NOTE_CUED, "Quillonda")])
    out = propagator.extend_all(["p1"], [NOTE_BARE], [[]])
    assert _values(NOTE_BARE, out[0]) == ["Quillonda"]


def test_accented_text_keeps_offsets() -> None:
    texts = ["husband Zoltán Berényi called", "Berényi at bedside"]
    out = propagate(texts, [[_find(texts[0], "Zoltán Berényi")], []], ["p", "p"])
    # the full name is taught, not its parts: a bare surname is a new finding for the name rules
    assert _values(texts[1], out[1]) == []
    texts = ["husband Berényi called", "BERÉNYI at bedside"]
    out = propagate(texts, [[_find(texts[0], "Berényi")], []], ["p", "p"])
    assert _values(texts[1], out[1]) == ["BERÉNYI"]


def test_a_titled_name_teaches_the_name_alone() -> None:
    texts = ["Dr. Quillonda aware of BP", "quillonda at bedside"]
    start = texts[0].index("Dr.")
    spans = [[Span(start, start + len("Dr. Quillonda"), "NAME", 0.85, "deid.name.v1:title")], []]
    out = propagate(texts, spans, ["p1", "p1"])
    assert _values(texts[1], out[1]) == ["quillonda"]
