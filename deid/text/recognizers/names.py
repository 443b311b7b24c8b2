"""Person names: patients, clinicians, relatives; any case; 'Last, First'; initials (HIPAA (A)).

Capitalisation is evidence only in mixed-case notes, and many notes are all upper or all lower case, so
names are found mainly by context: a title (Dr., Mrs., NP), a relation (daughter, wife, proxy), a
credential after the name (RN, MD), a clinical verb (aware, notified, paged) or a preposition of care
(per, seen by, spoke with). Words in the name lexicon that are not everyday English are names anywhere.
spaCy's named entities add what the rules miss, and a word found to be a name once is a name everywhere
in the note. After the strongest cues ("thank you for seeing X", "seen in consult by X of cardiology",
"read by X, MD") a word the keep-list does not keep (:mod:`deid.text.keeplist`) is a name whatever its case.
A name after an honorific is reported with it ("Dr. Smith"; see :func:`without_title` for code that learns
names from spans).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deid.categories import Category
from deid.text import keeplist, lexicon
from deid.text.recognizers._tokens import Token, analyze_words
from deid.text.registry import register

TITLES = frozenset(
    "dr doctor drs mr mrs ms miss mister mstr prof professor np pa ho rn lpn cna nurse rabbi reverend rev fr "
    "father chaplain pastor attending resident intern fellow md pcp dds do".split()
)
RELATIONS = frozenset(
    "wife husband spouse daughter daughters dtr dtrs son sons sister sisters sis brother brothers bro mother "
    "mom mum father dad niece nephew grandson granddaughter grandaughter granddaughters grandsons grandchild "
    "grandmother grandfather aunt uncle cousin friend friends proxy hcp poa guardian partner girlfriend "
    "boyfriend fiance fiancee neighbor neighbour sil dil stepson stepdaughter stepmother stepfather caregiver "
    "roommate companion widow widower contact spokesperson".split()
)
AMBIGUOUS_TITLES = frozenset("np pa do md ms ho resident attending intern fellow nurse father pcp rn".split())
AMBIGUOUS_CREDENTIALS = frozenset("pa pt do ot rt resp slp np md".split())
CREDENTIALS = frozenset(
    "rn bsn md np pa rrt rt pt ot slp lpn cna msw licsw lcsw pharmd do dds phd crna cnm aprn fnp acnp mph "
    "resp rph".split()
)
PERIOD_TITLES = frozenset("dr drs mr mrs ms mstr prof rev fr st".split())
ACTION_VERBS = frozenset(
    "aware notified paged called informed updated ordered made spoke stated states wrote placed gave "
    "saw examined evaluated consulted agrees agreed requested said came visited will would to".split()
)
AFTER_VERBS = frozenset(
    "aware notified paged called informed updated present here spoke stated states reports reported "
    "agrees agreed requests requested visited visiting called calling at in".split()
)
#: Two-word relations: the second word alone is no cue ("other", "person").
RELATIONS_TWO = frozenset({"significant other", "contact person", "spokes person", "health proxy", "care proxy"})
BEFORE_CUES = frozenset("per paged called notified informed with by to from for cc attn".split())
_CUE_BEFORE_TWO = ("spoke with", "spoke to", "seen by", "discussed with", "d/w", "reported to", "called by",
                   "evaluated by", "per dr", "talked to", "talked with", "message for", "message to")
NEVER = frozenset(
    "the a an and or of to in on at for with from by is was be as it this that pt pts patient pt's md rn "
    "no not none neg pos am pm hr hrs bp rr sat sats icu ccu micu sicu csru nicu ed er or ir cath lab "
    "am pm prn po iv im sq sc qd bid tid qid qhs ns d5w lr ivf gtt gtts mg mcg ml cc kg team floor unit "
    "he she his her him they them their family care plan note today tonight yesterday tomorrow noc".split()
)
#: Cue words and clinical shorthand: never a word of a name themselves.
CUE_WORDS = NEVER | TITLES | RELATIONS | CREDENTIALS
HEADER_CUE = re.compile(
    r"\b(?:caller|patient|pt|re|dear|attending|ordering|referring|provider|physician|pcp|surgeon|contact|"
    r"emergency contact|nok|next of kin|signed|signed by|electronically signed by|dictated by|cc|author|"
    r"resident|fellow|nurse|rn|np|md|name|guardian|proxy|hcp|poa|spouse|informant|interpreter)\s*:\s*$"
    r"|(?:^|\n)\s*(?:dear|attn|attention|to|from|cc)\s+(?:(?:dr|mr|mrs|ms)\.?\s+)?$", re.IGNORECASE)


#: Honorific titles: part of the name they stand before ("Dr. Smith" is one span; some gold standards
#: include the title, and covering it never costs recall).
HONORIFICS = frozenset("dr drs doctor mr mrs ms miss mister mstr prof professor".split())
_HONORIFIC_BEFORE = re.compile(
    r"(?<![\w])(?:" + "|".join(sorted(HONORIFICS, key=len, reverse=True)) + r")(?:\.[ \t]{0,2}|[ \t]{1,2})$",
    re.IGNORECASE)
_HONORIFIC_PREFIX = re.compile(
    r"(?:" + "|".join(sorted(HONORIFICS, key=len, reverse=True)) + r")(?:\.[ \t]{0,2}|[ \t]{1,2})(?=\w)",
    re.IGNORECASE)
#: A letter's phrases after which a person is named: "thank you for seeing X".
PERSON_PHRASE = re.compile(r"\bthank(?:s|\s+you)\s+for\s+(?:seeing|referring)\s+$", re.IGNORECASE)
#: "is a 67-year-old", "IS A 82 YO", "is an 81 y/o": the words just before name the person the note is about.
_AGE_AFTER = re.compile(r"\.?[ \t]+is[ \t]+an?[ \t]+\d{1,3}(?:[ \t]*-?[ \t]*(?:years?|yrs?)[ \t-]*old\b|[ \t]*y/?o\b|"
                        r"[ \t]*y\.o\.)", re.IGNORECASE)
#: What may follow initials after "thank you for seeing": a comma, "whom", "for", the sentence's end.
_AFTER_PHRASE_INITIALS = re.compile(r"[ \t]*(?:[,.;(]|$|\n|(?:whom|who|for|in|on|today)\b)", re.IGNORECASE)
#: Header fields that name the patient: a two- or three-letter capital word there is the patient's initials.
_PATIENT_HEADER = re.compile(r"\b(?:patient|pt|re|name|patient name)\s*:\s*$", re.IGNORECASE)
#: What may follow a patient's initials in a header: a record number, a date of birth, or the line's end.
_AFTER_HEADER_INITIALS = re.compile(r"[ \t]*(?:$|\n|[#\d]|(?:mrn|medical record|unit no|dob|d\.o\.b)\b)",
                                    re.IGNORECASE)
#: Rules that are evidence too weak to name a drug position a person ("Allegra 180 mg").
_WEAK_EVIDENCE = frozenset({"lexicon", "capitalised", "spacy-ner", "propagated", "adjacent"})
#: Rules whose finding of an allow-listed word the detector may veto: such a word is not widened to its title.
_VETOED = _WEAK_EVIDENCE | {"cue-before", "verb-after"}
#: A surname with an apostrophe after its first letter: O'Brien, D'Angelo.
_APOSTROPHE_NAME = re.compile(r"[A-Za-z]'[A-Za-z]{2,}")
#: Marks word ``i`` as a name with a score and the rule's name (the highest score wins).
Mark = Callable[[int, float, str], None]


def title_start(text: str, start: int) -> int | None:
    """Where an honorific title right before ``start`` begins ("Dr. " or "MRS " before a name), else None."""
    match = _HONORIFIC_BEFORE.search(text, max(0, start - 14), start)
    return match.start() if match else None


def without_title(value: str) -> str:
    """``value`` without a leading honorific ("Dr. Smith" -> "Smith"): a name span includes its title, and
    code that learns names from spans (propagation to other notes) should learn the name alone."""
    match = _HONORIFIC_PREFIX.match(value)
    return value[match.end():] if match and match.end() < len(value) else value


def _plain_gap(gap: str) -> bool:
    """Only spaces (or a period after an initial, or a comma) lie between two tokens of one name."""
    return bool(re.fullmatch(r"\.?,?[ \t]{0,2}|[ \t]*-[ \t]*", gap))


@register("deid.name.v1")
class NameRecognizer(EntityRecognizer):
    """Names by context, lexicon, spaCy NER and in-note propagation (see the module docstring)."""

    registered_name = "deid.name.v1"

    def __init__(self) -> None:
        super().__init__(supported_entities=[Category.NAME.value], name=self.registered_name,
                         supported_language="en")

    def load(self) -> None:
        """Warm the lexicons so the first note is not slow."""
        lexicon.first_names()
        lexicon.last_names()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Every name token found, as Presidio results (adjacent tokens are merged later)."""
        tokens, style = analyze_words(text)
        hits: dict[int, tuple[float, str]] = {}

        def mark(i: int, score: float, why: str) -> None:
            if hits.get(i, (0.0, ""))[0] < score:
                hits[i] = (score, why)

        for i in range(len(tokens)):
            for cue in self._CUES:
                cue(self, text, tokens, i, style, mark)

        if style == "mixed":
            self._add_ner(nlp_artifacts, tokens, mark)
        self._extend_and_propagate(tokens, style, hits)
        for i in [i for i in hits if self._not_a_name_letter(text, tokens, i, hits)
                  or (hits[i][1] in _WEAK_EVIDENCE and keeplist.followed_by_dose(text, tokens[i].end))]:
            del hits[i]
        results = [
            RecognizerResult(Category.NAME.value, tokens[i].start, tokens[i].end, score,
                             recognition_metadata={"rule": why})
            for i, (score, why) in sorted(hits.items())
        ]
        return results + self._with_titles(text, tokens, hits)

    @staticmethod
    def _with_titles(text: str, tokens: Sequence[Token], hits: dict[int, tuple[float, str]]) -> list[RecognizerResult]:
        """The first word of each name that follows an honorific, widened to start at the title.

        The widened result scores a hair below the word's own, so Presidio keeps both: the word alone is
        what in-note propagation learns ("Smith" elsewhere), and the overlapping pair merges into one span
        ("Dr. Smith"), so precision counts it once. A clinical word found by a weak rule is not widened: the
        allow-list's veto of the word must not leave its title behind as a span.
        """
        widened = []
        for i, (score, why) in sorted(hits.items()):
            tok = tokens[i]
            start = title_start(text, tok.start)
            if start is None or (i and (i - 1) in hits) or (tok.is_allowed and why in _VETOED):
                continue
            widened.append(RecognizerResult(Category.NAME.value, start, tok.end, score - 0.001,
                                            recognition_metadata={"rule": why}))
        return widened

    # -- cues: each reads the word at ``i`` and its neighbours and marks the words it finds ----------

    def _relations(self, text: str, tokens: Sequence[Token], i: int, style: str, mark: Mark) -> None:
        """'significant other Frankie', 'contact person (Frankie)', and 'Hank Zabrowski (son)'."""
        tok, prev = tokens[i], tokens[i - 1] if i else None
        if prev is None:
            return
        if i >= 2 and f"{tokens[i - 2].folded} {prev.folded}" in RELATIONS_TWO and self._joinable_cue(prev, tok) \
                and (self._relative_name(tok, style) or self._cued_name(tok, style)):
            self._take_forward(tokens, i, style, mark, 0.75, "relation")
        if tok.folded in RELATIONS and re.fullmatch(r"\s*\(", tok.gap):
            self._take_backward(tokens, i - 1, style, mark, 0.75, "relation-after", strong=True)

    def _title_or_relation(self, text: str, tokens: Sequence[Token], i: int, style: str, mark: Mark) -> None:
        """A title or relation just before: take the following name-like words."""
        tok, prev = tokens[i], tokens[i - 1] if i else None
        if prev is None or not (prev.folded in TITLES or prev.folded in RELATIONS) or not self._joinable_cue(prev, tok):
            return
        if re.search(r"\d[ \t]*$", prev.gap):
            return  # "#16 FR FOLEY", "14fr coude": a title word right after a number is a unit
        # "dr green aware" in a mixed-case note: a writer who did not capitalise the title did not
        # capitalise the name either, so the pair reads as lower-case text
        cue_style = "lower" if style == "mixed" and prev.text.islower() and tok.text.islower() else style
        # "Ms." written as a title is one; "MS" may be mental status or multiple sclerosis
        courtesy = prev.text == "Ms" and tok.gap.startswith(".") and tok.is_title
        weak = (prev.folded in AMBIGUOUS_TITLES and not courtesy) or prev.folded in RELATIONS
        ambiguous = prev.folded in AMBIGUOUS_TITLES and not courtesy
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        verb_next = after is not None and after.folded in ACTION_VERBS and _plain_gap(after.gap)
        if tok.is_initial and weak and not (tok.gap and after is not None and after.gap.startswith(".")):
            return
        if "." in tok.gap and prev.folded not in PERIOD_TITLES:
            return  # "attending. Decision made": a sentence ended
        if not weak or self._namey(tok, cue_style, strict=True, lexical=True) or (
                self._cued_name(tok, cue_style) and (not ambiguous or lexicon.english_zipf(tok.folded) < 4.8)) \
                or (prev.folded in RELATIONS and self._relative_name(tok, style)) \
                or (ambiguous and verb_next and self._strong_name(tok, style)
                    and lexicon.english_zipf(tok.folded) < 4.8):
            self._take_forward(tokens, i, cue_style, mark, 0.85 if prev.folded in TITLES else 0.75,
                               "title" if prev.folded in TITLES else "relation", strong=not weak)

    def _header(self, text: str, tokens: Sequence[Token], i: int, style: str, mark: Mark) -> None:
        """A header field: "Caller: Mark Wilson", "Re: Smith, Jane", "Dear Dr. Lopez"."""
        tok = tokens[i]
        if tok.folded in TITLES or not HEADER_CUE.search(text[max(0, tok.start - 36):tok.start]):
            return
        if self._strong_name(tok, style):
            self._take_forward(tokens, i, style, mark, 0.8, "header", strong=True)
        patient_field = _PATIENT_HEADER.search(text, max(0, tok.start - 16), tok.start) is not None
        if patient_field and self._initials_run(text, tokens, i, style, _AFTER_HEADER_INITIALS, mark, "header"):
            return
        # a lower-case name in a mixed-case header ("Patient: katie roberts") is judged by the keep-list; in
        # the patient's own field a surname that is also a word or an eponym ("Re: Julie Love") counts too
        for k in self._frame_run(tokens, i, style, patient_field):
            mark(k, 0.75, "keeplist")

    def _frame_run(self, tokens: Sequence[Token], i: int, style: str, strongest: bool) -> range:
        """The words from ``i`` on (up to three, on one line, joined by spaces or a comma) that stand in a name
        position: keep-list names, and in the ``strongest`` positions (the patient's header field, "thank you
        for referring X", "X is a 67-year-old") any known given name or surname however common or clinical."""
        end = i
        while end < len(tokens) and end - i < 3 and (end == i or (_plain_gap(tokens[end].gap)
                                                                 and "\n" not in tokens[end].gap)):
            cur = tokens[end]
            if not (self._keeplist_name(cur, style) or (strongest and self._frame_name(cur))):
                break
            end += 1
        return range(i, end)

    @staticmethod
    def _frame_name(tok: Token) -> bool:
        """In a position where only a person can stand, a given name or surname that is also a word or an
        eponym is the person ("Brown is a 48-year-old man", "Re: Julie Love", "referring David Murphy");
        the commonest words ("will", "can") never are."""
        return (tok.text.isalpha() or _APOSTROPHE_NAME.fullmatch(tok.text) is not None) and not tok.is_initial \
            and tok.folded not in CUE_WORDS and tok.folded not in BEFORE_CUES and tok.folded not in ACTION_VERBS \
            and tok.folded not in AFTER_VERBS and tok.is_name_word and lexicon.english_zipf(tok.bare) < 5.8

    def _initials_run(self, text: str, tokens: Sequence[Token], i: int, style: str, after: re.Pattern[str],
                      mark: Mark, why: str) -> bool:
        """Initials at ``i`` ("JE", "J.M.", "m.m.") followed by what ``after`` allows: mark them, say if so.

        Two or three letters in capitals (or dotted letters in any case) in a position where only the
        person can stand are that person's initials; an abbreviation ("CHF") there is no sentence at all.
        """
        tok = tokens[i]
        if tok.folded in CUE_WORDS or tok.folded in CREDENTIALS or not tok.text.isalpha():
            return False
        if not tok.is_initial:
            if not (2 <= len(tok.text) <= 3 and (tok.text.isupper() or style == "lower")) \
                    or after.match(text, tok.end) is None:
                return False
            mark(i, 0.8, why)
            return True
        end = i
        while end < len(tokens) and tokens[end].is_initial and end - i < 3 \
                and (end == i or tokens[end].gap in {".", ". ", " "}) and text[tokens[end].end:tokens[end].end + 1] == ".":
            end += 1
        if end == i or after.match(text, tokens[end - 1].end + 1) is None:
            return False
        for k in range(i, end):
            mark(k, 0.8, why)
        return True

    def _age_phrase(self, text: str, tokens: Sequence[Token], i: int, style: str, mark: Mark) -> None:
        """The subject of "... is a 67-year-old man" at a line or sentence start ("Jane Roe is a", "PT J.M. IS A
        82 YO M", "pt jeffrey martin is a 79 yo m"): words the keep-list does not keep, known names, and
        initials. Only the person the note is about stands there, so no capital is needed."""
        tok = tokens[i]
        if tok.folded != "is" or i == 0 or _AGE_AFTER.match(text, tokens[i - 1].end) is None:
            return
        run: list[int] = []
        j = i - 1
        while j >= 0 and len(run) < 3:
            cur = tokens[j]
            dotted = cur.is_initial and text[cur.end:cur.end + 1] == "."  # "A.S.": 'a' is no article here
            if not dotted and (cur.folded in CUE_WORDS or cur.folded in CREDENTIALS or not (
                    cur.text.isalpha() or _APOSTROPHE_NAME.fullmatch(cur.text))):
                break
            initials = not cur.is_initial and 2 <= len(cur.text) <= 3 and (cur.text.isupper() or style == "lower") \
                and not run
            after_initial = j > 0 and tokens[j - 1].is_initial and tokens[j].gap.startswith(".")
            if not (dotted or initials or self._keeplist_name(cur, style) or after_initial
                    or self._frame_name(cur)):
                break
            run.append(j)
            if not (_plain_gap(cur.gap) or cur.gap in {".", ". "}) or "\n" in cur.gap:
                break
            j -= 1
        if not run:
            return
        first = tokens[run[-1]]
        before = tokens[run[-1] - 1] if run[-1] else None
        at_start = before is None or "\n" in first.gap or re.search(r"[.:;]\s*$", first.gap) is not None \
            or before.folded in {"pt", "patient"} or before.folded in TITLES
        if not at_start:
            return
        for k in run:
            mark(k, 0.8, "age-phrase")

    def _credential(self, text: str, tokens: Sequence[Token], i: int, style: str, mark: Mark) -> None:
        """A credential just after: take the preceding name-like words ("J. Doe, RN", "O'Donnell MD spoke")."""
        tok, prev = tokens[i], tokens[i - 1] if i else None
        if tok.folded not in CREDENTIALS or prev is None or not re.fullmatch(r",?\s*|\s*/\s*", tok.gap):
            return
        line_end = re.match(r"\s*(?:\n|$|[,;)]|/\w+\s*$)", text[tok.end:tok.end + 8]) is not None
        verb_after = (tok.folded in {"np", "pa", "rn", "md"} and i + 1 < len(tokens)
                      and tokens[i + 1].folded in ACTION_VERBS and _plain_gap(tokens[i + 1].gap)
                      and (self._namey(prev, style, strict=True, lexical=True) or self._unknown_word(prev, style)))
        trusted = tok.folded not in AMBIGUOUS_CREDENTIALS or (tok.gap.startswith(",") and line_end) or verb_after
        if trusted and (line_end or "," in tok.gap or verb_after):
            self._take_backward(tokens, i - 1, style, mark, 0.8, "credential",
                                strong=tok.folded not in AMBIGUOUS_CREDENTIALS)

    def _cue_before(self, text: str, tokens: Sequence[Token], i: int, style: str, mark: Mark) -> None:
        """A cue before: "per X", "spoke with X"."""
        tok, prev = tokens[i], tokens[i - 1] if i else None
        if prev is None or not _plain_gap(tok.gap):
            return
        two = f"{tokens[i - 2].folded} {prev.folded}" if i >= 2 else ""
        if prev.folded not in BEFORE_CUES and two not in _CUE_BEFORE_TWO:
            return
        per_name = prev.folded == "per" and tok.is_first and self._cued_name(tok, style) \
            and lexicon.english_zipf(tok.folded) < 4.8
        if self._namey(tok, style, strict=True, lexical=True) or per_name:
            self._take_forward(tokens, i, style, mark, 0.6, "cue-before", need_first=not per_name)

    def _person_phrase(self, text: str, tokens: Sequence[Token], i: int, style: str, mark: Mark) -> None:
        """Strong cues whose name is judged by the keep-list: "thank you for seeing X", "seen in consult by X of
        cardiology", "read by X, MD on 3/4". In a note without capitals nothing else tells these names apart,
        so a word that is no known vocabulary (see :func:`deid.text.keeplist.keeps`) is taken."""
        tok, prev = tokens[i], tokens[i - 1] if i else None
        if prev is None:
            return
        phrase = PERSON_PHRASE.search(text, max(0, tok.start - 40), tok.start) is not None
        if not phrase and not (prev.folded == "by" and _plain_gap(tok.gap)):
            return
        if phrase and self._initials_run(text, tokens, i, style, _AFTER_PHRASE_INITIALS, mark, "keeplist"):
            return
        end = i
        while end < len(tokens) and end - i < 3 and (end == i or _plain_gap(tokens[end].gap)) and (
                self._keeplist_name(tokens[end], style) or (phrase and self._frame_name(tokens[end]))
                or (tokens[end].is_initial and tokens[end].text.isupper() and end + 1 < len(tokens)
                    and tokens[end + 1].gap.startswith("."))):
            end += 1
        if end == i or all(tokens[k].is_initial for k in range(i, end)):
            return
        after = tokens[end] if end < len(tokens) else None
        closed = after is not None and (
            (after.folded == "of" and _plain_gap(after.gap) and end + 1 < len(tokens))
            or (after.folded in CREDENTIALS and re.fullmatch(r",[ \t]*", after.gap) is not None))
        if phrase or closed:
            for k in range(i, end):
                mark(k, 0.8, "keeplist")

    def _keeplist_name(self, tok: Token, style: str) -> bool:
        """A word in a name position that is a name: a known name that is no everyday word, or a word the
        keep-list does not keep (no English, drug, clinical word or abbreviation)."""
        if tok.is_initial or tok.folded in CUE_WORDS or tok.folded in BEFORE_CUES or tok.folded in ACTION_VERBS \
                or tok.folded in AFTER_VERBS or not (tok.text.isalpha() or _APOSTROPHE_NAME.fullmatch(tok.text)):
            return False
        if tok.is_name_word and not tok.is_allowed and lexicon.english_zipf(tok.bare) < 4.8:
            return True
        return not keeplist.keeps(tok.text, mixed_case=style == "mixed")

    def _verb_after(self, text: str, tokens: Sequence[Token], i: int, style: str, mark: Mark) -> None:
        """A clinical verb after: "WELCH AWARE", "Dr X notified"."""
        tok, nxt = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is None or nxt.folded not in AFTER_VERBS or nxt.folded in {"at", "in"} or not _plain_gap(nxt.gap):
            return
        if self._namey(tok, style, strict=True, lexical=True) or (
                nxt.folded in {"aware", "notified", "paged"} and len(tok.folded) >= 4
                and self._unknown_word(tok, style, rare=1.5)):
            self._take_backward(tokens, i, style, mark, 0.6, "verb-after")

    def _initials(self, text: str, tokens: Sequence[Token], i: int, style: str, mark: Mark) -> None:
        """An initial and a surname before a clinical verb ("W. MAROTTA AWARE"), or an initial and a word
        English does not know ("M. PEPPLER")."""
        tok, prev = tokens[i], tokens[i - 1] if i else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if prev is None:
            return
        # an initial, then a surname, then a clinical verb
        if (prev.is_initial and prev.text.isupper() and tok.gap.startswith(".")
                and nxt is not None and (nxt.folded in AFTER_VERBS or nxt.folded in CREDENTIALS)
                and nxt.folded not in {"at", "in"} and tok.folded not in NEVER and len(tok.folded) >= 2):
            mark(i - 1, 0.75, "initial-surname")
            mark(i, 0.75, "initial-surname")
        # an initial and a word English does not know
        if (prev.is_initial and prev.text.isupper() and tok.gap.startswith(". ")
                and (i < 2 or re.fullmatch(r"[ \t]+|[ \t]*[(,][ \t]*", prev.gap) or prev.gap.endswith("\n"))
                and len(tok.folded) >= 5 and self._unknown_word(tok, style, rare=1.5)):
            mark(i - 1, 0.7, "initial-unknown")
            mark(i, 0.7, "initial-unknown")

    def _given_and_surname(self, text: str, tokens: Sequence[Token], i: int, style: str, mark: Mark) -> None:
        """A first name and a surname together: "LORETTA VANDERKOLK", "carol wolfe"."""
        if i + 1 >= len(tokens):
            return
        after_next = tokens[i + 2] if i + 2 < len(tokens) else None
        verb_follows = after_next is not None and _plain_gap(after_next.gap) and (
            after_next.folded in ACTION_VERBS or after_next.folded in AFTER_VERBS)
        if self._first_last(tokens[i], tokens[i + 1], style, verb_follows):
            mark(i, 0.7, "first-last")
            mark(i + 1, 0.7, "first-last")

    def _initial_and_surname(self, text: str, tokens: Sequence[Token], i: int, style: str, mark: Mark) -> None:
        """An initial and a known surname: "E. WELCH", "d. ranno", "J SMITH ORDERED"."""
        if i and self._initial_surname(text, tokens[i - 1], tokens[i], tokens[i + 1] if i + 1 < len(tokens) else None,
                                       style):
            mark(i - 1, 0.7, "initial-last")
            mark(i, 0.7, "initial-last")

    def _lexicon_word(self, text: str, tokens: Sequence[Token], i: int, style: str, mark: Mark) -> None:
        """A common name word that is not everyday English; in mixed case, a capitalised one inside a sentence."""
        tok = tokens[i]
        if tok.is_core_name and not tok.is_common and not tok.is_allowed and len(tok.folded) >= 4:
            if style != "mixed" or tok.is_title or tok.text.isupper():
                mark(i, 0.55 if style == "mixed" else 0.45, "lexicon")
        elif style == "mixed" and tok.is_title and tok.is_core_name and not tok.is_allowed and i > 0 \
                and not re.search(r"[.!?:\n]\s*$", tok.gap) and not tok.is_common:
            mark(i, 0.5, "capitalised")

    #: Every cue, in the order they run (a later, higher score replaces an earlier one).
    _CUES = (_relations, _title_or_relation, _header, _credential, _cue_before, _person_phrase, _age_phrase,
             _verb_after, _initials, _given_and_surname, _initial_and_surname, _lexicon_word)

    # -- helpers -------------------------------------------------------------------------------------

    @staticmethod
    def _not_a_name_letter(text: str, tokens: Sequence[Token], i: int, hits: dict[int, tuple[float, str]]) -> bool:
        """A single letter that is not an initial: part of a dotted abbreviation ('R.T.', 'H.O.', 'S/P'),
        the pronoun 'I' before a verb, or 'x' before a count ('x 2').

        Letters joined by periods or slashes without spaces are an abbreviation, unless a found name follows
        them ('J.R. Smith') or they fill a header field ('Re: J.R.').
        """
        tok = tokens[i]
        if not tok.is_initial:
            return False
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        after = text[tok.end:tok.end + 3]
        if tok.folded == "x" and re.match(r"\s*\d", after):
            return True
        if tok.folded == "i" and nxt is not None and not nxt.gap.startswith(".") and nxt.folded in (
                ACTION_VERBS | AFTER_VERBS | {"spoke", "called", "was", "am", "have", "had", "did", "gave"}):
            return True
        joined_before = i > 0 and tokens[i - 1].is_initial and re.fullmatch(r"[./&]", tok.gap) is not None
        joined_after = nxt is not None and nxt.is_initial and re.fullmatch(r"[./&]", nxt.gap) is not None
        if not (joined_before or joined_after):
            return False
        first = i
        while first > 0 and tokens[first - 1].is_initial and tokens[first].gap == ".":
            first -= 1
        if hits.get(first, (0.0, ""))[1] in {"header", "age-phrase", "keeplist"} and all(
                t.gap == "." for t in tokens[first + 1:i + 1]) and (nxt is None or nxt.gap != "/"):
            return False
        k = i
        while k + 1 < len(tokens) and tokens[k + 1].is_initial and re.fullmatch(r"[./&]", tokens[k + 1].gap):
            k += 1
        follower = k + 1
        return not (follower < len(tokens) and follower in hits and not tokens[follower].is_initial
                    and re.fullmatch(r"\.?\s{1,2}", tokens[follower].gap) is not None)

    @staticmethod
    def _strong_name(tok: Token, style: str) -> bool:
        """After an unambiguous cue (Dr., a credential, 'Caller:'), anything name-shaped is a name, even a
        word on the allow-list ('Dr. Bell', 'A. GREEN, RN')."""
        if tok.is_initial:
            return tok.text.isupper()
        if tok.folded in CUE_WORDS:
            return False
        if tok.is_name_word:
            return style != "mixed" or tok.is_title or tok.text.isupper()
        return (not tok.is_common and not tok.is_allowed) or (style == "mixed" and tok.is_title and not tok.is_allowed)

    @staticmethod
    def _unknown_word(tok: Token, style: str, rare: float = 2.5) -> bool:
        """A word English does not know (not even rarely) and that is no clinical term: after a relation
        ('daughter Quilbri') it can only be a name."""
        if tok.folded in NEVER or tok.is_allowed or len(tok.folded) < 3:
            return False
        if not (tok.text.isalpha() or _APOSTROPHE_NAME.fullmatch(tok.text)):
            return False
        if style == "mixed" and not (tok.is_title or tok.text[:1].isupper()):
            return False
        return lexicon.english_zipf(tok.bare) < rare

    def _relative_name(self, tok: Token, style: str) -> bool:
        """After a relation ('brother Tonio', 'Sons Dusty'), a word that is no everyday English and no
        clinical term: English does not know it, or in mixed case it is capitalised and uncommon."""
        if self._unknown_word(tok, style, rare=3.2):
            return True
        return (style == "mixed" and tok.is_title and not tok.is_allowed and tok.folded not in NEVER
                and tok.text.isalpha() and lexicon.english_zipf(tok.folded) < 4.0)

    @staticmethod
    def _cued_name(tok: Token, style: str) -> bool:
        """After a title or relation, a lexicon name counts even if it is an everyday word ('wife, rose')."""
        if tok.folded in NEVER or tok.folded in TITLES or tok.folded in RELATIONS or tok.is_initial:
            return False
        if tok.folded in lexicon.clinical_allow() and tok.folded not in lexicon.first_names():
            return False
        if tok.is_allowed and tok.folded not in lexicon.first_names():
            return False
        return tok.is_name_word and lexicon.english_zipf(tok.folded) < 5.6 and (style != "mixed" or tok.is_title)

    @staticmethod
    def _clean_name_word(tok: Token) -> bool:
        """Letters only (or an O'Brien apostrophe), and no cue, credential or clinical word."""
        shaped = tok.text.isalpha() or _APOSTROPHE_NAME.fullmatch(tok.text) is not None
        return len(tok.folded) >= 2 and shaped and not (tok.folded in BEFORE_CUES or
            tok.is_allowed or tok.folded in CUE_WORDS or tok.folded in ACTION_VERBS or tok.folded in AFTER_VERBS)

    def _first_last(self, first: Token, last: Token, style: str, verb_follows: bool = False) -> bool:
        """A given name followed by a surname or a word English does not know, in the same case.

        The surname carries the evidence: it must be rare as an English word, so "Will monitor" or
        "Grace period" never pass; the given name may be an everyday word ("Mary", "Rose").
        """
        if first.is_initial or last.is_initial or not first.is_first or not _plain_gap(last.gap) or "." in last.gap:
            return False
        if not (self._clean_name_word(first) and self._clean_name_word(last)) or len(last.folded) < 3:
            return False
        if style == "mixed" and not ((first.is_title or first.text.isupper()) and (last.is_title or last.text.isupper())):
            return False
        if len(first.folded) < 3:
            return False
        given, surname = lexicon.english_zipf(first.folded), lexicon.english_zipf(last.bare)
        if last.is_last and surname < 3.6:
            return given < 5.8
        # an unknown second word (a misspelling as often as a surname) needs a given name that is no word,
        # or a clinical verb after the pair ("BEA TRUSKA AWARE")
        if verb_follows and surname < 2.5 and given < 4.0:
            return True
        return surname < 1.5 and given < 3.0 and first.is_core_name

    def _initial_surname(self, text: str, initial: Token, last: Token, nxt: Token | None, style: str) -> bool:
        """An initial with a period, then a surname ("E. WELCH", "d. ranno"); without the period only
        before a clinical verb ("J SMITH ORDERED")."""
        if not initial.is_initial or last.is_initial or len(last.folded) < 3:
            return False
        if not last.is_last or lexicon.english_zipf(last.bare) >= 5.0:
            return False
        eponym = last.is_allowed and last.folded not in lexicon.drug_names()  # "Z. Miller" is a person
        if not (self._clean_name_word(last) or (eponym and last.text.isalpha())):
            return False
        if initial.folded in {"i", "x"} or re.search(r"[\w./&']$", initial.gap):
            return False  # "S/P R. thoracotomy", "A.M.": a letter glued to a word is no initial
        if style == "mixed" and not (initial.text.isupper() and (last.is_title or last.text.isupper())):
            return False
        if re.fullmatch(r"\.[ \t]{1,2}", last.gap):
            return True
        if re.fullmatch(r"[ \t]{1,2}", last.gap) is None:
            return False
        cued = re.search(r"\b(?:per|by|with|dr|drs)\s{1,2}$", text[max(0, initial.start - 6):initial.start],
                         re.IGNORECASE) is not None
        return cued or (initial.text.isupper() and nxt is not None and _plain_gap(nxt.gap)
                        and (nxt.folded in ACTION_VERBS or nxt.folded in AFTER_VERBS))

    @staticmethod
    def _ends_name(tok: Token, style: str) -> bool:
        """A word that cannot continue a name already begun: an abbreviation ('MRN', 'DOB', 'NPI') or, in a
        mixed-case note, an everyday word; a known name or an initial always may."""
        if tok.is_initial or tok.is_name_word:
            return False
        mixed = style == "mixed"
        return keeplist.looks_like_abbreviation(tok.text, mixed) or (mixed and tok.is_common)

    @staticmethod
    def _later_name_word(tok: Token) -> bool:
        """A second or third word of a cued name: a lexicon name or a word English does not know, never a
        clinical term ('Dr Ronayne good pedal pulses', 'Dr. Chung and neo')."""
        if tok.is_allowed or tok.folded in NEVER or tok.is_initial:
            return tok.is_initial and tok.text.isupper()
        zipf = lexicon.english_zipf(tok.bare)
        return (tok.is_name_word and zipf < 5.0) or zipf < 2.5

    @staticmethod
    def _joinable_cue(prev: Token, tok: Token) -> bool:
        return bool(re.fullmatch(r"\.?'?\s{0,3}[\"(]?|\s*[,:\-(]\s*[\"(]?|\.?\s*(?:is\s+|named\s+)?|'s?\s+", tok.gap))

    @staticmethod
    def _namey(tok: Token, style: str, strict: bool = False, lexical: bool = False) -> bool:
        """Could this token be (part of) a name? ``lexical``: only a lexicon name, or a capitalised word
        in mixed-case text, counts (for weak cues, where clinical abbreviations abound)."""
        if tok.is_initial and tok.text.isupper() and style != "upper":
            return True
        if tok.folded in NEVER or tok.is_allowed or tok.folded in TITLES or tok.folded in RELATIONS:
            return False
        if lexical and not tok.is_initial:
            if style == "mixed":
                return tok.is_title and tok.is_core_name and not tok.is_allowed and len(tok.folded) >= 2
            return tok.is_core_name and not tok.is_common and len(tok.folded) >= 3
        if tok.is_initial:
            return tok.text.isupper() or not strict
        if tok.is_name_word and (not tok.is_common or (style == "mixed" and tok.is_title)):
            return True
        if strict:
            return not tok.is_common and (style != "mixed" or tok.is_title or tok.text.isupper())
        return not tok.is_common or (style == "mixed" and tok.is_title) or tok.is_name_word

    def _take_forward(self, tokens: Sequence[Token], i: int, style: str, mark: Mark, score: float, why: str,
                      need_first: bool = False, strong: bool = False) -> None:
        taken = 0
        j = i
        while j < len(tokens) and taken < 3:
            tok = tokens[j]
            if j > i and "." in tok.gap and not tokens[j - 1].is_initial:
                break  # a period ends the name unless it closes an initial
            if need_first and taken == 0 and tok.is_initial and not (
                    j + 1 < len(tokens) and tokens[j + 1].gap.startswith(".")
                    and self._strong_name(tokens[j + 1], style)):
                break
            if need_first and taken == 1 and tokens[j - 1].is_initial and tok.gap.startswith(".") \
                    and self._strong_name(tok, style):
                mark(j, score, why)
                taken += 1
                j += 1
                continue
            if j > i and not _plain_gap(tok.gap) and not (tok.gap.strip() == "and"
                                                           or re.fullmatch(r"\s+and\s+", tok.gap)):
                break
            if tok.folded == "and" and taken:
                j += 1
                continue
            vouched = strong and self._strong_name(tok, style) and (
                taken == 0 or (tokens[j - 1].is_initial and self._later_name_word(tok)))
            if taken and (tok.folded in ACTION_VERBS or tok.folded in AFTER_VERBS or tok.folded in CREDENTIALS):
                break  # "Dr Kearns paged": the name has ended
            if taken and self._ends_name(tok, style):
                break  # "Patient: Jane Roe  MRN 123", "Name: Jane  Medical Record Number"
            if taken and style != "mixed" and not tokens[j - 1].is_initial and not (
                    self._later_name_word(tok) or (tok.is_core_name and not tok.is_common)):
                break  # "DR BURKE RENAL CONSULT": without capitals, only a name word continues a name
            if not (self._namey(tok, style, strict=need_first and taken == 0)
                    or (not need_first and self._cued_name(tok, style))
                    or vouched or (strong and taken and self._later_name_word(tok) and self._strong_name(tok, style))):
                break
            mark(j, score, why)
            taken += 1
            j += 1

    def _take_backward(self, tokens: Sequence[Token], i: int, style: str, mark: Mark, score: float, why: str,
                       strong: bool = False) -> None:
        taken = 0
        j = i
        while j >= 0 and taken < 3:
            tok = tokens[j]
            if not (self._namey(tok, style) or (strong and self._strong_name(tok, style))):
                break
            mark(j, score, why)
            taken += 1
            if not _plain_gap(tok.gap):
                break
            j -= 1

    @staticmethod
    def _add_ner(nlp_artifacts: NlpArtifacts | None, tokens: Sequence[Token], mark: Mark) -> None:
        if nlp_artifacts is None or not tokens:
            return
        starts = {t.start: k for k, t in enumerate(tokens)}
        for ent in nlp_artifacts.entities:
            if ent.label_ != "PERSON":
                continue
            for word in ent:
                k = starts.get(word.idx)
                if k is None:
                    continue
                tok = tokens[k]
                if tok.folded in NEVER or tok.is_allowed or tok.folded in TITLES or tok.folded in CREDENTIALS:
                    continue
                if not tok.is_title or (tok.is_common and not tok.is_name_word):
                    continue
                if not tok.is_name_word and sum(w.is_alpha for w in ent) < 2:
                    continue  # one word and a number ("Troponin 0.1") is no two-word name
                mark(k, 0.5, "spacy-ner")

    def _extend_and_propagate(self, tokens: Sequence[Token], style: str, hits: dict[int, tuple[float, str]]) -> None:
        # neighbours of a found name that look like names join it ("Margaret Gaudreau", "E. WELCH")
        changed = True
        while changed:
            changed = False
            for i in list(hits):
                for j in (i - 1, i + 1):
                    if j < 0 or j >= len(tokens) or j in hits:
                        continue
                    tok, gap_tok = tokens[j], tokens[max(i, j)]
                    if not _plain_gap(gap_tok.gap) or "\n" in gap_tok.gap:
                        continue
                    capital_name = style == "mixed" and tok.is_title and not tok.is_allowed and (
                        tok.is_name_word or self._unknown_word(tok, style))
                    if capital_name or self._namey(tok, style, strict=True, lexical=True) or (tok.is_initial and tok.text.isalpha() and
                                                                (tok.text.isupper() or style == "lower")
                                                                and j < i):
                        hits[j] = (hits[i][0] - 0.05, "adjacent")
                        changed = True
        # a word found to be a name is a name everywhere in the note
        named = {tokens[i].folded for i, (s, why) in hits.items()
                 if s >= 0.7 and len(tokens[i].folded) >= 3 and not tokens[i].is_common}
        for k, tok in enumerate(tokens):
            if k not in hits and tok.folded in named and tok.folded not in NEVER and not tok.is_allowed:
                hits[k] = (0.6, "propagated")
