"""Canaries for production runs: plant a few synthetic patients, check none of their values survive, remove them.

How a pipeline uses this module::

    canaries = make_canaries(count, seed)                       # records for the four tables + notes
    inputs = add_canaries(inputs, canaries)                     # appended, conformed to the input schemas
    outputs = run_the_pipeline(inputs)
    report = check_canaries(outputs, canaries)                  # before removal: did anything survive?
    outputs, removed = remove_canaries(outputs, keys=pseudonymised_canary_ids)
    report = report.with_removed(removed)                       # goes into the manifest; fails the release
    report.raise_for_survivors()                                #   when report.passed is False

Canary values must be unique, or a check would fail on a real patient's surrogate: canary names, streets,
cities and e-mail addresses are made-up words that are not in Faker's name lists (record-aware scrubbing
and context find them, as it would find an unusual real name). Only categories whose values are that
specific are checked (:data:`CHECKED`); dates, ages, ZIP codes and facility names are not, because a
surrogate or shifted date of another patient can equal them by chance.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TypeVar

import faker.providers.person.en_US as en_us_names
import polars as pl
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from deid.categories import Category
from deid.corpus.generate import build_corpus
from deid.corpus.gold import GoldDoc
from deid.corpus.hospital import Patient
from deid.corpus.planted import PlantedIndex, PlantedValue
from deid.errors import InputError, LeakError

CANARY_SCHEMA_VERSION = 1
#: Every canary id (patient, encounter, lab, note) starts with this.
CANARY_PREFIX = "CANARY-"
#: Categories whose canary values are specific enough to search the whole output for.
CHECKED: frozenset[str] = frozenset(c.value for c in (
    Category.NAME, Category.SSN, Category.MRN, Category.PHONE, Category.FAX, Category.EMAIL, Category.ADDRESS,
    Category.LOCATION, Category.HEALTH_PLAN, Category.ACCOUNT, Category.LICENSE, Category.VEHICLE,
    Category.DEVICE, Category.URL, Category.IP_ADDRESS, Category.ID,
))
#: Columns of the patients table and the category their canary values are checked as.
_ROW_VALUES = {"name": "NAME", "ssn": "SSN", "mrn": "MRN", "address": "ADDRESS", "city": "LOCATION",
               "phone": "PHONE", "email": "EMAIL", "insurance_id": "HEALTH_PLAN"}
_SYLLABLES = ("zor", "quil", "vex", "tham", "bri", "ondo", "lask", "mir", "vend", "dras", "kel", "yth", "orv",
              "pell", "sarn", "ux", "gral", "tov", "wim", "ess")
_KNOWN_NAMES = frozenset(n.lower() for n in (*en_us_names.Provider.first_names, *en_us_names.Provider.last_names))

T = TypeVar("T", pa.Table, pl.DataFrame)


@dataclass(frozen=True)
class CanarySet:
    """Canary patients: their rows for the four tables, their notes with gold spans, the values to check."""

    tables: dict[str, pa.Table]
    gold: list[GoldDoc]
    values: list[PlantedValue]
    patient_ids: list[str]


class CanarySurvivor(BaseModel):
    """Where a canary value survived: location and label, never the value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    table: str = Field(description="Output table.")
    column: str = Field(description="Column.")
    row: int = Field(description="Row number in the output table (0-based).")
    label: str = Field(description="Category of the canary value.")
    match: str = Field(description="exact or case_insensitive.")


