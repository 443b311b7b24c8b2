"""Name recognizer table: names in the shapes ICU notes use (any case, initials, bracketed relations), and
clinical words next to names that must stay. Every text is invented."""

from __future__ import annotations

import re

import pytest

from deid.text import Detector

NAMES = [
    ("given + rare surname, caps", "PRESSURES UP. LORETTA VANDERKOLK CALLED TO BEDSIDE.", ["LORETTA", "VANDERKOLK"]),
    ("given + surname, lower", "plan discussed per carol wolfe this am", ["carol", "wolfe"]),
    ("initial + surname with period", "AS PER E. WELCH: EFFUSIONS ON CXR.", ["E", "WELCH"]),
    ("initial + eponym surname", "T. MILLER AT BEDSIDE TO CHECK TUBES.", ["T", "MILLER"]),
    ("lower-case initials in brackets", "cash counted (k. dorsey and m. o'neill) and locked", ["dorsey", "o'neill"]),
    ("initial + surname before verb", "K JONES ORDERED HEPARIN DRIP.", ["K", "JONES"]),
    ("lower-case title in mixed note", "Sats 95%, mild stridor, dr green aware. Will follow.", ["green"]),
    ("name before bracketed relation", "Cell phone of Hank Pzrybilo (son) is on the chart.", ["Hank", "Pzrybilo"]),
    ("caps name before relation", "FAMILY MEETING. URSULA MORETTO (DAUGHTER) IS SPOKESPERSON.", ["URSULA", "MORETTO"]),
    ("contact person", "LIMIT CALLS TO ONE CONTACT PERSON (FRANKIE) PLEASE.", ["FRANKIE"]),
    ("significant other", "pt visited by significant other frankie, updated.", ["frankie"]),
    ("relative unknown name", "SOCIAL: A BROTHER TONIO AND A SISTER CALLED.", ["TONIO"]),
    ("sons in mixed case", "Sons Dusty and Roger in to visit today.", ["Dusty", "Roger"]),
    ("per + given + unknown surname", "LINE OK TO USE PER WARREN KAVALAUSKIS NP.", ["WARREN", "KAVALAUSKIS"]),
    ("name + MD + verb", "Social: Andrew O'Donnell MD spoke with the son.", ["Andrew", "O'Donnell"]),
    ("per + initial + surname lower", "keep sbp < 135 per d ross. pacing wires secured.", ["d", "ross"]),
]

KEPT = [
    ("dotted abbreviations", "NEB GIVEN BY R.T. AND SEEN BY P.T. H.O. AWARE.", ["R", "T", "P", "H", "O"]),
    ("pronoun I", "I spoke with the pharmacy. I called IV therapy.", ["I"]),
    ("times x", "Dr. Falco spoke with family x 2 today.", ["x"]),
    ("PA line", "PA LINE PLACED UNDER FLUORO. PA CATHETER ADVANCED.", ["LINE", "CATHETER"]),
    ("title then clinical words", "PER DR KOWAL RENAL CONSULT PLACED. DR LEVY GOOD RADIAL PULSES.", ["RENAL", "GOOD"]),
    ("drug names", "Started Esmolol gtt, gave Phenergan and Paxil, LIMA to LAD, GERD.",
     ["Esmolol", "Phenergan", "Paxil", "LIMA", "GERD"]),
    ("section letters", "A. STABLE AFTER CARDIOVERSION. P. CONTINUE DIURESIS.", ["A", "STABLE", "P"]),
    ("sats in the 90s", "SATS UPPER 90'S. BREATH SOUNDS CLEAR.", ["S", "BREATH"]),
]


def _covered(detector: Detector, text: str) -> set[int]:
    return {i for s in detector.detect([text])[0] for i in range(s.start, s.end)}


def _word_at(text: str, word: str) -> range:
    match = re.search(rf"(?<!\w){re.escape(word)}(?![\w'])", text)
    assert match, word
    return range(match.start(), match.end())


@pytest.mark.parametrize(("case", "text", "words"), NAMES, ids=[c[0] for c in NAMES])
def test_names_are_found(detector: Detector, case: str, text: str, words: list[str]) -> None:
    covered = _covered(detector, text)
    missing = [w for w in words if not all(i in covered for i in _word_at(text, w))]
    assert not missing, (case, missing)


@pytest.mark.parametrize(("case", "text", "words"), KEPT, ids=[c[0] for c in KEPT])
def test_clinical_words_next_to_names_are_kept(detector: Detector, case: str, text: str, words: list[str]) -> None:
    covered = _covered(detector, text)
    scrubbed = [w for w in words if any(i in covered for i in _word_at(text, w))]
    assert not scrubbed, (case, scrubbed)
