"""The per-batch steps: identifiers by column, and one date offset and pseudonym per person in tables and notes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from deid.categories import Category
from deid.keys import KeySet
from deid.pipeline.steps import (
    NoteScrubber,
    collect_identifiers,
    identifier_category,
    scrub_batch,
    transform_batches,
)
from deid.policy import Role, load_policy

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("column", "role", "category"), [
    ("name", Role.DIRECT, Category.NAME),
    ("attending", Role.DIRECT, Category.NAME),
    ("ssn", Role.DIRECT, Category.SSN),
    ("mrn", Role.DIRECT, Category.MRN),
    ("phone", Role.DIRECT, Category.PHONE),
    ("home_phone", Role.DIRECT, Category.PHONE),
    ("email", Role.DIRECT, Category.EMAIL),
    ("address", Role.DIRECT, Category.ADDRESS),
    ("insurance_id", Role.DIRECT, Category.HEALTH_PLAN),
    ("city", Role.QUASI, Category.LOCATION),
    ("zip", Role.QUASI, Category.ZIP),
    ("encounter_id", Role.DIRECT, Category.ID),
    ("state", Role.QUASI, None),
    ("diagnosis_code", Role.SENSITIVE, None),
])
def test_identifier_category(column: str, role: Role, category: Category | None) -> None:
    assert identifier_category(column, role) is category


def test_identifiers_collected_per_person_from_every_table() -> None:
    policy = load_policy(ROOT / "policies" / "safe-harbor.yaml")
    tables = {
        "patients": pa.table({"patient_id": ["P1", "P2"], "name": ["Ann Lee", None], "zip": ["02134", "10001"],
                              "state": ["MA", "NY"]}),
        "encounters": pa.table({"patient_id": ["P1", "P1"], "attending": ["Bo Chen", "Di Ruiz"]}),
    }
    found = collect_identifiers(tables, policy, {"patients": "patient_id", "encounters": "patient_id"})
    assert dict(found["P1"].values) == {Category.NAME: ["Ann Lee", "Bo Chen", "Di Ruiz"], Category.ZIP: ["02134"]}
    assert dict(found["P2"].values) == {Category.ZIP: ["10001"]}


def test_a_person_has_one_date_offset_in_tables_and_notes() -> None:
    """Expert determination shifts dates: the note's date moves exactly as the note_date column does."""
    policy = load_policy(ROOT / "policies" / "expert-determination.yaml")
    keys = KeySet.demo_keys()
    day = dt.date(2019, 3, 4)
    batch = pa.record_batch({
        "note_id": ["N1", "N2"], "patient_id": ["P1", "P2"], "encounter_id": ["E1", "E2"],
        "note_type": ["progress", "progress"], "note_date": pa.array([day, day], pa.date32()),
        "text": ["Seen in clinic on 03/04/2019 for follow-up.", "Seen in clinic on 03/04/2019 for follow-up."],
    })
    scrubbed = scrub_batch(batch, ["text"], "patient_id", NoteScrubber(policy, keys, {}))
    (out,) = transform_batches([scrubbed], policy, "notes", keys)
    rows = out.to_pylist()
    for row in rows:
        shifted = row["note_date"]
        assert shifted != day and f"{shifted.month:02d}/{shifted.day:02d}/{shifted.year}" in row["text"]
    assert rows[0]["patient_id"] != rows[1]["patient_id"] and rows[0]["patient_id"].startswith("P-")
