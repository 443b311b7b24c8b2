"""Consent: remove the people who declined research use, before anything else touches their rows.

Some state laws let patients opt out of research use of their records. The exclusion list is a text file
of person keys (one per line; blank lines and ``#`` comments ignored). Their rows are removed from every
table as the first step of a run; the release counts them (persons listed, rows removed per table) and
never lists them.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from deid.errors import InputError


def load_exclusions(path: Path) -> frozenset[str]:
    """The person keys on the exclusion list at ``path``; :class:`InputError` if it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: exclusion list not found") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: the exclusion list is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the exclusion list ({exc.strerror})") from None
    keys = (line.strip() for line in text.splitlines())
    return frozenset(k for k in keys if k and not k.startswith("#"))


def exclude_persons(
    batch: pa.RecordBatch, person_key: str, excluded: frozenset[str]
) -> tuple[pa.RecordBatch, int]:
    """``batch`` without the rows whose person key (compared as text) is excluded, and how many went."""
    if not excluded or batch.num_rows == 0:
        return batch, 0
    if person_key not in batch.schema.names:
        raise InputError(f"person key column {person_key} is missing from the batch")
    keys = pc.cast(batch.column(person_key), pa.string())
    drop = pc.fill_null(pc.is_in(keys, value_set=pa.array(sorted(excluded), pa.string())), False)
    kept = batch.filter(pc.invert(drop))
    return kept, batch.num_rows - kept.num_rows
