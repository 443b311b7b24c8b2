"""The learned PHI tagger: pinned by hash, loaded offline, vetoed on look-alikes, finding what rules miss."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from deid.errors import ConfigError
from deid.text.model import HASH_FILE, MODEL_DIR, available, folder_sha256, load_tagger
from deid.text.recognizers.learned import Tagged, plausible, tag, trim


def _pipeline(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "tagger"
    spacy.blank("en").to_disk(folder)
    hash_file = tmp_path / "tagger.sha256"
    hash_file.write_text(folder_sha256(folder) + "\n")
    return folder, hash_file


def test_loader_checks_the_pinned_hash(tmp_path: Path) -> None:
    folder, hash_file = _pipeline(tmp_path)
    assert load_tagger(folder, hash_file).lang == "en"
    meta = json.loads((folder / "meta.json").read_text())
    meta["name"] = "tampered"
    (folder / "meta.json").write_text(json.dumps(meta))
    load_tagger.cache_clear()  # a loaded tagger is kept in memory; a new process reads the folder again
    with pytest.raises(ConfigError, match="differs from the pinned"):
        load_tagger(folder, hash_file)


def test_loader_names_the_missing_tagger(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="make model"):
        load_tagger(tmp_path / "nothing", tmp_path / "nothing.sha256")


def test_the_shipped_tagger_matches_its_pin() -> None:
    assert available(), f"{MODEL_DIR} or {HASH_FILE} is missing: run `make model`"
    assert folder_sha256(MODEL_DIR) == HASH_FILE.read_text().strip()
    meta = json.loads((MODEL_DIR / "meta.json").read_text())
    assert set(meta["labels"]["ner"]) == {"NAME", "LOCATION", "FACILITY", "ADDRESS"}
    assert meta["deid_recipe"]["config"] == "deid/training/config.cfg"
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size < 40 * 2**20


@pytest.mark.parametrize(("text", "label", "value", "kept"), [
    ("the patient is more alert", "NAME", "alert", False),          # everyday word in a lower-case note
    ("Seen by Alert today", "NAME", "Alert", False),                # one everyday word, even capitalised
    ("Went to Sacred Heart today", "FACILITY", "Sacred Heart", True),  # everyday words, capitalised: a name
    ("Seen by Quillonda today", "NAME", "Quillonda", True),         # capitalised, not a word
    ("Started Propofol today", "NAME", "Propofol", False),          # a drug, even capitalised
    ("son X called", "NAME", "X", False),                           # one letter
    ("wife quillonda called", "NAME", "quillonda", False),          # lower-case unknown word: the cued rules' call
    ("wife marisol called", "NAME", "marisol", True),               # a given name of the lexicon
    ("most of eve", "NAME", "eve", False),                          # a name that is an everyday word too
    ("pt back to floor", "LOCATION", "floor", False),
    ("NEURO: DR 4 PULSES", "NAME", "DR 4", False),                  # a name holds no digit
    ("lives at 12 county road 9", "ADDRESS", "12 county road 9", True),
    ("gave 11 mcgs", "ADDRESS", "11 mcgs", False),                  # a number without a street word
])
def test_look_alike_veto(text: str, label: str, value: str, kept: bool) -> None:
    start = text.index(value)
    assert plausible(text, Tagged(label, start, start + len(value))) is kept


@pytest.mark.parametrize(("text", "value", "kept"), [
    ("DR LEVY GOOD RADIAL PULSES", "DR LEVY GOOD RADIAL PULSES", "DR LEVY"),
    ("seen by dr nowak then extubated", "dr nowak then extubated", "dr nowak"),
    ("Seen at Sacred Heart Hospital today", "Sacred Heart Hospital", "Sacred Heart Hospital"),
])
def test_trailing_clinical_words_are_trimmed(text: str, value: str, kept: str) -> None:
    start = text.index(value)
    trimmed = trim(text, Tagged("NAME", start, start + len(value)))
    assert trimmed is not None and text[trimmed.start:trimmed.end] == kept


@pytest.mark.slow
@pytest.mark.parametrize(("text", "value"), [
    ("Patient's son oyelaran called for an update.", "oyelaran"),
    ("SEEN IN CONSULT BY KOWALCZYK OF CARDIOLOGY.", "KOWALCZYK"),
    ("Thank you for seeing Mrs. Brezhnyeva in follow up.", "Brezhnyeva"),
    ("Discharged to Marlowe Ridge Senior Living for rehab.", "Marlowe Ridge"),
    ("Lives at 8531 County Road 12 with her husband.", "8531 County Road 12"),
])
def test_the_tagger_reads_context(text: str, value: str) -> None:
    found = tag([text])[0]
    start = text.index(value)
    assert any(f.start <= start and start + len(value) <= f.end for f in found), (text, found)


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "Foley catheter draining clear urine.", "Exercise stress test by Bruce protocol.", "Duke treadmill score 5.",
    "Parkinson's disease on carbidopa-levodopa.", "H&P reviewed, pt more alert.",
])
def test_the_tagger_leaves_clinical_words(text: str) -> None:
    assert [text[f.start:f.end] for f in tag([text])[0] if plausible(text, f)] == []
