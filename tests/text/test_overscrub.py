"""Clinical words that look like names stay: eponyms, drugs that are given names, ward shorthand (issue 11).

Through the whole detector (rules, spaCy, the learned tagger), with and without the patient's records naming
a person whose surname is the clinical word.
"""

from __future__ import annotations

import pytest

from deid.categories import Category
from deid.text import Detector, PatientIdentifiers

CLINICAL = [
    ("Exercise stress test by Bruce protocol, 9 METs.", "Bruce"),
    ("Duke treadmill score 5, low risk.", "Duke"),
    ("Allegra 180 mg daily for allergies.", "Allegra"),
    ("H&P reviewed and agree.", "H&P"),
    ("Pt more alert this am.", "alert"),
    ("Son at bedside, updated.", "Son"),
    ("Pager on, will call with results.", "Pager"),
    ("Foley catheter draining clear yellow urine.", "Foley"),
    ("Parkinson's disease on carbidopa-levodopa.", "Parkinson"),
    ("History of Parkinson disease, tremor stable.", "Parkinson"),
    ("Murphy sign negative, Babinski downgoing.", "Murphy"),
    ("Graves disease on methimazole.", "Graves"),
    ("Labs: Glucose 116, Troponin 0.1, Hgb 14.8.", "Troponin"),
    ("Grade 2/6 systolic murmur at LUSB.", "2/6"),
]


def _removed(detector: Detector, text: str, patient: PatientIdentifiers | None) -> list[str]:
    return [text[s.start:s.end] for s in detector.detect([text], [patient] if patient else None)[0]]


@pytest.mark.parametrize(("text", "word"), CLINICAL)
def test_clinical_words_are_kept(detector: Detector, text: str, word: str) -> None:
    assert _removed(detector, text, None) == []


#: Clinical words that are also real surnames (the issue's list).
SURNAMES = {"Bruce", "Duke", "Allegra", "Foley", "Parkinson", "Murphy", "Graves"}


@pytest.mark.parametrize(("text", "word"), [c for c in CLINICAL if c[1] in SURNAMES])
def test_clinical_words_are_kept_when_a_patient_bears_the_name(detector: Detector, text: str, word: str) -> None:
    patient = PatientIdentifiers(values={Category.NAME: [f"Margit {word}"]})
    assert _removed(detector, text, patient) == []


@pytest.mark.parametrize(("text", "value"), [
    ("Mr. Foley was seen in clinic today.", "Foley"),
    ("Foley, Margit is a 67 yo woman.", "Foley"),
    ("Patient: Margit Foley", "Margit Foley"),
])
def test_the_same_word_is_a_name_in_a_name_context(detector: Detector, text: str, value: str) -> None:
    patient = PatientIdentifiers(values={Category.NAME: ["Margit Foley"]})
    assert any(value in found for found in _removed(detector, text, patient))
