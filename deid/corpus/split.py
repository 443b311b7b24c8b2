"""The sealed split of a gold corpus: patients set aside so that recall is measured on notes never studied.

A patient is *sealed* when the sha256 hex digest of its ``group_id`` (UTF-8) ends in ``0``, ``1`` or ``2``
(about 3/16 = 19 % of patients). The rule needs no list and no seed, so anyone can recompute it. Rules and
models are developed on the *open* part; on the sealed part only totals are read, never a leak list, so a
figure measured there says how the detector does on notes from patients nobody tuned it on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from enum import StrEnum
from typing import TypeVar

from deid.corpus.gold import GoldDoc

#: The last hex digits of sha256(group_id) that seal a patient.
SEALED_DIGITS = frozenset("012")
#: Corpora (by their documents' ``source``) whose sealed patients' leaks are never listed, whatever split is
#: scored: the PhysioNet development corpus, the one real-note corpus the project develops on.
SEALED_SOURCES = frozenset({"physionet_deid"})


class Split(StrEnum):
    """Which part of a corpus to score."""

    ALL = "all"
    OPEN = "open"
    SEALED = "sealed"


def is_sealed(group_id: str) -> bool:
    """Whether the patient ``group_id`` belongs to the sealed part."""
    return hashlib.sha256(group_id.encode("utf-8")).hexdigest()[-1] in SEALED_DIGITS


D = TypeVar("D", bound=GoldDoc)


def withheld(docs: Sequence[GoldDoc]) -> frozenset[str]:
    """Ids of the documents whose leaks must not be listed: sealed patients of a :data:`SEALED_SOURCES` corpus."""
    return frozenset(d.doc_id for d in docs if d.source in SEALED_SOURCES and is_sealed(d.group_id))


def select(docs: Sequence[D], split: Split) -> list[D]:
    """The documents of ``docs`` in ``split`` (a patient is never divided)."""
    if split is Split.ALL:
        return list(docs)
    want = split is Split.SEALED
    return [doc for doc in docs if is_sealed(doc.group_id) == want]


__all__ = ["SEALED_DIGITS", "SEALED_SOURCES", "Split", "is_sealed", "select", "withheld"]
