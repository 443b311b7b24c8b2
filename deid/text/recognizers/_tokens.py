"""Word tokens with the features the name and place recognizers share (case style, lexicon hits)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from deid.text import lexicon

WORD = re.compile(r"[A-Za-z\u00c0-\u024f](?:[A-Za-z\u00c0-\u024f']*[A-Za-z\u00c0-\u024f])?")


@dataclass(slots=True)
class Token:
    """One word of a note, with its folded form and what the lexicons say of it."""

    start: int
    end: int
    text: str
    folded: str
    gap: str  # the characters between the previous token and this one

    @property
    def is_title(self) -> bool:
        return self.text[0].isupper() and not self.text.isupper()

    @property
    def is_initial(self) -> bool:
        return len(self.folded) == 1

    @property
    def is_first(self) -> bool:
        return self.folded in lexicon.first_names()

    @property
    def is_last(self) -> bool:
        """A surname; "O'Brien" is looked up as "obrien", as the Census lists spell it."""
        return self.folded in lexicon.last_names() or ("'" in self.folded and self.bare in lexicon.last_names())

    @property
    def bare(self) -> str:
        """The folded word without apostrophes."""
        return self.folded.replace("'", "")

    @property
    def is_name_word(self) -> bool:
        return self.is_first or self.is_last

    @property
    def is_core_name(self) -> bool:
        """A common first or last name (see :func:`deid.text.lexicon.core_names`)."""
        return self.folded in lexicon.core_names()

    @property
    def is_common(self) -> bool:
        return lexicon.is_common_word(self.folded)

    @property
    def is_allowed(self) -> bool:
        return self.folded in lexicon.clinical_allow()


def tokenize(text: str) -> list[Token]:
    """Word tokens of ``text`` with the gap before each."""
    tokens: list[Token] = []
    last_end = 0
    for match in WORD.finditer(text):
        word = match.group()
        tokens.append(Token(match.start(), match.end(), word, lexicon.fold(word), text[last_end:match.start()]))
        last_end = match.end()
    return tokens


def case_style(text: str) -> str:
    """'upper', 'lower' or 'mixed': capitalisation carries information only in mixed-case text."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "mixed"
    upper = sum(c.isupper() for c in letters) / len(letters)
    if upper > 0.75:
        return "upper"
    if upper < 0.04:
        return "lower"
    return "mixed"


@functools.lru_cache(maxsize=8)
def analyze_words(text: str) -> tuple[tuple[Token, ...], str]:
    """Tokens and case style of ``text``, computed once per note for every recognizer that reads them."""
    return tuple(tokenize(text)), case_style(text)
