"""Input tables on disk: which files make a table, their columns, their fingerprint, their batches.

:func:`input_columns` reads schemas only (the Parquet footer, the CSV header line, the first JSONL
object), so a plan never reads data. :func:`iter_batches` is how a run reads a table: a stream of Arrow
record batches with the columns in a fixed order, the same function for every engine. CSV columns are
read as text, so ZIP codes and record numbers keep their leading zeros.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from deid.errors import InputError
from deid.pipeline.models import InputFormat
from deid.release.writer import sha256_file

SUFFIXES: dict[str, tuple[str, ...]] = {
    "parquet": (".parquet", ".parq"),
    "csv": (".csv",),
    "jsonl": (".jsonl", ".ndjson"),
}
DEFAULT_BATCH_ROWS = 65_536
_CSV_BLOCK = 16 << 20


def input_files(path: Path, fmt: InputFormat) -> list[Path]:
    """The files of one input: ``path`` itself, or every file of the format under the folder ``path``.

    Hidden files and folders (``.name``, ``_name`` such as ``_SUCCESS``) are skipped. Raises
    :class:`InputError` when there is no such file or folder, or the folder holds no file of the format.
    """
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InputError(f"{path}: no such file or folder")
    files = sorted(
        p for p in path.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES[fmt]
        and not any(part.startswith((".", "_")) for part in p.relative_to(path).parts)
    )
    if not files:
        raise InputError(f"{path}: the folder holds no {fmt} file ({', '.join(SUFFIXES[fmt])})")
    return files


def input_columns(file: Path, fmt: InputFormat) -> list[str]:
    """Column names of one input file, from its schema or first line only; :class:`InputError` if unreadable."""
    try:
        if fmt == "parquet":
            return list(pq.read_schema(file).names)
        if fmt == "csv":
            return _csv_header(file)
        with open(file, "rb") as fh:
            first = fh.readline().decode("utf-8")
        if not first.strip():
            raise InputError(f"{file}: the first line of the JSONL file is empty")
        record = json.loads(first)
        if not isinstance(record, dict):
            raise InputError(f"{file}: the first line of the JSONL file is not a JSON object")
        return list(record)
    except InputError:
        raise
    except UnicodeDecodeError:
        raise InputError(f"{file}: not UTF-8 text") from None
    except json.JSONDecodeError:
        raise InputError(f"{file}: the first line is not valid JSON") from None
    except (OSError, pa.ArrowException) as exc:
        # Arrow's message about a broken footer names no data; keep only its type to be sure.
        raise InputError(f"{file}: cannot read the {fmt} schema ({type(exc).__name__})") from None


def _csv_header(file: Path, max_lines: int = 100) -> list[str]:
    """The header record of a CSV file, reading line by line only as far as the header goes."""
    text = ""
    with open(file, "rb") as fh:
        for _ in range(max_lines):
            line = fh.readline()
            if not line:
                break
            text += line.decode("utf-8-sig" if not text else "utf-8")
            try:
                header = next(csv.reader([text], strict=True), None)
            except csv.Error:
                continue  # a quoted header name spans lines: read the next one
            if header is not None:
                return header
    raise InputError(f"{file}: no CSV header row (the file is empty or its first record never ends)")


def fingerprint(files: Sequence[Path], root: Path) -> str:
    """sha256 over ``relative name NUL sha256 LF`` of every file, in name order: the input's identity."""
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda p: p.relative_to(root).as_posix() if p != root else p.name):
        name = file.relative_to(root).as_posix() if file != root else file.name
        digest.update(f"{name}\0{sha256_file(file)}\n".encode())
    return digest.hexdigest()


def iter_batches(
    files: Sequence[Path],
    fmt: InputFormat,
    columns: Sequence[str],
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> Iterator[pa.RecordBatch]:
    """Stream every file of an input as record batches holding ``columns`` in that order."""
    for file in files:
        if fmt == "parquet":
            yield from pq.ParquetFile(file).iter_batches(batch_size=batch_rows, columns=list(columns))
        elif fmt == "csv":
            reader = pa_csv.open_csv(
                file,
                read_options=pa_csv.ReadOptions(block_size=_CSV_BLOCK),
                convert_options=pa_csv.ConvertOptions(
                    column_types={c: pa.string() for c in columns}, include_columns=list(columns)
                ),
            )
            for batch in reader:
                yield from _rechunk(batch, batch_rows)
        else:
            for batch in pa_json.open_json(file):
                yield from _rechunk(batch.select(list(columns)), batch_rows)


def _rechunk(batch: pa.RecordBatch, rows: int) -> Iterator[pa.RecordBatch]:
    for offset in range(0, batch.num_rows, rows):
        yield batch.slice(offset, rows)
