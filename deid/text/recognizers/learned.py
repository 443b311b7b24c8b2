"""The learned PHI tagger as a recognizer: names, places, facilities and street addresses that no rule names.

The tagger (:mod:`deid.text.model`) is a small spaCy NER trained only on text the project generates
(:mod:`deid.training`), in every letter case and many layouts, so it reads context ("seen in consult by x of
cardiology") where the rules need a cue word they know. Rules and tagger vote: the tagger's findings are
*weak* (rule ``learned``), so the clinical allow-list and the site's allow-list veto them in the detector,
and a finding that is only an everyday English word in a lower-case or upper-case note is dropped here.
The detector runs the tagger in batches and hands its entities over in the artifacts; called alone, the
recognizer runs it itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deid.categories import Category
from deid.text import lexicon, vocabulary
from deid.text.model import available, load_tagger
from deid.text.recognizers.places import _STREET_PARTICLES, COMPOUND_STREET, STREET, _city_names
from deid.text.registry import register

#: The tagger's labels and the categories they report.
LABELS = {"NAME": Category.NAME, "LOCATION": Category.LOCATION, "FACILITY": Category.FACILITY,
          "ADDRESS": Category.ADDRESS}
#: Score of a tagger finding: above the default threshold, below the rules' strong cues (not propagated).
SCORE = 0.55
#: Zipf frequency from which a name of the lexicon is an everyday word too ("will", "may").
COMMON_ZIPF = 4.0
#: Zipf frequency from which a word that is not a name is everyday English, never evidence of PHI alone.
KEEP_ZIPF = 3.0
#: Names, places and facilities longer than this are run-on text, not an identifier.
MAX_WORDS = 6
#: Rural route words that the street rules' suffixes do not hold ("8531 County Road 12", "RR 2").
RURAL_ROUTES = frozenset({"route", "highway", "hwy", "rr", "cr", "county", "pike", "turnpike"})
_STREET_TYPE = re.compile(STREET, re.IGNORECASE)
_COMPOUND_STREET_END = re.compile(COMPOUND_STREET + "$", re.IGNORECASE)
_WORD = re.compile(r"[^\s]+")
#: A decimal value right after a finding makes it the name of a measurement.
_MEASURED = re.compile(r"\s*[:=]?\s*\d+\.\d")


@dataclass(frozen=True, slots=True)
class Tagged:
    """One entity of the tagger, with offsets in the whole text."""

    label: str
    start: int
    end: int


def tag(texts: list[str], batch_size: int = 64) -> list[list[Tagged]]:
    """The tagger's entities for each text (empty lists when the package ships no tagger)."""
    if not available():
        return [[] for _ in texts]
    nlp = load_tagger()
    return [[Tagged(e.label_, e.start_char, e.end_char) for e in doc.ents if e.label_ in LABELS]
            for doc in nlp.pipe(texts, batch_size=batch_size)]


def _informative(word: str) -> bool:
    """A word that could be part of an identifier: not clinical vocabulary, not an everyday English word
    (a personal name of the lexicon stays informative unless it is very common as a word)."""
    folded = lexicon.fold(word)
    if not folded or vocabulary.is_clinical(folded):
        return False
    zipf = lexicon.english_zipf(folded)
    if folded in lexicon.first_names() or folded in lexicon.last_names():
        return zipf < COMMON_ZIPF + 1.0
    return zipf < KEEP_ZIPF


def _sentence_start(text: str, start: int) -> bool:
    """Whether ``start`` opens a line or a sentence (a capital there is no evidence of a name)."""
    before = text[max(0, start - 3):start].rstrip(" \t")
    return not before or before[-1] in "\n.!?:;-*#>"


def _known_identifier_word(word: str) -> bool:
    """A common given or family name (Faker's locales) or a GeoNames place, not clinical nor everyday English
    (below :data:`KEEP_ZIPF`: "eve", "douglas" and "lis" are words of lower-case ICU notes as often as names).

    The US Census lists are left out here: among their 88,000 rare surnames are many misspellings of
    clinical words, which lower-case notes are full of.
    """
    folded = lexicon.fold(word)
    if vocabulary.is_clinical(folded) or lexicon.english_zipf(folded) >= KEEP_ZIPF:
        return False
    return folded in lexicon.core_names() or folded in _city_names()


