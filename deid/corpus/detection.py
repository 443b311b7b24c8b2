"""The one place the corpus tools call PHI detection (:mod:`deid.text`), and the patient records it may use.

Scoring, evaluation and the residual scan only ever see :class:`~deid.corpus.gold.PredSpan` lists, so a
different detector plugs in here and nowhere else. Record-aware detection (the patient's own name, MRN,
phone ... searched for in that patient's notes) gets its identifiers from the synthetic hospital's tables
with :func:`identifiers_from_records`, the way a production run gets them from the real tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from deid.categories import Category
from deid.corpus.gold import PredSpan
from deid.errors import InputError, NotBuiltError
from deid.policy import Policy

if TYPE_CHECKING:
    from deid.text import Detector, PatientIdentifiers

#: Columns of the synthetic hospital's patients table that identify the patient, by category.
PATIENT_COLUMNS: dict[str, Category] = {
    "name": Category.NAME, "ssn": Category.SSN, "mrn": Category.MRN, "address": Category.ADDRESS,
    "city": Category.LOCATION, "zip": Category.ZIP, "phone": Category.PHONE, "email": Category.EMAIL,
    "insurance_id": Category.HEALTH_PLAN,
}

BATCH = 64


def make_detector(policy: Policy | None) -> Detector:
    """The detector the policy configures, or the default one; NotBuiltError if :mod:`deid.text` is missing."""
    try:
        from deid.text import Detector
    except ImportError:
        raise NotBuiltError("PHI detection (deid.text) is not available; give --pred with predictions instead") \
            from None
    return Detector.from_policy(policy) if policy is not None else Detector.default()


def detect_spans(
    texts: Sequence[str],
    detector: Detector,
    patients: Sequence[PatientIdentifiers | None] | None = None,
    advance: Callable[[int], None] | None = None,
    groups: Sequence[str | None] | None = None,
) -> list[list[PredSpan]]:
    """Predicted PHI spans of every text, in batches (``advance(n)`` reports progress).

    With ``groups`` (the person each text belongs to), identifiers found with confidence in one of a
    person's texts are sought in all of that person's texts (:mod:`deid.text.propagation`).
    """
    from deid.text.propagation import propagate

    found = []
    for start in range(0, len(texts), BATCH):
        batch = list(texts[start:start + BATCH])
        who = list(patients[start:start + BATCH]) if patients is not None else None
        found.extend(detector.detect(batch, patients=who))
        if advance is not None:
            advance(len(batch))
    if groups is not None:
        found = propagate(texts, found, groups, allow=detector.allow)
    return [[PredSpan(start=s.start, end=s.end, label=s.label, score=s.score, source=s.source) for s in spans]
            for spans in found]


def identifiers_from_records(records_dir: str | Path) -> Mapping[str, PatientIdentifiers]:
    """Each patient's own identifiers (by patient id) from ``patients.parquet`` of a generated hospital.

    The attending physicians of the patient's encounters (``encounters.parquet``, if present) are added as
    names, as a production run adds the clinicians its records name.
    """
    import pyarrow.parquet as pq

    from deid.text import PatientIdentifiers

    folder = Path(records_dir)
    path = folder / "patients.parquet"
    if not path.is_file():
        raise InputError(f"{path}: no patients table; --records names a folder written by `deid corpus generate`")
    try:
        patients = pq.read_table(path, columns=["patient_id", *PATIENT_COLUMNS]).to_pylist()
    except (OSError, ValueError, KeyError):
        raise InputError(f"{path}: not a patients table with columns {', '.join(PATIENT_COLUMNS)}") from None
    extra: dict[str, list[str]] = {}
    encounters = folder / "encounters.parquet"
    if encounters.is_file():
        for row in pq.read_table(encounters, columns=["patient_id", "attending"]).to_pylist():
            if row["attending"]:
                extra.setdefault(row["patient_id"], []).append(row["attending"])
    result: dict[str, PatientIdentifiers] = {}
    for row in patients:
        values: dict[Category, list[str]] = {}
        for column, category in PATIENT_COLUMNS.items():
            if row[column]:
                values.setdefault(category, []).append(str(row[column]))
        values.setdefault(Category.NAME, []).extend(extra.get(row["patient_id"], []))
        result[row["patient_id"]] = PatientIdentifiers(values=values)
    return result


__all__ = ["PATIENT_COLUMNS", "detect_spans", "identifiers_from_records", "make_detector"]
