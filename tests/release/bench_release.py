"""Throughput of the release writer, verify and open_release on synthetic rows (not a test; run by hand):

    .venv/bin/python tests/release/bench_release.py 1000000
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from deid.release import AllowedUse, PipelineRef, PolicyRef, ReleaseWriter, open_release, verify_release

BATCH = 65_536


def batches(rows: int) -> Iterator[pa.RecordBatch]:
    """Rows of a notes-like table without PHI: a key, a number, a ward and a 200-character text."""
    for start in range(0, rows, BATCH):
        n = min(BATCH, rows - start)
        yield pa.record_batch({
            "person": pa.array([f"P-{i:08d}" for i in range(start, start + n)]),
            "year": pa.array(range(start, start + n)),
            "ward": pa.array(["4 West"] * n),
            "text": pa.array(["Seen today, stable. " * 10] * n),
        })


def main(rows: int) -> None:
    key = Ed25519PrivateKey.generate()
    out = Path(tempfile.mkdtemp())
    started = time.perf_counter()
    with ReleaseWriter.open(
        out, name="bench", policy=PolicyRef(name="p", version="1.0.0", profile="custom", sha256="a" * 64),
        pipeline=PipelineRef(name="b", version="1.0.0", sha256="b" * 64),
        allowed_use=AllowedUse(purposes=["research"], consumers=["x"], expires=date(2030, 1, 1)),
    ) as writer:
        writer.write_table("notes", batches(rows))
        path = writer.finalize("approved", ["bench"], key)
    write_s = time.perf_counter() - started
    size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    started = time.perf_counter()
    result = verify_release(path, key.public_key())
    verify_s = time.perf_counter() - started
    started = time.perf_counter()
    counted = open_release(path, key.public_key(), "research").count_rows()
    open_s = time.perf_counter() - started
    print(f"rows={rows} size={size / 1e6:.1f}MB write={write_s:.2f}s ({rows / write_s:,.0f} rows/s, batch "
          f"generation included) verify={verify_s:.2f}s ok={result.ok} open+count={open_s:.2f}s n={counted}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
