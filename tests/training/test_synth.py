"""The tagger's training generator: deterministic, aligned gold spans, every label, every letter case."""

from __future__ import annotations

import pytest

from deid.training.synth import LABELS, generate


@pytest.fixture(scope="module")
def docs() -> list[dict]:  # type: ignore[type-arg]
    return list(generate(300, seed=5))


def test_same_seed_same_documents() -> None:
    assert list(generate(20, seed=9)) == list(generate(20, seed=9))
    assert list(generate(20, seed=9)) != list(generate(20, seed=10))


def test_spans_align_and_do_not_overlap(docs: list[dict]) -> None:  # type: ignore[type-arg]
    for doc in docs:
        last_end = -1
        for span in sorted(doc["spans"], key=lambda s: s["start"]):
            assert doc["text"][span["start"]:span["end"]] == span["text"]
            assert span["text"] == span["text"].strip() and span["text"]
            assert span["start"] >= last_end
            last_end = span["end"]


def test_every_label_and_case_is_present(docs: list[dict]) -> None:  # type: ignore[type-arg]
    labels = {s["label"] for d in docs for s in d["spans"]}
    assert labels == set(LABELS)
    texts = [d["text"] for d in docs]
    assert any(t.isupper() for t in texts) and any(t.islower() for t in texts)
    assert any(not t.isupper() and not t.islower() for t in texts)


def test_titles_belong_to_names_and_clinical_lookalikes_are_plain_text(docs: list[dict]) -> None:  # type: ignore[type-arg]
    names = [s["text"] for d in docs for s in d["spans"] if s["label"] == "NAME"]
    assert any(n.lower().startswith(("dr. ", "mr. ", "mrs. ", "ms. ")) for n in names)
    labelled = {s["text"].lower() for d in docs for s in d["spans"]}
    assert not labelled & {"foley", "bruce", "duke", "allegra", "parkinson's"}
    assert any("foley catheter" in d["text"].lower() for d in docs)


def test_most_text_is_not_phi(docs: list[dict]) -> None:  # type: ignore[type-arg]
    phi = sum(s["end"] - s["start"] for d in docs for s in d["spans"])
    total = sum(len(d["text"]) for d in docs)
    assert phi / total < 0.15
    assert any(not d["spans"] for d in docs)
