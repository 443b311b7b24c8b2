"""The audit log of a run: one JSON line per step, each line carrying the sha256 of the line before it.

The chain makes the log append-only in effect: dropping, reordering or editing a line breaks every later
link, and the manifest records the number of lines and the hash of the last one, so truncating the tail is
caught too. The first line's ``prev_hash`` is :data:`GENESIS_HASH`.

A line holds a step's name, start and end (UTC), counts, outcome and reasons; never a data value. A step
that fails records the exception's type, and its message only for a :class:`~deid.errors.DeidError`
(whose messages are written to be safe).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Literal

from pydantic import Field, ValidationError

from deid.errors import DeidError
from deid.release.manifest import ReleaseModel

AUDIT_SCHEMA_VERSION = 1
#: ``prev_hash`` of the first line of every audit log.
GENESIS_HASH = "0" * 64


class Outcome(StrEnum):
    """How a step ended."""

    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"
    APPROVED = "approved"
    REJECTED = "rejected"


class AuditEntry(ReleaseModel):
    """One line of ``audit.jsonl``."""

    schema_version: Literal[1] = Field(description="Version of the audit line format; currently 1.")
    seq: int = Field(ge=0, description="Position of the line in the log, from 0.")
    step: str = Field(min_length=1, description="Name of the step (e.g. 'scrub notes.text').")
    started_at: datetime = Field(description="When the step started (UTC).")
    ended_at: datetime = Field(description="When the step ended (UTC).")
    outcome: Outcome = Field(description="ok, failed, skipped, approved or rejected.")
    counts: dict[str, int] = Field(description="What the step counted (rows in and out, spans found...).")
    reasons: list[str] = Field(description="Why the step ended as it did; never a data value.")
    prev_hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="sha256 of the previous line's bytes.")


def line_hash(line: bytes) -> str:
    """sha256 of one audit line (its bytes without the final newline)."""
    return hashlib.sha256(line).hexdigest()


def encode_entry(entry: AuditEntry) -> bytes:
    """The canonical bytes of one line: compact JSON with sorted keys, no newline."""
    return json.dumps(entry.model_dump(mode="json"), sort_keys=True, separators=(",", ":")).encode("utf-8")


class AuditStep:
    """A step in progress: the body of :meth:`AuditLog.step` adds counts and reasons to it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.counts: dict[str, int] = {}
        self.reasons: list[str] = []
        self.outcome: Outcome = Outcome.OK

    def count(self, name: str, n: int = 1) -> None:
        """Add ``n`` to the counter ``name``."""
        self.counts[name] = self.counts.get(name, 0) + int(n)

    def reason(self, text: str) -> None:
        """Record why the step did what it did (a rule, a threshold; never a data value)."""
        self.reasons.append(text)


class AuditLog:
    """An append-only, hash-chained audit log written line by line (each line flushed and fsynced)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[bytes] | None = open(path, "xb")
        self.entries = 0
        self.last_hash = GENESIS_HASH

    def append(
        self,
        step: str,
        started_at: datetime,
        ended_at: datetime,
        outcome: Outcome,
        counts: dict[str, int] | None = None,
        reasons: list[str] | None = None,
    ) -> AuditEntry:
        """Write one line and return it."""
        if self._fh is None:
            raise RuntimeError("the audit log is closed")
        entry = AuditEntry(
            schema_version=AUDIT_SCHEMA_VERSION,
            seq=self.entries,
            step=step,
            started_at=started_at,
            ended_at=ended_at,
            outcome=outcome,
            counts=dict(counts or {}),
            reasons=list(reasons or []),
            prev_hash=self.last_hash,
        )
        line = encode_entry(entry)
        self._fh.write(line + b"\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self.entries += 1
        self.last_hash = line_hash(line)
        return entry

    @contextmanager
    def step(self, name: str) -> Iterator[AuditStep]:
        """Time a step and write its line when it ends; a failure is logged, then re-raised."""
        started = now_utc()
        current = AuditStep(name)
        try:
            yield current
        except BaseException as exc:
            self.append(name, started, now_utc(), Outcome.FAILED, current.counts,
                        [*current.reasons, describe_exception(exc)])
            raise
        self.append(name, started, now_utc(), current.outcome, current.counts, current.reasons)

    def close(self) -> None:
        """Close the file; later appends fail."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def describe_exception(exc: BaseException) -> str:
    """A safe one-line description: type always, message only for deid's own (value-free) errors."""
    if isinstance(exc, DeidError):
        return f"{type(exc).__name__}: {exc}"
    return f"{type(exc).__name__} (message withheld: it may quote input data)"


def check_chain(data: bytes) -> tuple[list[str], int, str]:
    """Check an audit log's bytes: returns (failures, number of lines, hash of the last line)."""
    failures: list[str] = []
    if not data:
        return ["audit chain: the audit log is empty"], 0, GENESIS_HASH
    if not data.endswith(b"\n"):
        failures.append("audit chain: the last line is incomplete (no final newline)")
    lines = data.rstrip(b"\n").split(b"\n") if data.endswith(b"\n") else data.split(b"\n")
    previous = GENESIS_HASH
    for number, line in enumerate(lines):
        where = f"audit chain: line {number + 1}"
        try:
            entry = AuditEntry.model_validate_json(line)
        except ValidationError:
            failures.append(f"{where} is not a valid audit entry")
            previous = line_hash(line)
            continue
        if entry.prev_hash != previous:
            failures.append(f"{where} does not follow the line before it (prev_hash mismatch): "
                            "a line was removed, inserted or changed")
        if entry.seq != number:
            failures.append(f"{where} has seq {entry.seq}, expected {number}")
        previous = line_hash(line)
    return failures, len(lines), previous


def now_utc() -> datetime:
    """The current time in UTC, to the microsecond."""
    return datetime.now(UTC)
