"""Hand-checked figures of the label-blind scorer on tiny documents (FORMAT.md definitions)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deid.corpus.gold import GoldDoc, GoldSpan, PredSpan
from deid.corpus.scoring import f_beta, score_documents

TEXT = "Seen John Smith at 5/13."  # John 5-9, Smith 10-15, "John Smith" 5-15, 5/13 19-23


def doc(doc_id: str, text: str, spans: list[tuple[int, int, str]]) -> GoldDoc:
    return GoldDoc(doc_id=doc_id, group_id="g", text=text, source="test",
                   spans=[GoldSpan(start=s, end=e, label=label, text=text[s:e]) for s, e, label in spans])


def pred(*spans: tuple[int, int]) -> list[PredSpan]:
    return [PredSpan(start=s, end=e, label="NAME", score=1.0, source="t") for s, e in spans]


# (name, gold spans, predicted spans, span recall, strict recall, precision, char recall, leaks)
CASES = [
    # "John Smith" is one gold span; the prediction covers "John" only: found, but 5 of 9 letters leak.
    ("partial overlap", [(5, 15, "NAME")], [(5, 9)], 1.0, 0.0, 1.0, 4 / 9, 1),
    # the same gold span split in two predictions around the space: fully covered, both predictions count.
    ("split in two", [(5, 15, "NAME")], [(5, 9), (10, 15)], 1.0, 1.0, 1.0, 1.0, 0),
    # one prediction covers two gold spans (first and last name annotated separately).
    ("one covers two", [(5, 9, "NAME"), (10, 15, "NAME")], [(5, 15)], 1.0, 1.0, 1.0, 1.0, 0),
    # one of two gold spans missed, one false alarm on "Seen".
    ("miss and false alarm", [(5, 15, "NAME"), (19, 23, "DATE")], [(5, 15), (0, 4)], 0.5, 0.5, 0.5, 9 / 12, 1),
    # the prediction stops one digit short of the date: overlapped, but a digit leaks.
    ("one digit short", [(19, 23, "DATE")], [(19, 22)], 1.0, 0.0, 1.0, 2 / 3, 1),
    # nothing predicted: everything leaks; precision is 1 by convention (no false alarm).
    ("nothing predicted", [(5, 15, "NAME")], [], 0.0, 0.0, 1.0, 0.0, 1),
]


@pytest.mark.parametrize(("name", "gold", "preds", "span_r", "strict_r", "prec", "char_r", "leaks"), CASES,
                         ids=[c[0] for c in CASES])
def test_hand_checked(name: str, gold: list[tuple[int, int, str]], preds: list[tuple[int, int]],
                      span_r: float, strict_r: float, prec: float, char_r: float, leaks: int) -> None:
    scores = score_documents([doc("d1", TEXT, gold)], {"d1": pred(*preds)})
    assert scores.span_recall == pytest.approx(span_r)
    assert scores.strict_recall == pytest.approx(strict_r)
    assert scores.precision == pytest.approx(prec)
    assert scores.char_recall == pytest.approx(char_r)
    assert len(scores.leaks) == leaks
    assert scores.f2 == pytest.approx(f_beta(prec, span_r))


def test_phi_free_document_measures_over_scrubbing() -> None:
    gold = [doc("phi", TEXT, [(5, 15, "NAME")]), doc("free", "BP 120/80, K 4.1", []), doc("free2", "Na 138", [])]
    scores = score_documents(gold, {"phi": pred((5, 15)), "free": pred((3, 9))})
    assert scores.phi_free_documents == 2
    assert scores.over_scrubbed_documents == 1
    assert scores.over_scrub_rate == pytest.approx(0.5)
    # "BP 120/80, K 4.1" has 2+5+1+2 = 10 letters and digits, "Na 138" 5; the prediction covers "120/80" = 5.
    assert scores.over_scrub_char_rate == pytest.approx(5 / 15)
    assert scores.precision == pytest.approx(0.5)
    assert scores.strict_recall == 1.0


def test_per_label_and_leak_details() -> None:
    gold = [doc("d1", TEXT, [(5, 15, "NAME"), (19, 23, "DATE")])]
    scores = score_documents(gold, {"d1": pred((5, 15))}, show_values=True)
    by_label = {s.label: s for s in scores.per_label}
    assert by_label["NAME"].strict_recall == 1.0 and by_label["NAME"].leaks == 0
    assert by_label["DATE"].strict_recall == 0.0 and by_label["DATE"].leaks == 1
    (leak,) = scores.leaks
    assert (leak.doc_id, leak.label, leak.start, leak.end, leak.uncovered_chars, leak.detected) == (
        "d1", "DATE", 19, 23, 3, False)
    assert leak.value == "5/13"


def test_values_hidden_by_default() -> None:
    scores = score_documents([doc("d1", TEXT, [(5, 15, "NAME")])], {})
    assert scores.leaks[0].value is None


def test_f2_weights_recall() -> None:
    assert f_beta(0.5, 1.0) == pytest.approx(5 * 0.5 / (4 * 0.5 + 1.0))
    assert f_beta(0.0, 0.0) == 0.0


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 10)), max_size=6),
       st.lists(st.tuples(st.integers(0, 30), st.integers(1, 10)), max_size=6))
def test_bounds_and_order(gold_spans: list[tuple[int, int]], pred_spans: list[tuple[int, int]]) -> None:
    """Invariants: every score in [0, 1]; strict <= span recall; covering every gold span gives recall 1.

    (strict <= span recall needs spans with a letter or digit: a span of punctuation alone cannot leak.)
    """
    text = "ab cd 12 ef-34 gh, ij 56 kl mn op qr st uv wx yz"
    bounded = [(s, min(s + n, len(text))) for s, n in gold_spans]
    gold = [doc("d", text, [(s, e, "X") for s, e in bounded if any(c.isalnum() for c in text[s:e])])]
    preds = pred(*[(s, min(s + n, len(text))) for s, n in pred_spans])
    scores = score_documents(gold, {"d": preds})
    for value in (scores.span_recall, scores.strict_recall, scores.precision, scores.char_recall, scores.f2):
        assert 0.0 <= value <= 1.0
    assert scores.strict_recall <= scores.span_recall
    full = score_documents(gold, {"d": [PredSpan(start=g.start, end=g.end) for g in gold[0].spans]})
    assert full.strict_recall == 1.0 and full.span_recall == 1.0 and full.precision == 1.0
