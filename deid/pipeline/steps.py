"""The per-batch steps of a run: consent, record-aware note scrubbing and the policy's column transforms.

Each step is a function from Arrow record batches to Arrow record batches, so the local engine and a
distributed one (Spark's ``mapInArrow``) call the same code:

- :func:`consent_batches` drops the people on the exclusion list (:mod:`deid.pipeline.consent`);
- :class:`NoteScrubber` scrubs free text with the patient's own identifiers from the structured tables
  (:func:`collect_identifiers`) fed to the detector for that patient's notes, and counts every
  replacement by category; :func:`scrub_batch` applies it to a batch's text columns;
- :func:`transform_batches` applies the policy's column rules (:func:`deid.tabular.transform_batch`).

Pseudonyms, surrogates and date shifts all derive from the run's one pseudonymization key and the
person's *raw* key, so a person gets the same pseudonym and the same date offset in every table and note.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from deid.categories import Category
from deid.errors import InputError
from deid.keys import KeySet
from deid.pipeline.consent import exclude_persons
from deid.policy import Policy, Role

if TYPE_CHECKING:
    from deid.text import Detector, PatientIdentifiers

#: Column names that say which PHI category a column of identifiers holds (whole words of the name).
_COLUMN_CATEGORIES: tuple[tuple[re.Pattern[str], Category], ...] = tuple(
    (re.compile(rf"(?:^|_)(?:{words})(?:_|$)"), category) for words, category in (
        (("name|first_name|last_name|full_name|surname|given_name|attending|physician|provider|nurse|"
         "clinician|author"), Category.NAME),
        ("ssn|social_security(?:_number)?", Category.SSN),
        ("mrn|medical_record(?:_number)?", Category.MRN),
        ("phone|telephone|mobile|cell", Category.PHONE),
        ("fax", Category.FAX),
        ("email|e_mail", Category.EMAIL),
        ("address|street|addr", Category.ADDRESS),
        ("city|town", Category.LOCATION),
        ("zip|zip_code|zipcode|postal_code|postcode", Category.ZIP),
        ("insurance_id|member_id|policy_number|health_plan", Category.HEALTH_PLAN),
        ("account|account_number", Category.ACCOUNT),
        ("license|licence|dea|npi", Category.LICENSE),
        ("vin|plate|license_plate", Category.VEHICLE),
        ("serial|device_id", Category.DEVICE),
        ("url|website", Category.URL),
        ("ip|ip_address", Category.IP_ADDRESS),
    ))


# ------------------------------------------------------------------------------------------ consent


def consent_batches(
    batches: Iterable[pa.RecordBatch], person_key: str | None, excluded: frozenset[str], removed: Counter[str],
    table: str,
) -> Iterator[pa.RecordBatch]:
    """``batches`` without the rows of excluded people; ``removed[table]`` counts the rows that went."""
    for batch in batches:
        if person_key is not None and excluded:
            batch, gone = exclude_persons(batch, person_key, excluded)
            removed[table] += gone
        yield batch


# -------------------------------------------------------------------------------------- identifiers


def identifier_category(column: str, role: Role) -> Category | None:
    """The PHI category a column's values are searched for as in the person's notes, or ``None``.

    Direct identifiers always count (named ones by their category, others as ``ID``); other columns only
    when their name says they hold a place (``city``, ``zip``).
    """
    name = column.lower()
    for pattern, category in _COLUMN_CATEGORIES:
        if pattern.search(name):
            return category
    return Category.ID if role is Role.DIRECT else None


def identifier_columns(policy: Policy, table: str) -> dict[str, Category]:
    """Columns of ``table`` whose values identify the person, by category (the person key excluded)."""
    spec = policy.tables[table]
    out: dict[str, Category] = {}
    for column, rule in spec.columns.items():
        if column == spec.person_key or rule.action == "scrub" or rule.role not in {Role.DIRECT, Role.QUASI}:
            continue
        category = identifier_category(column, rule.role)
        if category is not None and (rule.role is Role.DIRECT or category in {Category.LOCATION, Category.ZIP}):
            out[column] = category
    return out


def collect_identifiers(
    tables: Mapping[str, pa.Table], policy: Policy, person_keys: Mapping[str, str | None]
) -> dict[str, PatientIdentifiers]:
    """Each person's own identifiers (by raw person key) from every table that names a person.

    The scrubber searches a person's notes for these values and their variants (record-aware scrubbing).
    """
    from deid.text import PatientIdentifiers

    values: dict[str, dict[Category, set[str]]] = {}
    for table, data in tables.items():
        key = person_keys.get(table)
        if key is None or key not in data.column_names:
            continue
        columns = {c: cat for c, cat in identifier_columns(policy, table).items() if c in data.column_names}
        if not columns:
            continue
        persons = pc.cast(data.column(key), pa.string()).to_pylist()
        for column, category in columns.items():
            cells = pc.cast(data.column(column), pa.string()).to_pylist()
            for person, cell in zip(persons, cells, strict=True):
                if person is None or cell is None or not cell.strip():
                    continue
                values.setdefault(person, {}).setdefault(category, set()).add(cell)
    return {person: PatientIdentifiers(values={c: sorted(v) for c, v in cats.items()})
            for person, cats in values.items()}


# ------------------------------------------------------------------------------------------- notes


class NoteScrubber:
    """Scrubs free text as the policy's ``text`` rules say, with each patient's own identifiers.

    Callable as :data:`deid.tabular.ScrubTexts` (texts and their raw person keys in, scrubbed texts out).
    ``counts`` holds every replacement made so far, by category; read and :meth:`reset` it per column.
    """

    def __init__(
        self, policy: Policy, keys: KeySet, identifiers: Mapping[str, PatientIdentifiers],
        detector: Detector | None = None,
    ) -> None:
        from deid.text import Detector
        from deid.text.propagation import Propagator
        from deid.text.replace import Replacer

        self.detector = detector if detector is not None else Detector.from_policy(policy)
        #: What each patient's notes gave away so far, sought in the patient's other notes.
        self.propagator = Propagator(allow=self.detector.allow)
        self.replacer = Replacer(policy, keys.pseudonym_key)
        self.identifiers = identifiers
        self.counts: Counter[Category] = Counter()
        self.texts = 0

    def reset(self) -> Counter[Category]:
        """Return the counts so far and start again from zero."""
        counts, self.counts, self.texts = self.counts, Counter(), 0
        return counts

    def __call__(self, texts: list[str | None], persons: list[str | None]) -> list[str | None]:
        """The scrubbed texts, in order (nulls stay null)."""
        if len(texts) != len(persons):
            raise InputError("scrub: every text needs its person key (or null)")
        present = [i for i, t in enumerate(texts) if t is not None]
        who = [self.identifiers.get(persons[i]) if persons[i] is not None else None for i in present]
        found = self.detector.detect([texts[i] for i in present], who) if present else []
        # Two passes over the batch (learn from every note, then extend every note); what earlier batches
        # taught is kept, so a patient's notes in later batches are searched for it too.
        for i, spans in zip(present, found, strict=True):
            self.propagator.learn(persons[i], texts[i] or "", spans)
        found = self.propagator.extend_all([persons[i] for i in present], [texts[i] or "" for i in present], found)
        out: list[str | None] = list(texts)
        for i, spans in zip(present, found, strict=True):
            text = texts[i]
            assert text is not None
            scrubbed, done = self.replacer.replace(text, spans, persons[i])
            self.counts.update(Category(r.category) for r in done)
            out[i] = scrubbed
        self.texts += len(present)
        return out


def scrub_batch(
    batch: pa.RecordBatch, text_columns: Iterable[str], person_key: str | None, scrubber: NoteScrubber
) -> pa.RecordBatch:
    """``batch`` with every text column scrubbed (other columns untouched)."""
    columns = list(text_columns)
    if not columns or batch.num_rows == 0:
        return batch
    persons: list[str | None] = (
        pc.cast(batch.column(person_key), pa.string()).to_pylist()
        if person_key is not None and person_key in batch.schema.names else [None] * batch.num_rows
    )
    arrays = list(batch.columns)
    for column in columns:
        index = batch.schema.get_field_index(column)
        if index < 0:
            raise InputError(f"text column {column} is missing from the batch")
        texts = pc.cast(batch.column(index), pa.string()).to_pylist()
        arrays[index] = pa.array(scrubber(texts, persons), pa.string())
    schema = pa.schema([f.with_type(pa.string()) if f.name in columns else f for f in batch.schema])
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def already_scrubbed(texts: list[str | None], persons: list[str | None]) -> list[str | None]:
    """The scrub hook for text that :func:`scrub_batch` has already scrubbed: returns it unchanged."""
    return texts


# -------------------------------------------------------------------------------------- transforms


def transform_batches(
    batches: Iterable[pa.RecordBatch], policy: Policy, table: str, keys: KeySet
) -> Iterator[pa.RecordBatch]:
    """The policy's column rules over already-scrubbed ``batches`` (row numbers in errors run on)."""
    from deid.tabular import transform_batch

    offset = 0
    for batch in batches:
        yield transform_batch(batch, policy, table, keys=keys, scrub_texts=already_scrubbed, row_offset=offset)
        offset += batch.num_rows


def structured_phi_counts(data: pa.Table, policy: Policy, table: str) -> Counter[Category]:
    """Values of direct-identifier columns the policy removes or replaces, by category (non-null cells)."""
    spec = policy.tables[table]
    counts: Counter[Category] = Counter()
    for column, rule in spec.columns.items():
        if rule.role is not Role.DIRECT or rule.action == "scrub" or column not in data.column_names:
            continue
        category = identifier_category(column, rule.role) or Category.ID
        counts[category] += len(data) - data.column(column).null_count
    return counts


__all__ = ["NoteScrubber", "already_scrubbed", "collect_identifiers", "consent_batches", "identifier_category",
           "identifier_columns", "scrub_batch", "structured_phi_counts", "transform_batches"]
