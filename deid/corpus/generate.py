"""``deid corpus generate``: write the synthetic hospital's four tables as Parquet plus its gold spans.

Output of ``generate_corpus(OUT_DIR, ...)``::

    OUT_DIR/patients.parquet  encounters.parquet  labs.parquet  notes.parquet
    OUT_DIR/gold.jsonl     one line per note, the ../shared/corpora/FORMAT.md gold format (doc_id = note_id,
                           group_id = patient_id, labels = deid Category values, source = "deid_synth")
    OUT_DIR/corpus.json    what was generated: schema_version, tool version, parameters, counts, file hashes

The output is byte-identical for the same seed, parameters and library versions (Faker, pyarrow), which is
why ``corpus.json`` carries no time stamp or run id: it describes content, not an event.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel, ConfigDict, Field

from deid import __version__
from deid.corpus.gold import GoldDoc, write_jsonl
from deid.corpus.hospital import (
    SCHEMAS,
    Patient,
    derive_seed,
    encounter_rows,
    lab_rows,
    make_hospital,
    make_patient,
    patient_row,
)
from deid.corpus.notes import write_note
from deid.errors import InputError

CORPUS_SCHEMA_VERSION = 1
#: The ``source`` of every generated gold document.
SOURCE = "deid_synth"


class CorpusSummary(BaseModel):
    """What one ``generate`` call wrote (persisted as ``corpus.json``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = Field(default=CORPUS_SCHEMA_VERSION, description="Version of this summary's format.")
    tool_version: str = Field(description="deid version that generated the corpus.")
    generator: str = Field(default="deid.corpus.synth.v1", description="Versioned name of the generator.")
    seed: int = Field(description="Seed the corpus was generated from.")
    patients: int = Field(description="Patients generated.")
    notes_per_patient: int = Field(description="Notes written per patient.")
    rows: dict[str, int] = Field(description="Rows per table.")
    gold_spans: int = Field(description="Planted PHI spans over all notes.")
    phi_free_notes: int = Field(description="Notes without any planted PHI.")
    spans_per_label: dict[str, int] = Field(description="Planted spans per deid Category.")
    files: dict[str, str] = Field(description="sha256 of every file written, by file name.")


@dataclass(frozen=True)
class SyntheticCorpus:
    """The generated hospital in memory: the four tables, the gold notes and the patients behind them."""

    tables: dict[str, pa.Table]
    gold: list[GoldDoc]
    patients: list[Patient]


def build_corpus(
    patients: int,
    notes_per_patient: int,
    seed: int,
    *,
    id_prefix: str = "",
    transform: Callable[[Patient, random.Random], Patient] | None = None,
) -> SyntheticCorpus:
    """Generate ``patients`` patients with ``notes_per_patient`` notes each, deterministically from ``seed``.

    ``id_prefix`` starts every id (patient, encounter, lab, note); ``transform`` may rewrite each patient
    before its rows and notes are written. Canaries use both to stay recognisable and unique.
    """
    if patients < 0 or notes_per_patient < 0:
        raise InputError("--patients and --notes-per-patient must be zero or more")
    hospital = make_hospital(seed)
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in SCHEMAS}
    gold: list[GoldDoc] = []
    people: list[Patient] = []
    for number in range(1, patients + 1):
        patient = make_patient(seed, number, hospital, id_prefix=id_prefix)
        if transform is not None:
            patient = transform(patient, random.Random(derive_seed(seed, "transform", id_prefix, number)))
        people.append(patient)
        rows["patients"].append(patient_row(patient))
        rows["encounters"].extend(encounter_rows(patient))
        rows["labs"].extend(lab_rows(patient))
        for index in range(notes_per_patient):
            note_id = f"{id_prefix}N{number:06d}{index:02d}"
            rng = random.Random(derive_seed(seed, "note", id_prefix, number, index))
            encounter = rng.choice(patient.encounters)
            day = encounter.admit + timedelta(days=rng.randint(0, (encounter.discharge - encounter.admit).days))
            note_type, text, spans = write_note(patient, encounter, hospital, rng, day)
            rows["notes"].append({"note_id": note_id, "patient_id": patient.patient_id,
                                  "encounter_id": encounter.encounter_id, "note_type": note_type,
                                  "note_date": day, "text": text})
            gold.append(GoldDoc(doc_id=note_id, group_id=patient.patient_id, text=text, spans=spans,
                                source=SOURCE))
    tables = {name: pa.Table.from_pylist(rows[name], schema=schema) for name, schema in SCHEMAS.items()}
    return SyntheticCorpus(tables=tables, gold=gold, patients=people)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_tables(out_dir: Path, tables: dict[str, pa.Table]) -> None:
    """Write each table as ``OUT_DIR/<name>.parquet`` with fixed writer options (reproducible bytes)."""
    for name, table in tables.items():
        pq.write_table(table, out_dir / f"{name}.parquet", compression="zstd", write_statistics=True)


def generate_corpus(out_dir: str | Path, *, patients: int = 50, notes_per_patient: int = 4,
                    seed: int = 0) -> CorpusSummary:
    """Generate the synthetic hospital into ``out_dir`` (created if missing) and return its summary."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out}: cannot create the output folder ({exc.strerror})") from None
    corpus = build_corpus(patients, notes_per_patient, seed)
    write_tables(out, corpus.tables)
    write_jsonl(out / "gold.jsonl", corpus.gold)
    labels = Counter(span.label for doc in corpus.gold for span in doc.spans)
    names = [f"{name}.parquet" for name in corpus.tables] + ["gold.jsonl"]
    summary = CorpusSummary(
        tool_version=__version__, seed=seed, patients=patients, notes_per_patient=notes_per_patient,
        rows={name: table.num_rows for name, table in corpus.tables.items()},
        gold_spans=sum(labels.values()), phi_free_notes=sum(1 for doc in corpus.gold if not doc.spans),
        spans_per_label=dict(sorted(labels.items())), files={name: _sha256(out / name) for name in names},
    )
    (out / "corpus.json").write_text(json.dumps(summary.model_dump(mode="json"), indent=2) + "\n",
                                     encoding="utf-8")
    return summary


__all__ = ["CORPUS_SCHEMA_VERSION", "SOURCE", "CorpusSummary", "SyntheticCorpus", "build_corpus",
           "generate_corpus", "write_tables"]
