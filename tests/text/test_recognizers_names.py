"""Name recognizer table: names in the shapes ICU notes use (any case, initials, bracketed relations), and
clinical words next to names that must stay. Every text is invented."""

from __future__ import annotations

import re

import pytest

from deid.text import Detector, keeplist
from deid.text.recognizers.names import NameRecognizer

NAMES = [
    ("subject of an age phrase, eponym surname", "HPI:\nSamantha Barrett is a 24-year-old woman with", ["Samantha", "Barrett"]),
    ("subject of an age phrase, word surname", "HISTORY:\nBrown is a 48-year-old man with", ["Brown"]),
    ("dotted initials before an age, caps", "PT J.M. IS A 82 YO M, MRN 12.", ["J", "M"]),
    ("lower-case name before an age", "pt quorvin telsa is a 79 yo m. neuro: intact", ["quorvin", "telsa"]),
    ("initials before an age", "HPI:\nJE is a 69-year-old man with", ["JE"]),
    ("lower-case name in a patient header", "Name: michael brown  Medical Record Number: 1", ["michael", "brown"]),
    ("eponym surname in a Re: field", "Re: Rebecca Fowler, DOB 3/15", ["Rebecca", "Fowler"]),
    ("initials in a patient header before a number", "Patient: MM   #84372", ["MM"]),
    ("initials after thank you for referring", "Thank you for referring JS, whom I saw", ["JS"]),
    ("eponym surname after thank you for referring", "Thank you for referring David Murphy, whom", ["David", "Murphy"]),
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
    ("pronoun before an age phrase", "Today:\nHe is a 45-year-old man with CHF.", ["He", "CHF"]),
    ("abbreviation in a caps Re: line", "DISCUSSION RE: PEG, TRACH, HOSPITAL STAY", ["PEG"]),
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


#: Strong cues whose names the keep-list judges (invented names, no lexicon knows them), in lower case and
#: ALL CAPS: a word that is no English, drug, clinical word or abbreviation is taken as a name.
KEEPLIST_CUES = [
    ("header field", "patient: quenby marrowby\nmrn 4417", ["quenby", "marrowby"]),
    ("read by, credential", "read by draymor, md on 3/4.", ["draymor"]),
    ("read by two words", "read by quenby draymor, md on 3/4.", ["quenby", "draymor"]),
    ("consult by, of service", "seen in consult by fenwright of cardiology today.", ["fenwright"]),
    ("consult by two words", "seen in consult by quenby fenwright of cardiology.", ["quenby", "fenwright"]),
    ("relation then verb", "the patient's son zorvath called this morning.", ["zorvath"]),
    ("letter opening", "thank you for seeing kestrelyn in clinic.", ["kestrelyn"]),
    ("letter opening two words", "thanks for seeing quenby kestrelyn today.", ["quenby", "kestrelyn"]),
]
KEEPLIST_CASES = [(f"{case}, {style}", text.upper() if style == "caps" else text,
                   [w.upper() if style == "caps" else w for w in words])
                  for case, text, words in KEEPLIST_CUES for style in ("lower", "caps")]

#: The same cues before vocabulary: nothing is taken.
KEEPLIST_KEPT = [
    ("service after by", "cleared by ortho of any fracture.", ["ortho", "fracture"]),
    ("letter, vocabulary", "THANK YOU FOR SEEING THIS PLEASANT MAN.", ["THIS", "PLEASANT", "MAN"]),
    ("abbreviation after by", "seen by nsgy of note.", ["nsgy"]),
    ("drug with dose", "Allegra 180 mg daily; Percocet 1 tab.", ["Allegra", "Percocet"]),
    ("French gauge", "#16 FR FOLEY PLACED AND DRAINING. 14fr coude inserted.", ["FOLEY", "coude"]),
    ("abbreviation after a header name", "Patient: Telvin Marrowby  MRN 44172093  DOB: 3/4", ["MRN", "DOB"]),
    ("field label after a header name", "Name: Telvin  Medical Record Number: 44172093", ["Medical", "Record"]),
    ("field after a comma", "Re: Telvin Marrowby, DOB 3/4/1950, Unit No. 12", ["DOB", "Unit"]),
    ("lab with a value", "Glucose 116, Troponin 0.1, CD4 226.", ["Troponin"]),
]

#: A name after an honorific: one span that starts at the title.
TITLED = [
    ("Dr. with period", "Seen by Dr. Marrowby today.", "Dr. Marrowby"),
    ("Dr without period", "dr fenwright aware of labs.", "dr fenwright"),
    ("Mrs. caps", "MRS. KESTRELYN CALLED AT NOON.", "MRS. KESTRELYN"),
    ("Mr. with given name", "Mr. Telvin Draymor is a 64 yo man.", "Mr. Telvin"),
    ("Ms.", "Ms. Draymor resting.", "Ms. Draymor"),
    ("Miss", "Miss Quenby visited.", "Miss Quenby"),
    ("Prof.", "Discussed with Prof. Zorvath.", "Prof. Zorvath"),
]


@pytest.mark.parametrize(("case", "text", "words"), KEEPLIST_CASES, ids=[c[0] for c in KEEPLIST_CASES])
def test_keeplist_names_after_strong_cues(detector: Detector, case: str, text: str, words: list[str]) -> None:
    covered = _covered(detector, text)
    missing = [w for w in words if not all(i in covered for i in _word_at(text, w))]
    assert not missing, (case, missing)


@pytest.mark.parametrize(("case", "text", "words"), KEEPLIST_KEPT, ids=[c[0] for c in KEEPLIST_KEPT])
def test_keeplist_keeps_vocabulary(detector: Detector, case: str, text: str, words: list[str]) -> None:
    """The name recognizer alone (other recognizers, such as the learned tagger, vote separately)."""
    recognizer = next(r for r in detector.recognizers if isinstance(r, NameRecognizer))
    covered = {i for r in recognizer.analyze(text, [], None) for i in range(r.start, r.end)}
    scrubbed = [w for w in words if any(i in covered for i in _word_at(text, w))]
    assert not scrubbed, (case, scrubbed)


@pytest.mark.parametrize(("case", "text", "span"), TITLED, ids=[c[0] for c in TITLED])
def test_title_belongs_to_the_name_span(detector: Detector, case: str, text: str, span: str) -> None:
    found = [text[s.start:s.end] for s in detector.detect([text])[0]]
    assert span in found, (case, found)


def test_title_widening_adds_no_span(detector: Detector) -> None:
    text = "Spoke with Dr. Marrowby and Mrs. Kestrelyn."
    spans = detector.detect([text])[0]
    assert [text[s.start:s.end] for s in spans] == ["Dr. Marrowby", "Mrs. Kestrelyn"]


@pytest.mark.parametrize(("word", "mixed", "kept"), [
    ("quenby", False, False), ("MARROWBY", False, False), ("renal", False, True), ("ortho", False, True),
    ("cardiology", False, True), ("nsgy", False, True), ("pcp", False, True), ("MRN", True, True),
    ("heparin", False, True), ("zosyn", False, True), ("d'arvello", False, False), ("x2", False, True),
])
def test_keeplist_decision(word: str, mixed: bool, kept: bool) -> None:
    assert keeplist.keeps(word, mixed_case=mixed) is kept
