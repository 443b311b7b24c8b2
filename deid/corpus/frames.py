"""Data files the residual scan reads: Parquet, CSV and JSON Lines, file or folder, in bounded batches.

Parquet streams by record batch; CSV is read with every column as text (a ZIP code stays ``02114``);
JSON Lines are flattened to their top-level keys, nested values written back as JSON text so a value
hidden inside a nested object is still scanned. Each batch comes with the row number of its first row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from deid.errors import InputError

#: Extensions the scan reads; anything else in a folder (manifests, signatures, reports) is skipped.
DATA_SUFFIXES = (".parquet", ".pq", ".csv", ".jsonl", ".ndjson")
BATCH_ROWS = 20_000


def data_files(path: str | Path) -> list[Path]:
    """The data files at ``path``: the file itself, or every data file under the folder, sorted."""
    root = Path(path)
    if root.is_file():
        if root.suffix.lower() not in DATA_SUFFIXES:
            raise InputError(f"{root}: not a data file the scan reads ({', '.join(DATA_SUFFIXES)})")
        return [root]
    if root.is_dir():
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in DATA_SUFFIXES)
        if not files:
            raise InputError(f"{root}: no Parquet, CSV or JSONL file under this folder")
        return files
    raise InputError(f"{root}: no such file or folder")


def batches(path: Path, rows: int = BATCH_ROWS) -> Iterator[tuple[int, pl.DataFrame]]:
    """``(first row number, frame)`` for each batch of ``path``."""
    suffix = path.suffix.lower()
    try:
        if suffix in {".parquet", ".pq"}:
            offset = 0
            for batch in pq.ParquetFile(path).iter_batches(batch_size=rows):
                frame = pl.from_arrow(batch)
                assert isinstance(frame, pl.DataFrame)
                yield offset, frame
                offset += batch.num_rows
        elif suffix == ".csv":
            frame = pl.read_csv(path, infer_schema=False)
            for offset in range(0, max(frame.height, 1), rows):
                yield offset, frame.slice(offset, rows)
        else:
            yield from _jsonl(path, rows)
    except InputError:
        raise
    except (OSError, pl.exceptions.PolarsError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the file ({type(exc).__name__})") from None


def _cell(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _jsonl(path: Path, rows: int) -> Iterator[tuple[int, pl.DataFrame]]:
    records: list[dict[str, str | None]] = []
    offset = 0
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                raise InputError(f"{path}:{number}: not a JSON line") from None
            if not isinstance(data, dict):
                raise InputError(f"{path}:{number}: a JSON line must hold an object")
            records.append({str(k): _cell(v) for k, v in data.items()})
            if len(records) >= rows:
                yield offset, _frame(records)
                offset += len(records)
                records = []
    if records or offset == 0:
        yield offset, _frame(records)


def _frame(records: list[dict[str, str | None]]) -> pl.DataFrame:
    columns = list(dict.fromkeys(k for r in records for k in r))
    return pl.DataFrame({c: [r.get(c) for r in records] for c in columns}, schema={c: pl.String for c in columns})


__all__ = ["BATCH_ROWS", "DATA_SUFFIXES", "batches", "data_files"]
