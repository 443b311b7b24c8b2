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

from dataclasses import dataclass

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deid.categories import Category
from deid.text import lexicon, vocabulary
from deid.text.model import available, load_tagger
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


def plausible(text: str, found: Tagged) -> bool:
    """Whether a tagger finding survives the keep-list veto.

    A finding made only of clinical words (ICD-10-CM, abbreviations, drugs, the allow-list) and everyday
    English words is dropped; one made only of everyday words is kept when written capitalised inside a
    line of a mixed-case note ("Sacred Heart"), where capitals are evidence. A name holds no digit, and
    no finding runs past :data:`MAX_WORDS` words. Addresses keep their own look (a number
    and street words), and a finding needs two letters.
    """
    value = text[found.start:found.end]
    if sum(c.isalpha() for c in value) < 2:
        return False
    if found.label == "ADDRESS":
        return any(c.isdigit() for c in value)
    if found.label == "NAME" and any(c.isdigit() for c in value):
        return False
    words = [w.strip(".,;:'\"()") for w in value.split()]
    words = [w for w in words if w and any(c.isalpha() for c in w)]
    if not words or len(words) > MAX_WORDS:
        return False
    if any(_informative(w) for w in words):
        return True
    if any(vocabulary.is_clinical(w) for w in words):
        return False
    line = text[text.rfind("\n", 0, found.start) + 1:found.start]
    mixed_note = not text.isupper() and not text.islower()
    capitalised = all(w[:1].isupper() and not w.isupper() for w in words)
    return mixed_note and capitalised and bool(line.strip())


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
        return [RecognizerResult(LABELS[f.label].value, f.start, f.end, SCORE,
                                 recognition_metadata={"rule": "learned", "recognizer_name": self.registered_name})
                for f in found if plausible(text, f)]


__all__ = ["LABELS", "LearnedRecognizer", "Tagged", "plausible", "tag"]
