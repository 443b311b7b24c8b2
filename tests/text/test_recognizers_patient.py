"""Record-aware scrubbing table: a patient's name that is also a clinical or everyday word (Foley, Parkinson,
Bruce, Duke, Allegra) is removed where the context makes it a name, and kept where it is the clinical word.
Given names and rare surnames are invented; the eponyms are the clinical words themselves."""

from __future__ import annotations

import re

import pytest

from deid.categories import Category
from deid.text import Detector, PatientIdentifiers
from deid.text.recognizers.patient import PatientRecognizer, is_ambiguous

#: (case, the patient's record names, text, words that must be removed)
NAMED = [
    ("title", ["Telvin Foley"], "Mr. Foley is resting comfortably.", ["Foley"]),
    ("title, caps", ["Telvin Foley"], "MR FOLEY RESTING, FOLEY TO GRAVITY.", ["FOLEY"]),
    ("last, first", ["Telvin Foley"], "FOLEY, TELVIN admitted from the ED.", ["FOLEY", "TELVIN"]),
    ("last, first lower", ["Telvin Foley"], "seen today: foley, telvin, 64 yo", ["foley", "telvin"]),
    ("given name before", ["Telvin Foley"], "Telvin Foley called the nurse.", ["Telvin", "Foley"]),
    ("middle name before", ["Telvin Oskar Foley"], "Spoke with Oskar Foley at noon.", ["Oskar", "Foley"]),
    ("other given name", ["Telvin Foley"], "Her sister Ulrica Foley visited.", ["Foley"]),
    ("initial before", ["Telvin Foley"], "T. Foley aware of plan.", ["T", "Foley"]),
    ("header field", ["Telvin Foley"], "Patient: Foley\nFoley catheter in place.", ["Foley"]),
    ("history subject", ["Telvin Foley"], "Foley is a 64 yo man with CHF.", ["Foley"]),
    ("credential after", ["Quenby Parkinson"], "Note by Parkinson, MD. Parkinson disease stable.", ["Parkinson"]),
    ("possessive after title", ["Quenby Parkinson"], "Mrs. Parkinson's husband called.", ["Parkinson"]),
    ("given name ambiguous", ["Bruce Marrowby"], "Bruce Marrowby seen. Patient: Bruce", ["Bruce", "Marrowby"]),
    ("relation before", ["Duke Marrowby"], "son Duke visited today.", ["Duke"]),
    ("initials that spell a word, header", ["Bexley Yarrowby"], "Patient: BY  MRN 44172093", ["BY"]),
    ("unambiguous surname anywhere", ["Telvin Marrowby"], "marrowby resting. MARROWBY AWAKE.", ["marrowby", "MARROWBY"]),
]

#: (case, the patient's record names, text, words that must stay)
KEPT = [
    ("catheter", ["Telvin Foley"], "Foley catheter in place, draining clear urine.", ["Foley"]),
    ("catheter caps", ["Telvin Foley"], "FOLEY D/C'D AT 0600. VOIDING.", ["FOLEY"]),
    ("a Foley", ["Anwen Foley"], "placed a Foley this am.", ["a", "Foley"]),
    ("disease possessive", ["Quenby Parkinson"], "Parkinson's disease, on carbidopa.", ["Parkinson"]),
    ("disease", ["Quenby Parkinson"], "h/o Parkinson disease and CHF.", ["Parkinson"]),
    ("protocol", ["Telvin Bruce"], "Exercise test by Bruce protocol, 9 minutes.", ["Bruce"]),
    ("score", ["Telvin Duke"], "Duke treadmill score of 5.", ["Duke"]),
    ("drug with dose", ["Allegra Marrowby"], "Allegra 180 mg daily for allergies.", ["Allegra"]),
    ("thyroid", ["Quenby Graves"], "Graves disease, on methimazole.", ["Graves"]),
    ("syndrome", ["Quenby Down"], "Down syndrome; sats down to 88%.", ["Down", "down"]),
    ("palsy", ["Quenby Bell"], "Bell's palsy on the left.", ["Bell"]),
    ("sign", ["Quenby Murphy"], "Murphy's sign negative.", ["Murphy"]),
    ("eponym disease", ["Quenby Wilson"], "Wilson's disease ruled out.", ["Wilson"]),
    ("initials that spell a word", ["Bexley Yarrowby"], "Dictated by: Dr. Quenby. Seen BY ortho.", ["by", "BY"]),
]


