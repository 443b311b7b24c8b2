"""The learned PHI tagger: a small spaCy NER pipeline shipped inside the package, checked by hash, loaded offline.

The weights live in ``deid/text/models/phi_ner`` and are written only by the recipe in :mod:`deid.training`
(``make model``). Their content hash is pinned in ``deid/text/models/phi_ner.sha256``; the loader recomputes it
and refuses a folder that differs, so the tagger a release used is the one the repository reviewed.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from deid.errors import ConfigError

MODEL_DIR = Path(__file__).with_name("models") / "phi_ner"
HASH_FILE = MODEL_DIR.with_suffix(".sha256")


def folder_sha256(folder: Path) -> str:
    """sha256 over every file of ``folder``: each relative path and its bytes, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def available() -> bool:
    """Whether the package ships the tagger (a checkout before ``make model`` has none)."""
    return HASH_FILE.is_file() and (MODEL_DIR / "meta.json").is_file()


@functools.lru_cache(maxsize=2)
def load_tagger(folder: Path = MODEL_DIR, hash_file: Path = HASH_FILE):  # type: ignore[no-untyped-def]
    """The tagger as a spaCy ``Language``, after checking the folder's content against the pinned hash."""
    import spacy

    if not hash_file.is_file() or not (folder / "meta.json").is_file():
        raise ConfigError(f"the learned PHI tagger is missing from {folder}; run `make model` to train it")
    expected = hash_file.read_text(encoding="ascii").strip()
    actual = folder_sha256(folder)
    if actual != expected:
        raise ConfigError(f"{folder}: content hash {actual[:12]}... differs from the pinned {expected[:12]}...; "
                          "the tagger was changed outside its recipe (`make model` rewrites both)")
    nlp = spacy.load(folder)
    nlp.max_length = max(nlp.max_length, 20_000_000)
    return nlp


__all__ = ["HASH_FILE", "MODEL_DIR", "available", "folder_sha256", "load_tagger"]