def _street_word(word: str) -> bool:
    """A street type in any of the forms the address rules know (Street, Rd, Route, rue, -strasse ...)."""
    folded = lexicon.fold(word)
    return (_STREET_TYPE.fullmatch(folded) is not None or folded in _STREET_PARTICLES
            or _COMPOUND_STREET_END.search(folded) is not None or folded in RURAL_ROUTES)


def plausible(text: str, found: Tagged) -> bool:
    """Whether a tagger finding survives the keep-list veto.

    Evidence the tagger's context reading must be backed by, by how the word is written:

    - capitalised inside a sentence of a mixed-case note, every word: the capitals are evidence, and the
      finding needs one word that is not clinical vocabulary (ICD-10-CM, abbreviations, drugs, the
      allow-list) nor everyday English, or only everyday words ("Sacred Heart");
    - otherwise (a lower-case or upper-case note, or a lower-case word): the finding needs a word of the
      name lexicon or the gazetteer that is neither clinical nor everyday English. Unknown words in such
      notes are far more often typing errors and shorthand than names, and are left to the cued rules.

    Addresses keep their own look (a number and a street word), a name holds no digit, a finding needs
    two letters and runs to at most :data:`MAX_WORDS` words.
    """
    value = text[found.start:found.end]
    if sum(c.isalpha() for c in value) < 2:
        return False
    words = [w.strip(".,;:'\"()#") for w in value.split()]
    words = [w for w in words if w and any(c.isalpha() for c in w)]
    if found.label == "ADDRESS":
        return any(c.isdigit() for c in value) and any(_street_word(w) for w in words)
    if found.label == "NAME" and any(c.isdigit() for c in value):
        return False
    if _MEASURED.match(text, found.end):
        return False  # "Troponin 0.1", "Lactate 2.3": a measurement's name
    if not words or len(words) > MAX_WORDS:
        return False
    mixed_note = not text.isupper() and not text.islower()
    capitalised = all(w[:1].isupper() and not w.isupper() for w in words if len(w) > 2)
    if mixed_note and capitalised and not _sentence_start(text, found.start):
        if any(_informative(w) for w in words):
            return True
        # only everyday words, capitalised: a proper name of several words ("Sacred Heart"), never one word,
        # never clinical words alone ("Cath Lab")
        return len(words) > 1 and not all(vocabulary.is_clinical(w) for w in words)
    return any(_known_identifier_word(w) for w in words)



def trim(text: str, found: Tagged) -> Tagged | None:
    """The finding without trailing words that are clinical or everyday English, where the writing gives no
    evidence they belong to it (an upper- or lower-case note, or a lower-case word): the tagger tends to run
    a name on into the words after it ("DR LEVY GOOD RADIAL PULSES")."""
    if found.label == "ADDRESS":
        return found
    mixed_note = not text.isupper() and not text.islower()
    words = [(m.start() + found.start, m.end() + found.start) for m in _WORD.finditer(text[found.start:found.end])]
    while len(words) > 1:
        a, b = words[-1]
        word = text[a:b].strip(".,;:'\"()#")
        evidence = mixed_note and word[:1].isupper() and not word.isupper()
        if evidence or _informative(word) or _known_identifier_word(word):
            break
        words.pop()
    return Tagged(found.label, found.start, words[-1][1]) if words else None


@register("deid.learned.v1")
class LearnedRecognizer(EntityRecognizer):
    """Reports the learned tagger's NAME, LOCATION, FACILITY and ADDRESS entities as weak findings."""

    registered_name = "deid.learned.v1"

    def __init__(self) -> None:
        super().__init__(supported_entities=sorted({c.value for c in LABELS.values()}), name=self.registered_name,
                         supported_language="en")

    def load(self) -> None:
        """Load the tagger now (checking its hash), so a bad artifact fails at start-up, not mid-run."""
        if available():
            load_tagger()

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        """The tagger's plausible findings in ``text``."""
        found = getattr(nlp_artifacts, "learned", None)
        if found is None:
            found = tag([text])[0]
        kept = [t for t in (trim(text, f) for f in found) if t is not None and plausible(text, t)]
        return [RecognizerResult(LABELS[f.label].value, f.start, f.end, SCORE,
                                 recognition_metadata={"rule": "learned", "recognizer_name": self.registered_name})
                for f in kept]


__all__ = ["LABELS", "LearnedRecognizer", "Tagged", "plausible", "tag", "trim"]
