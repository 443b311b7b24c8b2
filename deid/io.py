"""Reading documents from JSONL, CSV or Parquet in bounded batches, and writing JSONL results.

Inputs stream: Parquet and CSV through pyarrow's batch readers, JSONL line by line; nothing holds a whole
file. Errors name the file, line or row and column, never a value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from deid.errors import InputError

BATCH_ROWS = 256


@dataclass(frozen=True)
class Document:
    """One text to scrub, with its id and (if known) its patient."""

    doc_id: str
    text: str
    person: str | None
    extra: dict[str, object]


def read_documents(
    path: str | Path, id_column: str = "doc_id", text_column: str = "text", person_column: str | None = "group_id",
    batch_rows: int = BATCH_ROWS,
) -> Iterator[list[Document]]:
    """Batches of documents from a JSONL, CSV or Parquet file (chosen by extension)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: input file not found")
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson", ".json"}:
        yield from _jsonl(path, id_column, text_column, person_column, batch_rows)
    elif suffix in {".csv", ".parquet", ".pq"}:
        yield from _tabular(path, id_column, text_column, person_column, batch_rows, suffix)
    else:
        raise InputError(f"{path}: unknown input format {suffix!r} (use .jsonl, .csv or .parquet)")


def _check_text(path: Path, where: str, text: object) -> str:
    if text is None:
        raise InputError(f"{path}: {where}: the text is null")
    if not isinstance(text, str):
        raise InputError(f"{path}: {where}: the text is {type(text).__name__}, not a string")
    return text


def _jsonl(path: Path, id_col: str, text_col: str, person_col: str | None, rows: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                raise InputError(f"{path}: line {number}: not UTF-8") from None
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}: line {number}: invalid JSON at column {exc.colno}") from None
            if not isinstance(record, dict) or id_col not in record or text_col not in record:
                raise InputError(f"{path}: line {number}: needs the keys {id_col!r} and {text_col!r}")
            text = _check_text(path, f"line {number}", record[text_col])
            person = record.get(person_col) if person_col else None
            extra = {k: v for k, v in record.items() if k not in {text_col, "spans"}}
            batch.append(Document(str(record[id_col]), text, None if person is None else str(person), extra))
            if len(batch) >= rows:
                yield batch
                batch = []
    if batch:
        yield batch


def _tabular(path: Path, id_col: str, text_col: str, person_col: str | None, rows: int, suffix: str
             ) -> Iterator[list[Document]]:
    try:
        if suffix == ".csv":
            reader = pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=1 << 22),
                                    convert_options=pacsv.ConvertOptions(strings_can_be_null=False))
            schema = reader.schema
            batches: Iterator[pa.RecordBatch] = iter(reader)
        else:
            parquet = pq.ParquetFile(path)
            schema = parquet.schema_arrow
            batches = parquet.iter_batches(batch_size=rows)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path}: cannot be read as {suffix[1:]} ({type(exc).__name__})") from None
    for column in (id_col, text_col):
        if column not in schema.names:
            raise InputError(f"{path}: no column {column!r} (columns: {', '.join(schema.names)})")
    row = 0
    for record_batch in batches:
        data = record_batch.to_pydict()
        batch: list[Document] = []
        for k in range(record_batch.num_rows):
            row += 1
            text = _check_text(path, f"row {row}, column {text_col}", data[text_col][k])
            person = data[person_col][k] if person_col and person_col in data else None
            batch.append(Document(str(data[id_col][k]), text, None if person is None else str(person), {}))
        for start in range(0, len(batch), rows):
            yield batch[start:start + rows]


def write_jsonl_line(fh, record: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    """Write one JSON line (UTF-8, no ASCII escaping)."""
    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
