"""The synthetic hospital: gold spans match the text, output is reproducible, tables match the policies."""

from __future__ import annotations

import itertools
import json
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deid.categories import RESTRICTED_ZIP3, Category
from deid.corpus.generate import build_corpus, generate_corpus
from deid.corpus.gold import read_gold
from deid.corpus.hospital import RESTRICTED_ZIP3_STATE, SCHEMAS, age_on
from deid.corpus.notes import NOTE_TYPES
from deid.corpus.surface import NoteBuilder, date_forms, ordinal
from deid.policy import load_policy


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate_corpus(out, patients=60, notes_per_patient=4, seed=11)
    return out


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32), patients=st.integers(1, 4), notes=st.integers(1, 4))
def test_gold_spans_always_match_text(seed: int, patients: int, notes: int) -> None:
    corpus = build_corpus(patients, notes, seed)
    for doc in corpus.gold:
        for span in doc.spans:
            assert doc.text[span.start:span.end] == span.text
            assert span.label in Category.__members__
        starts = sorted((s.start, s.end) for s in doc.spans)
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(starts)), "spans overlap"


def test_same_seed_gives_identical_bytes(tmp_path: Path, corpus_dir: Path) -> None:
    generate_corpus(tmp_path, patients=60, notes_per_patient=4, seed=11)
    for name in ("patients.parquet", "encounters.parquet", "labs.parquet", "notes.parquet", "gold.jsonl",
                 "corpus.json"):
        assert (tmp_path / name).read_bytes() == (corpus_dir / name).read_bytes(), name


def test_other_seed_differs(tmp_path: Path, corpus_dir: Path) -> None:
    generate_corpus(tmp_path, patients=60, notes_per_patient=4, seed=12)
    assert (tmp_path / "gold.jsonl").read_bytes() != (corpus_dir / "gold.jsonl").read_bytes()


def test_patient_does_not_depend_on_corpus_size() -> None:
    small, large = build_corpus(3, 2, 5), build_corpus(6, 2, 5)
    assert small.tables["patients"].to_pylist() == large.tables["patients"].to_pylist()[:3]


@pytest.mark.parametrize("policy_file", ["safe-harbor.yaml", "limited-data-set.yaml", "expert-determination.yaml"])
def test_tables_are_exactly_what_the_policies_describe(root: Path, corpus_dir: Path, policy_file: str) -> None:
    policy = load_policy(root / "policies" / policy_file)
    assert set(policy.tables) == set(SCHEMAS)
    for table, spec in policy.tables.items():
        schema = pq.read_schema(corpus_dir / f"{table}.parquet")
        assert schema.names == list(spec.columns), table


def test_gold_is_readable_and_names_the_notes(corpus_dir: Path) -> None:
    gold = read_gold(corpus_dir / "gold.jsonl")
    notes = pq.read_table(corpus_dir / "notes.parquet").to_pylist()
    assert [d.doc_id for d in gold] == [n["note_id"] for n in notes]
    assert [d.text for d in gold] == [n["text"] for n in notes]
    assert [d.group_id for d in gold] == [n["patient_id"] for n in notes]
    assert {d.source for d in gold} == {"deid_synth"}
    summary = json.loads((corpus_dir / "corpus.json").read_text())
    assert summary["schema_version"] == 1 and summary["gold_spans"] == sum(len(d.spans) for d in gold)


def test_corpus_has_the_variety_it_promises(corpus_dir: Path) -> None:
    gold = read_gold(corpus_dir / "gold.jsonl")
    notes = pq.read_table(corpus_dir / "notes.parquet").to_pylist()
    patients = pq.read_table(corpus_dir / "patients.parquet").to_pylist()
    labels = {s.label for d in gold for s in d.spans}
    expected = {c.value for c in Category} - {"BIOMETRIC"}  # no biometric identifier is written in notes
    assert expected <= labels
    assert {n["note_type"] for n in notes} == set(NOTE_TYPES)
    assert any(not d.spans for d in gold), "some notes must carry no PHI"
    assert any(d.text.isupper() for d in gold) and any(d.text == d.text.lower() for d in gold)
    assert any(p["age"] > 89 for p in patients)
    assert any(p["zip"][:3] in RESTRICTED_ZIP3 for p in patients)
    assert all(len(p["zip"]) == 5 and p["zip"].isdigit() for p in patients)
    assert all(isinstance(p["dob"], date) for p in patients)
    texts = " ".join(d.text for d in gold)
    for lookalike in ("Parkinson", "Foley", "Babinski", "Glasgow Coma Scale", "Apgar", "BP 120/80", "5/5",
                      "reflexes 2+", "metoprolol 25 mg PO BID", "K 4.1", "Na 138", "CD4 350", "ICD-10"):
        assert lookalike.lower() in texts.lower(), lookalike


def test_ages_over_89_are_the_only_planted_ages(corpus_dir: Path) -> None:
    for doc in read_gold(corpus_dir / "gold.jsonl"):
        for span in doc.spans:
            if span.label == "AGE":
                assert int(span.text) > 89


def test_restricted_prefixes_all_have_a_state() -> None:
    assert set(RESTRICTED_ZIP3_STATE) == set(RESTRICTED_ZIP3)


@pytest.mark.parametrize(("day", "forms"), [
    (date(2019, 8, 23), ["8/23", "08/23/2019", "8/23/19", "Aug 23rd", "23-Aug-2019", "2019-08-23",
                         "August 23, 2019", "23 August 2019"]),
    (date(2001, 3, 1), ["3/1", "03/01/2001", "3/1/01", "Mar 1st", "01-Mar-2001", "2001-03-01", "March 1, 2001",
                        "1 March 2001"]),
])
def test_date_forms(day: date, forms: list[str]) -> None:
    assert date_forms(day) == forms


@pytest.mark.parametrize(("day", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (12, "12th"),
                                           (13, "13th"), (21, "21st"), (22, "22nd"), (30, "30th")])
def test_ordinal(day: int, text: str) -> None:
    assert ordinal(day) == text


@pytest.mark.parametrize(("dob", "day", "age"), [(date(1930, 6, 1), date(2020, 5, 31), 89),
                                                  (date(1930, 6, 1), date(2020, 6, 1), 90)])
def test_age_on(dob: date, day: date, age: int) -> None:
    assert age_on(dob, day) == age


def test_builder_cases_keep_offsets() -> None:
    builder = NoteBuilder(case="upper")
    builder.text("pt ").phi("Straße", Category.NAME).text(" seen")  # "ß".upper() == "SS": length changes
    text, spans = builder.build()
    assert text == "PT STRASSE SEEN" and text[spans[0].start:spans[0].end] == spans[0].text == "STRASSE"