def _word_at(text: str, word: str) -> range:
    match = re.search(rf"(?<!\w){re.escape(word)}(?![\w])", text)
    assert match, word
    return range(match.start(), match.end())


def _patient(names: list[str]) -> PatientIdentifiers:
    return PatientIdentifiers(values={Category.NAME: names, Category.MRN: ["4417-2093"]})


def _found(names: list[str], text: str) -> set[int]:
    results = PatientRecognizer(_patient(names)).analyze(text, [])
    return {i for r in results for i in range(r.start, r.end)}


def _detected(detector: Detector, names: list[str], text: str) -> set[int]:
    return {i for s in detector.detect([text], patients=[_patient(names)])[0] for i in range(s.start, s.end)}


@pytest.mark.parametrize(("case", "names", "text", "words"), NAMED, ids=[c[0] for c in NAMED])
def test_record_name_in_a_name_position_is_found(case: str, names: list[str], text: str, words: list[str]) -> None:
    covered = _found(names, text)
    missing = [w for w in words if not all(i in covered for i in _word_at(text, w))]
    assert not missing, (case, missing)


@pytest.mark.parametrize(("case", "names", "text", "words"), KEPT, ids=[c[0] for c in KEPT])
def test_record_name_used_as_a_clinical_word_is_kept(case: str, names: list[str], text: str, words: list[str]) -> None:
    covered = _found(names, text)
    scrubbed = [w for w in words if any(i in covered for i in _word_at(text, w))]
    assert not scrubbed, (case, scrubbed)


@pytest.mark.parametrize(("case", "names", "text", "words"), KEPT, ids=[c[0] for c in KEPT])
def test_records_remove_nothing_more_on_clinical_words(detector: Detector, case: str, names: list[str], text: str,
                                                       words: list[str]) -> None:
    """With the patient's records the detector removes no more of these texts than without them (what the
    rules do without records, e.g. a capitalised 'Bruce' after 'by', is the name recognizer's business)."""
    without = {i for s in detector.detect([text])[0] for i in range(s.start, s.end)}
    extra = _detected(detector, names, text) - without
    assert not extra, (case, text[min(extra):max(extra) + 1])


@pytest.mark.parametrize(("case", "names", "text", "words"), NAMED, ids=[c[0] for c in NAMED])
def test_detector_removes_record_names(detector: Detector, case: str, names: list[str], text: str,
                                       words: list[str]) -> None:
    covered = _detected(detector, names, text)
    missing = [w for w in words if not all(i in covered for i in _word_at(text, w))]
    assert not missing, (case, missing)


@pytest.mark.parametrize(("word", "ambiguous"), [
    ("Foley", True), ("Parkinson", True), ("Bruce", True), ("Duke", True), ("Down", True), ("Bell", True),
    ("Marrowby", False), ("Quenby", False),
])
def test_ambiguous_name_parts(word: str, ambiguous: bool) -> None:
    assert is_ambiguous(word) is ambiguous


def test_numbers_and_rare_names_keep_matching_everywhere() -> None:
    text = "MRN 44172093 on file; Marrowby aware; marrowby's chart."
    covered = _found(["Telvin Marrowby"], text)
    for word in ("44172093", "Marrowby", "marrowby"):
        assert all(i in covered for i in _word_at(text, word)), word


def test_title_is_part_of_the_record_name_span(detector: Detector) -> None:
    text = "Mrs. Foley is resting; Foley catheter in place."
    spans = detector.detect([text], patients=[_patient(["Anwen Foley"])])[0]
    assert any(text[s.start:s.end] == "Mrs. Foley" for s in spans), [text[s.start:s.end] for s in spans]
    assert not any(s.start >= text.index("catheter") - 6 for s in spans)
