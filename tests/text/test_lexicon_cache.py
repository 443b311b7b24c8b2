"""The lexicon cache: built once from the source packages, read back only when it is sound, never holding input."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from deid.text import Detector, lexicon

#: A tiny set of tables in the cache's shape (the real ones take seconds to build).
SMALL: dict[str, object] = {
    "core_names": frozenset({"maria", "okafor"}), "first_names": frozenset({"maria"}),
    "last_names": frozenset({"okafor"}), "drug_names": frozenset({"heparin"}),
    "clinical_allow": frozenset({"heparin", "swan"}), "zipf_words": "heart\nthe",
    "zipf_values": bytes([1, 0, 0, 0]), "zipf_levels": (7.73, 4.8), "zipf_unseen": 0.0,
    "cities": {"springfield": 170_000}, "countries": frozenset({"peru"}), "us_states": frozenset({"ohio"}),
    "icd10_words": frozenset({"hypotension"}), "abbreviations": frozenset({"nsr"}),
    "street_suffixes": frozenset({"avenue", "trafficway"}),
}
KEY = "ab" * 32


@pytest.fixture
def builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A private cache folder, a fixed key and a build that returns :data:`SMALL` and counts its calls."""
    calls: list[int] = []

    def build() -> dict[str, object]:
        calls.append(1)
        return dict(SMALL)

    monkeypatch.setenv("DEID_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(lexicon, "build_tables", build)
    monkeypatch.setattr(lexicon, "cache_key", lambda: KEY)
    return calls


def load() -> dict[str, object]:
    """:func:`lexicon.tables` without its in-memory cache (the process keeps the real tables)."""
    return lexicon.tables.__wrapped__()


def test_built_once_then_read(builds: list[int]) -> None:
    assert load() == SMALL and len(builds) == 1
    path = lexicon.cache_path(KEY)
    assert path.is_file() and path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o077 == 0
    assert load() == SMALL and len(builds) == 1


@pytest.mark.parametrize("damage", ["flip a payload byte", "truncate", "empty", "other key", "garbage"])
def test_a_corrupt_or_stale_file_is_rebuilt(builds: list[int], damage: str) -> None:
    load()
    path = lexicon.cache_path(KEY)
    blob = bytearray(path.read_bytes())
    if damage == "flip a payload byte":
        blob[-10] ^= 0xFF
    elif damage == "truncate":
        blob = blob[: len(blob) // 2]
    elif damage == "empty":
        blob = bytearray()
    elif damage == "other key":
        blob = blob.replace(KEY.encode(), ("cd" * 32).encode(), 1)
    else:
        blob = bytearray(os.urandom(len(blob)))
    path.write_bytes(bytes(blob))
    assert lexicon.read_cache(path, KEY) is None
    assert load() == SMALL and len(builds) == 2
    assert lexicon.read_cache(path, KEY) == SMALL  # the rebuilt tables replaced the bad file


def test_wrong_tables_with_a_valid_checksum_are_rejected(builds: list[int]) -> None:
    path = lexicon.cache_path(KEY)
    for bad in ({**SMALL, "first_names": ["maria"]}, {k: v for k, v in SMALL.items() if k != "cities"},
                {**SMALL, "zipf_values": bytes([9, 0, 0, 0])}, {**SMALL, "zipf_values": bytes([0, 0, 0])}):
        lexicon.write_cache(path, KEY, bad)
        assert lexicon.read_cache(path, KEY) is None
    assert load() == SMALL and len(builds) == 1


def test_a_file_others_may_write_is_not_trusted(builds: list[int]) -> None:
    load()
    path = lexicon.cache_path(KEY)
    path.chmod(0o666)
    assert lexicon.read_cache(path, KEY) is None
    assert load() == SMALL and len(builds) == 2


def test_an_unwritable_cache_folder_only_costs_the_build(builds: list[int], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DEID_CACHE_DIR", str(blocker / "cache"))
    with pytest.warns(RuntimeWarning, match="could not be written"):
        assert load() == SMALL
    assert len(builds) == 1


def test_key_follows_the_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    key = lexicon.cache_key()
    assert key == lexicon.cache_key() and len(key) == 64
    monkeypatch.setattr(lexicon, "CACHE_FORMAT", lexicon.CACHE_FORMAT + 1)
    assert lexicon.cache_key() != key


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DEID_CACHE_DIR", str(tmp_path / "x"))
    assert lexicon.cache_dir() == tmp_path / "x"
    monkeypatch.delenv("DEID_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert lexicon.cache_dir() == tmp_path / "xdg" / "deid"


def test_the_cache_holds_no_input(detector: Detector) -> None:
    marker = "Quorvandelle"
    assert detector.detect([f"Seen with her daughter {marker} Tavistrand, who called from Ohio."])[0]
    path = lexicon.cache_path()
    if not path.is_file():
        pytest.skip("the cache folder is not writable here")
    data = path.read_bytes()
    assert marker.encode() not in data and marker.lower().encode() not in data


def test_zipf_is_wordfreq_exactly() -> None:
    from wordfreq import get_frequency_dict, zipf_frequency

    rng = random.Random(7)
    known = rng.sample(sorted(get_frequency_dict("en")), 3000)
    made_up = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 14)))
               for _ in range(2000)]
    odd = ["o'brien", "step-down", "driver's", "café", "x2", "", "naïve", "the"]
    for word in known + made_up + odd:
        assert lexicon.english_zipf(word) == zipf_frequency(word, "en"), word


@pytest.mark.slow
def test_the_cached_tables_are_the_source_packages() -> None:
    assert lexicon.build_tables() == lexicon.tables()
