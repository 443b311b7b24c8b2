"""The leak checks of a run: canaries planted before de-identification, and the residual PHI scan after it.

Canaries (:mod:`deid.corpus.canaries`) are synthetic patients with made-up, unique identifiers, appended
to the inputs after the exclusion list is applied. They go through every step like real patients; then
every cell of every output table is searched for their values (a surviving canary rejects the release),
and their rows, which are the last rows of each table since every transform keeps row order, are removed.

The residual scan (:func:`deid.corpus.scan_path`) runs the pattern checks (SSN, phone, e-mail, MRN with
its label, IP address, URL) over every text cell of every output table and looks for columns that still
look like identifiers. It does not run the PHI detector a second time: the scrubber already ran it with
each patient's own identifiers, and on scrubbed text the detector flags realistic surrogates (a surrogate
"Benson, MD" reads as a city and a state), which would reject every release under a surrogate policy.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from deid.corpus.canaries import CanaryReport, CanarySet, add_canaries, check_canaries, make_canaries
from deid.corpus.scan import ScanReport, scan_path
from deid.release.manifest import ValidationRecord

#: Notes written per canary patient.
CANARY_NOTES = 3


@dataclass(frozen=True)
class PlantedCanaries:
    """Canaries added to a run's inputs: the set and how many rows each table received."""

    canaries: CanarySet
    rows: dict[str, int]


def plant_canaries(tables: Mapping[str, pa.Table], count: int, run_id: str) -> tuple[dict[str, pa.Table],
                                                                                     PlantedCanaries]:
    """``tables`` with ``count`` canary patients appended; the canaries differ per run (seeded by its id)."""
    canaries = make_canaries(count, int(run_id[:12], 16), notes_per_patient=CANARY_NOTES)
    planted = add_canaries(tables, canaries)
    rows = {name: planted[name].num_rows - tables[name].num_rows for name in tables}
    return planted, PlantedCanaries(canaries=canaries, rows=rows)


def check_and_remove(
    outputs: Mapping[str, pa.Table], planted: PlantedCanaries
) -> tuple[dict[str, pa.Table], CanaryReport]:
    """Search every output cell for canary values, then drop the canary rows (the last rows of each table)."""
    report = check_canaries(outputs, planted.canaries)
    kept = {name: drop_last(table, planted.rows.get(name, 0)) for name, table in outputs.items()}
    return kept, report.with_removed(planted.rows)


def drop_last(table: pa.Table, rows: int) -> pa.Table:
    """``table`` without its last ``rows`` rows."""
    return table.slice(0, table.num_rows - rows) if rows else table


def residual_scan(outputs: Mapping[str, pa.Table], policy_path: str | Path) -> ScanReport:
    """Pattern checks over every cell and column check of every output table (the detector is not re-run)."""
    with tempfile.TemporaryDirectory(prefix="deid-scan-") as scratch:
        for name, table in outputs.items():
            pq.write_table(table, Path(scratch) / f"{name}.parquet")
        return scan_path(scratch, policy_path=policy_path, use_detector=False)


def scan_records(report: ScanReport, tables: list[str]) -> list[ValidationRecord]:
    """One validation record per scanned table (counts by category; locations stay in memory)."""
    records = []
    for table in tables:
        stem = f"{table}.parquet"
        cells = [f for f in report.cell_findings if Path(f.file).name == stem]
        columns = [c for c in report.columns if Path(c.file).name == stem and not c.expected]
        by_category: dict[str, int] = {}
        for finding in cells:
            by_category[finding.category] = by_category.get(finding.category, 0) + 1
        passed = not cells and not columns
        detail = ("no cell or column still looks like PHI" if passed else
                  f"{len(cells)} cell(s) look like PHI ({', '.join(f'{k} {v}' for k, v in sorted(by_category.items()))})"
                  f" and {len(columns)} column(s) look like identifiers "
                  f"({', '.join(sorted({f'{c.column}: {c.category}' for c in columns}))})")
        figures: dict[str, float | int | bool | str | None] = {
            "cell_findings": len(cells), "identifying_columns": len(columns),
            **{f"findings.{k}": v for k, v in sorted(by_category.items())},
        }
        records.append(ValidationRecord(name="residual PHI scan", table=table, column=None, passed=passed,
                                        figures=figures, detail=detail))
    return records


__all__ = ["CANARY_NOTES", "PlantedCanaries", "check_and_remove", "drop_last", "plant_canaries", "residual_scan",
           "scan_records"]
