"""Label-blind scores of predicted PHI spans against gold spans, as ``../shared/corpora/FORMAT.md`` defines them.

What matters for privacy is whether each gold span was removed, whatever label the tool gave it:

- span recall: gold spans that some predicted span overlaps, over all gold spans;
- strict recall (leak-free): gold spans whose every letter and digit is inside some predicted span, over all
  gold spans; a gold span not fully covered is a *leak* (a span with no letter or digit cannot leak);
- precision: predicted spans that overlap some gold span, over all predicted spans;
- F2: ``5PR / (4P + R)`` from precision and span recall (recall weighted twice, as usual for de-identification);
- character recall: letters and digits of gold spans covered by predictions, over all such characters.

Empty denominators: recall and precision are 1.0 when there is nothing to find or nothing was predicted (no
miss, no false alarm); the over-scrubbing rates are ``None`` when the corpus has no PHI-free document.
The functions here are pure: no I/O, no detection, so they can be checked by hand on tiny cases.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from deid.corpus.gold import GoldDoc, PredSpan


class _Report(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Leak(_Report):
    """A gold span not fully covered by predictions. The value is present only when asked for."""

    doc_id: str = Field(description="Document the leak is in.")
    label: str = Field(description="Gold label of the leaked span.")
    start: int = Field(description="Start offset of the gold span.")
    end: int = Field(description="End offset of the gold span.")
    uncovered_chars: int = Field(description="Letters and digits of the span no prediction covers.")
    detected: bool = Field(description="Whether some prediction overlaps the span at all (a partial removal).")
    value: str | None = Field(default=None, description="The span's text; only with show_values, else null.")


class LabelScores(_Report):
    """Recall figures restricted to the gold spans of one label (diagnostics; precision is label-blind)."""

    label: str = Field(description="Gold label.")
    gold_spans: int = Field(description="Gold spans with this label.")
    span_recall: float = Field(description="Share of these spans overlapped by some prediction.")
    strict_recall: float = Field(description="Share of these spans fully covered (leak-free).")
    char_recall: float = Field(description="Share of their letters and digits covered.")
    leaks: int = Field(description="Spans of this label not fully covered.")


class Scores(_Report):
    """Label-blind scores of one corpus, the same per gold label, over-scrubbing, and every leak."""

    documents: int = Field(description="Documents scored.")
    gold_spans: int = Field(description="Gold spans in all documents.")
    predicted_spans: int = Field(description="Predicted spans in all documents.")
    span_recall: float = Field(description="Gold spans overlapped by some prediction / gold spans.")
    strict_recall: float = Field(description="Gold spans whose letters and digits are all covered / gold spans.")
    precision: float = Field(description="Predicted spans overlapping some gold span / predicted spans.")
    f2: float = Field(description="F2 of precision and span recall: 5PR/(4P+R).")
    char_recall: float = Field(description="Gold letters and digits covered / gold letters and digits.")
    phi_free_documents: int = Field(description="Documents with no gold span.")
    over_scrubbed_documents: int = Field(description="PHI-free documents with at least one predicted span.")
    over_scrub_rate: float | None = Field(
        description="over_scrubbed_documents / phi_free_documents; null without PHI-free documents."
    )
    over_scrub_char_rate: float | None = Field(
        description="Letters and digits of PHI-free documents inside predictions / all of theirs; null without "
        "PHI-free documents."
    )
    per_label: list[LabelScores] = Field(description="Recall figures per gold label, sorted by label.")
    leaks: list[Leak] = Field(description="Every gold span not fully covered, in corpus order.")

    @property
    def leaked(self) -> int:
        """Gold spans not fully covered, whether or not ``leaks`` lists them (sealed patients' are withheld)."""
        return sum(row.leaks for row in self.per_label)


def _ratio(part: int, whole: int, empty: float = 1.0) -> float:
    return part / whole if whole else empty


def f_beta(precision: float, recall: float, beta: float = 2.0) -> float:
    """The F-measure weighting recall ``beta`` times as much as precision (0 when both are 0)."""
    b2 = beta * beta
    denominator = b2 * precision + recall
    return (1 + b2) * precision * recall / denominator if denominator else 0.0


@dataclass
class _Tally:
    spans: int = 0
    overlapped: int = 0
    covered: int = 0
    chars: int = 0
    chars_covered: int = 0
    leaks: list[Leak] = field(default_factory=list)


def _mask(length: int, spans: Sequence[tuple[int, int]]) -> bytearray:
    mask = bytearray(length)
    for start, end in spans:
        mask[start:end] = b"\x01" * (end - start)
    return mask


def score_documents(
    gold: Sequence[GoldDoc],
    predictions: Mapping[str, Sequence[PredSpan]],
    *,
    show_values: bool = False,
) -> Scores:
    """Score ``predictions`` (doc id -> predicted spans) against ``gold``; a missing doc id predicts nothing."""
    total = _Tally()
    per_label: dict[str, _Tally] = {}
    predicted = predicted_hits = 0
    phi_free = over_scrubbed = free_chars = free_chars_hit = 0
    for doc in gold:
        preds = predictions.get(doc.doc_id, ())
        text = doc.text
        pred_mask = _mask(len(text), [(p.start, p.end) for p in preds])
        gold_mask = _mask(len(text), [(g.start, g.end) for g in doc.spans])
        predicted += len(preds)
        predicted_hits += sum(1 for p in preds if gold_mask.find(1, p.start, p.end) != -1)
        if not doc.spans:
            phi_free += 1
            over_scrubbed += bool(preds)
            for offset, char in enumerate(text):
                if char.isalnum():
                    free_chars += 1
                    free_chars_hit += pred_mask[offset]
        for span in sorted(doc.spans, key=lambda s: (s.start, s.end)):
            chars = hits = 0
            for offset in range(span.start, span.end):
                if text[offset].isalnum():
                    chars += 1
                    hits += pred_mask[offset]
            overlapped = pred_mask.find(1, span.start, span.end) != -1
            for tally in (total, per_label.setdefault(span.label, _Tally())):
                tally.spans += 1
                tally.overlapped += overlapped
                tally.covered += hits == chars
                tally.chars += chars
                tally.chars_covered += hits
            if hits < chars:
                total.leaks.append(Leak(
                    doc_id=doc.doc_id, label=span.label, start=span.start, end=span.end,
                    uncovered_chars=chars - hits, detected=overlapped,
                    value=span.text if show_values else None,
                ))
                per_label[span.label].leaks.append(total.leaks[-1])
    span_recall = _ratio(total.overlapped, total.spans)
    precision = _ratio(predicted_hits, predicted)
    return Scores(
        documents=len(gold),
        gold_spans=total.spans,
        predicted_spans=predicted,
        span_recall=span_recall,
        strict_recall=_ratio(total.covered, total.spans),
        precision=precision,
        f2=f_beta(precision, span_recall),
        char_recall=_ratio(total.chars_covered, total.chars),
        phi_free_documents=phi_free,
        over_scrubbed_documents=over_scrubbed,
        over_scrub_rate=over_scrubbed / phi_free if phi_free else None,
        over_scrub_char_rate=_ratio(free_chars_hit, free_chars, 0.0) if phi_free else None,
        per_label=[
            LabelScores(
                label=label, gold_spans=t.spans, span_recall=_ratio(t.overlapped, t.spans),
                strict_recall=_ratio(t.covered, t.spans), char_recall=_ratio(t.chars_covered, t.chars),
                leaks=len(t.leaks),
            )
            for label, t in sorted(per_label.items())
        ],
        leaks=total.leaks,
    )


__all__ = ["LabelScores", "Leak", "Scores", "f_beta", "score_documents"]