class CanaryReport(BaseModel):
    """The canary check of one run (its planted/surviving/removed_rows/passed feed the release manifest)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = Field(default=CANARY_SCHEMA_VERSION, description="Version of this report format.")
    patients: int = Field(description="Canary patients planted.")
    planted: int = Field(description="Distinct canary values searched for in the output.")
    categories_checked: list[str] = Field(description="Categories whose canary values were searched for.")
    surviving: int = Field(description="Occurrences of canary values found in the output before removal.")
    survivors: list[CanarySurvivor] = Field(description="Where they were found (at most 1,000 listed).")
    removed_rows: int = Field(description="Canary rows removed from the output (0 until removal).")
    passed: bool = Field(description="True when no canary value survived.")

    def with_removed(self, removed: Mapping[str, int]) -> CanaryReport:
        """The same report with the rows :func:`remove_canaries` removed."""
        return self.model_copy(update={"removed_rows": sum(removed.values())})

    def raise_for_survivors(self) -> None:
        """Raise :class:`LeakError` when a canary value survived (fails the release)."""
        if not self.passed:
            where = sorted({f"{s.table}.{s.column}" for s in self.survivors})
            raise LeakError(f"{self.surviving} canary value(s) survived de-identification in {', '.join(where)}; "
                            "the release must not be published")


def _pseudo_word(rng: random.Random, syllables: int) -> str:
    while True:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(syllables)).capitalize()
        if len(word) >= 5 and word.lower() not in _KNOWN_NAMES:
            return word


def _canary_patient(patient: Patient, rng: random.Random) -> Patient:
    """The patient with made-up names, street, city, e-mail and URL, so every checked value is unique."""
    first, last = _pseudo_word(rng, 2), _pseudo_word(rng, 3)
    street = f"{rng.randint(10, 9999)} {_pseudo_word(rng, 2)} {rng.choice(('Street', 'Road', 'Lane', 'Avenue'))}"
    return dataclasses.replace(
        patient, first=first, last=last, street=street, city=f"{_pseudo_word(rng, 2)}ville",
        email=f"{first}.{last}@example.org".lower(), url=f"https://www.caringbridge.org/visit/{first}{last}".lower(),
        relative_first=_pseudo_word(rng, 2), relative_last=last,
    )


def make_canaries(count: int, seed: int, notes_per_patient: int = 3) -> CanarySet:
    """``count`` canary patients (ids starting ``CANARY-``) with notes, deterministic per ``seed``."""
    if count < 1:
        raise InputError("canaries: count must be at least 1")
    corpus = build_corpus(count, notes_per_patient, seed, id_prefix=CANARY_PREFIX, transform=_canary_patient)
    tokens = {w.lower() for p in corpus.patients for w in (p.first, p.last, p.relative_first)}
    values: dict[str, PlantedValue] = {}
    for doc in corpus.gold:
        for span in doc.spans:
            own_name = span.label != "NAME" or any(t in span.text.lower() for t in tokens)
            if span.label in CHECKED and own_name:
                values.setdefault(span.text, PlantedValue(span.text, span.label, doc.doc_id))
    for row in corpus.tables["patients"].to_pylist():
        for column, label in _ROW_VALUES.items():
            values.setdefault(str(row[column]), PlantedValue(str(row[column]), label, row["patient_id"]))
    for patient in corpus.patients:  # each name alone, so a half-scrubbed name is caught too
        for word in (patient.first, patient.last, patient.relative_first):
            values.setdefault(word, PlantedValue(word, "NAME", patient.patient_id))
    return CanarySet(tables=corpus.tables, gold=corpus.gold, values=list(values.values()),
                     patient_ids=[p.patient_id for p in corpus.patients])


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with exactly the columns of ``schema`` (missing ones null), cast to its types."""
    columns = []
    for target in schema:
        if target.name in table.column_names:
            columns.append(table[target.name].cast(target.type, safe=False))
        else:
            columns.append(pa.nulls(table.num_rows, target.type))
    return pa.Table.from_arrays(columns, schema=schema)


def add_canaries(inputs: Mapping[str, pa.Table], canaries: CanarySet) -> dict[str, pa.Table]:
    """The input tables with the canary rows appended to the tables of the same name."""
    out = dict(inputs)
    for name, rows in canaries.tables.items():
        if name in out:
            out[name] = pa.concat_tables([out[name], conform(rows, out[name].schema)])
    return out


def _frame(table: pa.Table | pl.DataFrame) -> pl.DataFrame:
    if isinstance(table, pl.DataFrame):
        return table
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def check_canaries(outputs: Mapping[str, pa.Table | pl.DataFrame], canaries: CanarySet) -> CanaryReport:
    """Search every cell of every output table for the canaries' checked values (before removal)."""
    index = PlantedIndex(canaries.values)
    survivors: list[CanarySurvivor] = []
    total = 0
    for name, table in outputs.items():
        frame = _frame(table)
        for column in frame.columns:
            series = frame[column]
            if series.dtype.is_nested() or series.dtype == pl.Binary:
                continue
            for match in index.find(series):
                total += 1
                if len(survivors) < 1000:
                    survivors.append(CanarySurvivor(table=name, column=column, row=match.row,
                                                    label=match.planted.label,
                                                    match="exact" if match.exact else "case_insensitive"))
    return CanaryReport(patients=len(canaries.patient_ids), planted=len(index),
                        categories_checked=sorted(CHECKED), surviving=total, survivors=survivors, removed_rows=0,
                        passed=total == 0)


def remove_canaries(
    outputs: Mapping[str, T], keys: Collection[str] | None = None, key_column: str = "patient_id",
) -> tuple[dict[str, T], dict[str, int]]:
    """The output tables without canary rows, and how many rows each lost.

    A row is a canary's when its ``key_column`` is in ``keys`` (the canary patient ids as they appear in
    the output, e.g. their pseudonyms) or, without ``keys``, starts with :data:`CANARY_PREFIX`. Tables
    without ``key_column`` are returned unchanged.
    """
    out: dict[str, T] = {}
    removed: dict[str, int] = {}
    for name, table in outputs.items():
        frame = _frame(table)
        if key_column not in frame.columns:
            out[name], removed[name] = table, 0
            continue
        ids = frame[key_column].cast(pl.String)
        is_canary = (ids.is_in(list(keys)) if keys is not None else ids.str.starts_with(CANARY_PREFIX)).fill_null(False)
        removed[name] = int(is_canary.sum())
        if isinstance(table, pa.Table):  # filter in Arrow so the schema (string types, metadata) is kept
            out[name] = table.filter(pa.array((~is_canary).to_list()))  # type: ignore[assignment]
        else:
            out[name] = frame.filter(~is_canary)  # type: ignore[assignment]
    return out, removed


__all__ = ["CANARY_PREFIX", "CANARY_SCHEMA_VERSION", "CHECKED", "CanaryReport", "CanarySet", "CanarySurvivor",
           "add_canaries", "check_canaries", "conform", "make_canaries", "remove_canaries"]
