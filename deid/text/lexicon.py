"""Word lists the recognizers consult: personal names, common words, and the clinical allow-list.

Names come from Faker's person providers (first and last names of its Latin-script locales) and from the
US Census 1990 name lists that the ``names`` package ships (88,799 surnames, 5,494 given names), so the
lexicon follows published lists rather than one of our own. Word frequency comes from
``wordfreq`` (bundled data, no download). The clinical vocabulary joins two sources: drug names (generic and
brand, one word) from the ``drug-named-entity-recognition`` package's dictionary (DrugBank, MeSH, NHS and
Wikipedia sources, MIT licence), and our own list of eponyms, devices and ICU abbreviations in
``data/clinical_allow.txt``. Sites extend it through the policy's ``text.allow_list``.
"""

from __future__ import annotations

import bz2
import functools
import importlib
import importlib.util
import pickle
import pkgutil
import unicodedata
from importlib import resources
from pathlib import Path

import faker.providers.person as person_providers
from wordfreq import zipf_frequency

#: Locales whose names appear in US clinical notes; Latin script only so tokens compare directly.
NAME_LOCALES = (
    "en", "en_US", "en_GB", "en_IE", "en_IN", "es", "es_ES", "es_MX", "de_DE", "fr_FR", "it_IT", "pl_PL",
    "pt_BR", "pt_PT", "nl_NL", "ga_IE", "cs_CZ", "hu_HU", "ro_RO", "sv_SE", "tr_TR", "vi_VN", "tl_PH",
    "fil_PH", "sk_SK", "hr_HR", "da_DK", "no_NO", "fi_FI", "ng_NG", "yo_NG", "id_ID",
)


def fold(word: str) -> str:
    """Lower case without accents, the form every lexicon is keyed by."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.cache
def _names(attribute_prefixes: tuple[str, ...]) -> frozenset[str]:
    found: set[str] = set()
    available = {m.name for m in pkgutil.iter_modules(person_providers.__path__)}
    for locale in NAME_LOCALES:
        if locale not in available:
            continue
        provider = importlib.import_module(f"{person_providers.__name__}.{locale}").Provider
        for attr in dir(provider):
            if not attr.startswith(attribute_prefixes):
                continue
            values = getattr(provider, attr)
            if isinstance(values, dict):
                values = list(values)
            if not isinstance(values, (list, tuple)):
                continue
            for value in values:
                if isinstance(value, str) and value.isascii() is False and not value.isalpha():
                    continue
                for part in str(value).replace("-", " ").split():
                    token = fold(part)
                    if len(token) >= 2 and token.isalpha():
                        found.add(token)
    return frozenset(found)


def _package_file(package: str, file_name: str) -> Path:
    """A data file shipped inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a declared dependency
        raise ImportError(f"{package} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / file_name


def _census(file_name: str) -> frozenset[str]:
    """Folded names of a US Census 1990 list shipped in the ``names`` package.

    The files are read directly (``dist.all.last``: 88,799 surnames; ``dist.female.first`` and
    ``dist.male.first``: 5,494 given names), one name and its frequency figures per line.
    """
    with _package_file("names", file_name).open(encoding="ascii") as handle:
        words = (line.split(maxsplit=1)[0].lower() for line in handle if line.strip())
        return frozenset(w for w in words if len(w) >= 2 and w.isalpha())


@functools.cache
def core_names() -> frozenset[str]:
    """Folded first and last names from Faker's locales: the common names, evidence of a name even without
    a cue. The Census lists below are far longer and hold many rare words, so they count only after a cue."""
    return _names(("first_names",)) | _names(("last_names",))


#: A Census name that is at least this frequent as an English word ("states", "call", "alert") is left to
#: Faker's shorter lists: as a surname it is rare, as a word in a note it is everywhere.
CENSUS_MAX_ZIPF = 3.3


def _rare_words(words: frozenset[str]) -> frozenset[str]:
    return frozenset(w for w in words if zipf_frequency(w, "en") < CENSUS_MAX_ZIPF)


@functools.cache
def first_names() -> frozenset[str]:
    """Folded first names (given names): Faker's locales and the US Census given names."""
    census = _rare_words(_census("dist.female.first") | _census("dist.male.first"))
    return _names(("first_names",)) | census


@functools.cache
def last_names() -> frozenset[str]:
    """Folded last names (surnames): Faker's locales and the US Census surnames."""
    return _names(("last_names",)) | _rare_words(_census("dist.all.last"))


#: The drug dictionary inside the ``drug_named_entity_recognition`` package (read directly: importing the
#: package would also set up its network helpers, which we never use).
_DRUG_PACKAGE = "drug_named_entity_recognition"
_DRUG_FILE = "drug_ner_dictionary.pkl.bz2"


@functools.cache
def drug_names() -> frozenset[str]:
    """Folded one-word drug names (generic and brand, 3+ letters) that are not also personal names.

    A drug word that is also a first or last name in the name lexicon ("Allegra") stays out, so the
    name rules keep their say on it.
    """
    with bz2.open(_package_file(_DRUG_PACKAGE, _DRUG_FILE), "rb") as handle:
        # The package's own data file, installed by hash from the lock; not user input.
        dictionary = pickle.load(handle)
    names = first_names() | last_names()
    words = {(v if v.isascii() else fold(v)) for v in dictionary["drug_variant_to_canonical"]
             if v.isalpha() and len(v) >= 3}
    return frozenset(w for w in words if w not in names)


@functools.cache
def clinical_allow() -> frozenset[str]:
    """Folded clinical words that are never names or places on their own: our eponyms, devices and ICU
    abbreviations, and every one-word drug name (see :func:`drug_names`)."""
    text = resources.files("deid.text").joinpath("data/clinical_allow.txt").read_text(encoding="utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        if not line.startswith("#"):
            words.update(fold(w) for w in line.split())
    return frozenset(words) | drug_names()


@functools.lru_cache(maxsize=200_000)
def english_zipf(word: str) -> float:
    """Zipf frequency of ``word`` in English (0 = unseen, 7 = 'the')."""
    return zipf_frequency(word, "en")


def is_common_word(word: str, threshold: float = 3.6) -> bool:
    """True for an everyday English word that is risky to treat as a name without context."""
    folded = fold(word)
    return folded in clinical_allow() or english_zipf(folded) >= threshold
