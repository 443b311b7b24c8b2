"""Reading and writing tables: CSV (``;`` or ``,``, sniffed), Parquet and JSON Lines, as lazy frames.

CSV cells are read as text, never guessed into numbers or dates: a ZIP code keeps its leading zero and a
hierarchy lookup sees the value exactly as written. Row numbers in every error are 1-based data rows (the
header is not counted), which is what a spreadsheet user sees minus one.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from deid.errors import InputError

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}


def sniff_delimiter(path: Path) -> str:
    """``;``, ``\\t`` or ``,``: whichever occurs most in the header line."""
    try:
        with path.open("r", encoding="utf-8", newline="") as handle:
            header = handle.readline()
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    counts = {d: header.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def scan_table(path: str | Path) -> pl.LazyFrame:
    """A lazy frame over the table at ``path`` (CSV, Parquet or JSONL, by suffix)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: table file not found")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return pl.scan_csv(path, separator=sniff_delimiter(path), infer_schema=False, encoding="utf8")
    if suffix in PARQUET_SUFFIXES:
        return pl.scan_parquet(path)
    if suffix in JSONL_SUFFIXES:
        return pl.scan_ndjson(path)
    raise InputError(f"{path}: unknown table format {suffix or '(no suffix)'}; use .csv, .parquet or .jsonl")


def read_table(path: str | Path) -> pl.DataFrame:
    """The whole table at ``path`` in memory (see :func:`scan_table`)."""
    try:
        return scan_table(path).collect()
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{path}: cannot be read as a table ({type(exc).__name__})") from None


def write_table(frame: pl.DataFrame | pl.LazyFrame, path: str | Path) -> Path:
    """Write ``frame`` to ``path`` as Parquet, CSV (``,``) or JSONL, by suffix; returns the path."""
    path = Path(path)
    data = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix in PARQUET_SUFFIXES:
        data.write_parquet(path)
    elif suffix in CSV_SUFFIXES:
        data.write_csv(path)
    elif suffix in JSONL_SUFFIXES:
        data.write_ndjson(path)
    else:
        raise InputError(
            f"{path}: unknown output format {suffix or '(no suffix)'}; use .parquet, .csv or .jsonl"
        )
    return path


def table_name_for(path: str | Path, tables: list[str], explicit: str | None) -> str:
    """Which policy table describes the file: ``explicit``, the only table, or the file's stem."""
    if explicit is not None:
        if explicit not in tables:
            raise InputError(f"table {explicit} is not in the policy (it has: {', '.join(tables) or 'none'})")
        return explicit
    if len(tables) == 1:
        return tables[0]
    stem = Path(path).stem
    if stem in tables:
        return stem
    raise InputError(
        f"{path}: the policy has several tables ({', '.join(tables)}) and none is named {stem}; pass --table"
    )
