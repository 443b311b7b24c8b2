"""Write a release: stream tables into Parquet parts in a staging folder, then move it into place whole.

Layout of an output location (the pipeline's ``output``)::

    OUTPUT/.staging/<release-id>.<pid>/   work in progress; never read by consumers
    OUTPUT/releases/<release-id>/         approved: signed, verifiable
    OUTPUT/quarantine/<release-id>/       rejected: the same files, reasons in the manifest, no signature

A release folder only ever appears through one ``rename`` of a complete staging folder (same file
system), after every file in it was fsynced. A process killed at any point leaves at most a staging
folder, which the next :meth:`ReleaseWriter.open` on the same output removes once its process is gone.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from types import TracebackType
from typing import Literal

import pyarrow as pa
import pyarrow.parquet as pq
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel, ConfigDict, Field

from deid import __version__
from deid.categories import Category
from deid.errors import DeidError, InputError, KeyMaterialError
from deid.release.audit import AuditLog, AuditStep, Outcome, describe_exception, now_utc
from deid.release.manifest import (
    AUDIT_FILE,
    DATA_DIR,
    MANIFEST_FILE,
    MANIFEST_SCHEMA_VERSION,
    SIGNATURE_FILE,
    AllowedUse,
    AuditRecord,
    CanaryResult,
    ColumnType,
    Exclusions,
    Figures,
    FileRecord,
    InputRecord,
    Manifest,
    OutputTable,
    PartFile,
    PipelineRef,
    PolicyRef,
    ToolInfo,
    ValidationRecord,
    Verdict,
    relative_posix,
    safe_name,
)
from deid.release.signing import sign

STAGING_DIR = ".staging"
RELEASES_DIR = "releases"
QUARANTINE_DIR = "quarantine"
#: Footer key-value metadata every Parquet part carries.
META_RELEASE_ID = b"deid.release_id"
META_POLICY_SHA256 = b"deid.policy_sha256"
DEFAULT_ROWS_PER_PART = 250_000
_CHUNK = 1 << 20


class ReleaseFacts(BaseModel):
    """The manifest sections the steps of a run fill in while it runs (validated on every assignment)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    inputs: dict[str, InputRecord] = Field(default_factory=dict, description="Input fingerprints and rows.")
    phi_counts: dict[str, dict[Category, int]] = Field(
        default_factory=dict, description="PHI counts by table and category."
    )
    risk: dict[str, Figures] = Field(default_factory=dict, description="Risk figures by table.")
    validation: list[ValidationRecord] = Field(default_factory=list, description="Output check results.")
    canaries: CanaryResult | None = Field(default=None, description="Canary result, null when off.")
    exclusions: Exclusions | None = Field(default=None, description="Exclusion counts, null without a list.")


class ReleaseWriter(AbstractContextManager["ReleaseWriter"]):
    """Builds one release in a staging folder. Use as a context manager and end with :meth:`finalize`.

    Leaving the ``with`` block without finalizing removes the staging folder (nothing is released); a
    :class:`~deid.errors.DeidError` escaping it quarantines what was written, with the error as reason.
    """

    def __init__(
        self,
        output: Path,
        release_id: str,
        run_id: str,
        policy: PolicyRef,
        pipeline: PipelineRef,
        allowed_use: AllowedUse,
        demo_keys: bool,
        rows_per_part: int,
    ) -> None:
        self.output = output
        self.release_id = release_id
        self.run_id = run_id
        self.policy = policy
        self.pipeline = pipeline
        self.allowed_use = allowed_use
        self.demo_keys = demo_keys
        self.rows_per_part = rows_per_part
        self.staging = output / STAGING_DIR / f"{release_id}.{os.getpid()}"
        self.facts = ReleaseFacts()
        self.final_path: Path | None = None
        self.manifest: Manifest | None = None
        self._outputs: dict[str, OutputTable] = {}
        self._attachments: list[FileRecord] = []
        self._failed_steps: list[str] = []
        self._closed = False
        self.staging.mkdir(parents=True)
        self._audit = AuditLog(self.staging / AUDIT_FILE)

    # ------------------------------------------------------------------------------------------ open

    @classmethod
    def open(
        cls,
        output: str | Path,
        *,
        name: str,
        policy: PolicyRef,
        pipeline: PipelineRef,
        allowed_use: AllowedUse,
        demo_keys: bool = False,
        run_id: str | None = None,
        rows_per_part: int = DEFAULT_ROWS_PER_PART,
    ) -> ReleaseWriter:
        """Start a release under ``output``: clear stale staging folders, create a fresh one, open the audit.

        ``name`` (usually the pipeline's) prefixes the release id ``NAME-YYYYMMDDTHHMMSSZ-XXXXXXXX``.
        """
        if not safe_name(name):
            raise InputError(f"release name '{name}' must be letters, digits, '_', '.' or '-'")
        if rows_per_part < 1:
            raise InputError("rows_per_part must be at least 1")
        run_id = run_id or uuid.uuid4().hex
        if re.fullmatch(r"[0-9a-f]{32}", run_id) is None:
            raise InputError("run_id must be 32 lowercase hex digits (uuid4().hex)")
        output = Path(output)
        remove_stale_staging(output)
        release_id = f"{name}-{now_utc().strftime('%Y%m%dT%H%M%SZ')}-{run_id[:8]}"
        writer = cls(output, release_id, run_id, policy, pipeline, allowed_use, demo_keys, rows_per_part)
        with writer.step("open release") as step:
            step.reason(f"policy {policy.name} {policy.version}, pipeline {pipeline.name} {pipeline.version}")
            if demo_keys:
                step.reason("demo keys: not for production")
        return writer

    # ----------------------------------------------------------------------------------------- steps

    @contextmanager
    def step(self, name: str) -> Iterator[AuditStep]:
        """An audited step: timed, its counts and outcome written to ``audit.jsonl`` when it ends."""
        self._require_open()
        try:
            with self._audit.step(name) as current:
                yield current
        except BaseException:
            self._failed_steps.append(name)
            raise
        if current.outcome is Outcome.FAILED:
            self._failed_steps.append(name)

    def write_table(
        self,
        name: str,
        batches: Iterable[pa.RecordBatch | pa.Table],
        schema: pa.Schema | None = None,
    ) -> OutputTable:
        """Stream ``batches`` into ``data/NAME/part-NNNNN.parquet`` files of at most ``rows_per_part`` rows.

        Every batch must have the schema of the first (or ``schema``, when given; needed for a table with
        no batches). Returns the table's manifest entry.
        """
        self._require_open()
        if not safe_name(name):
            raise InputError(f"table name '{name}' must be letters, digits, '_', '.' or '-'")
        if name in self._outputs:
            raise InputError(f"table {name} was already written to this release")
        with self.step(f"write {name}") as step:
            table = _PartWriter(self, name, schema).write(batches)
            step.count("rows", table.rows)
            step.count("files", len(table.files))
        self._outputs[name] = table
        return table

    def attach(self, path: str, data: bytes) -> FileRecord:
        """Add another file (e.g. a risk report) at ``path`` inside the release; listed in the manifest."""
        self._require_open()
        try:
            record_path = relative_posix(path)
        except ValueError as exc:
            raise InputError(f"{path}: {exc}") from None
        reserved = {MANIFEST_FILE, SIGNATURE_FILE, AUDIT_FILE}
        if record_path in reserved or record_path.split("/")[0] == DATA_DIR:
            raise InputError(f"{path}: reserved for the release's own files; attach reports elsewhere")
        if any(a.path == record_path for a in self._attachments):
            raise InputError(f"{path}: already attached")
        target = self.staging / record_path
        target.parent.mkdir(parents=True, exist_ok=True)
        write_durable(target, data)
        record = FileRecord(path=record_path, sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
        self._attachments.append(record)
        return record

    # -------------------------------------------------------------------------------------- finalize

    def finalize(
        self,
        verdict: Literal["approved", "rejected"],
        reasons: list[str],
        signer: Ed25519PrivateKey | None,
    ) -> Path:
        """Close the audit, write and (when approved) sign the manifest, and move the release into place.

        Approved releases go to ``OUTPUT/releases/ID`` with ``manifest.sig``; rejected ones to
        ``OUTPUT/quarantine/ID`` without. An approval is turned into a rejection when an audited step
        failed. Returns the release folder (also in :attr:`final_path`).
        """
        self._require_open()
        reasons = list(reasons)
        if verdict == "approved" and self._failed_steps:
            verdict = "rejected"
            reasons += [f"audit step '{s}' failed" for s in self._failed_steps]
        if verdict == "approved" and signer is None:
            raise KeyMaterialError("an approved release must be signed, and no signing key was given; "
                                   "nothing was released")
        started = now_utc()
        final_verdict = Verdict(decision=verdict, reasons=reasons)
        self._audit.append("gate", started, now_utc(),
                           Outcome.APPROVED if verdict == "approved" else Outcome.REJECTED,
                           {"tables": len(self._outputs)}, reasons)
        self._audit.close()
        manifest = Manifest(
            schema_version=MANIFEST_SCHEMA_VERSION,
            release_id=self.release_id,
            run_id=self.run_id,
            tool=ToolInfo(name="deid", version=__version__),
            created_at=now_utc(),
            demo_keys=self.demo_keys,
            policy=self.policy,
            pipeline=self.pipeline,
            allowed_use=self.allowed_use,
            inputs=self.facts.inputs,
            outputs=self._outputs,
            attachments=self._attachments,
            audit=AuditRecord(path=AUDIT_FILE, sha256=sha256_file(self.staging / AUDIT_FILE),
                              bytes=(self.staging / AUDIT_FILE).stat().st_size, entries=self._audit.entries, last_hash=self._audit.last_hash),
            phi_counts=self.facts.phi_counts,
            risk=self.facts.risk,
            validation=self.facts.validation,
            canaries=self.facts.canaries,
            exclusions=self.facts.exclusions,
            verdict=final_verdict,
        )
        data = manifest.to_bytes()
        write_durable(self.staging / MANIFEST_FILE, data)
        if verdict == "approved":
            assert signer is not None
            write_durable(self.staging / SIGNATURE_FILE, sign(data, signer))
        fsync_dir(self.staging)
        parent = self.output / (RELEASES_DIR if verdict == "approved" else QUARANTINE_DIR)
        parent.mkdir(parents=True, exist_ok=True)
        target = parent / self.release_id
        os.rename(self.staging, target)
        fsync_dir(parent)
        self._closed = True
        self.manifest = manifest
        self.final_path = target
        return target

    def abort(self) -> None:
        """Discard the staging folder; nothing is released. Safe to call more than once."""
        self._audit.close()
        self._closed = True
        shutil.rmtree(self.staging, ignore_errors=True)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._closed:
            return
        if isinstance(exc, DeidError):
            try:
                self.finalize("rejected", [describe_exception(exc)], None)
            except Exception:
                self.abort()
        else:
            self.abort()
        return

    def _require_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"release {self.release_id} is already finalized or aborted")


class _PartWriter:
    """Writes one table's batches into size-limited Parquet parts."""

    def __init__(self, release: ReleaseWriter, name: str, schema: pa.Schema | None) -> None:
        self.release = release
        self.name = name
        self.folder = release.staging / DATA_DIR / name
        self.schema = schema.remove_metadata() if schema is not None else None
        self.parts: list[PartFile] = []
        self._writer: pq.ParquetWriter | None = None
        self._path: Path | None = None
        self._rows = 0

    def write(self, batches: Iterable[pa.RecordBatch | pa.Table]) -> OutputTable:
        self.folder.mkdir(parents=True)
        try:
            for item in batches:
                for batch in item.to_batches() if isinstance(item, pa.Table) else [item]:
                    self._write_batch(batch)
            if self.schema is None:
                raise InputError(f"table {self.name}: no batches and no schema; cannot write an empty table")
            if self._writer is None and not self.parts:
                self._open_part()  # an empty table still gets one part, so its schema is released
            if self._writer is not None:
                self._close_part()
        finally:
            if self._writer is not None:
                self._writer.close()
        assert self.schema is not None
        columns = [ColumnType(name=f.name, type=str(f.type)) for f in self.schema]
        return OutputTable(rows=sum(p.rows for p in self.parts), columns=columns, files=self.parts)

    def _write_batch(self, batch: pa.RecordBatch) -> None:
        if self.schema is None:
            self.schema = batch.schema.remove_metadata()
        elif not batch.schema.equals(self.schema, check_metadata=False):
            raise InputError(f"table {self.name}: a batch's schema differs from the table's first batch")
        offset = 0
        while offset < batch.num_rows:
            if self._writer is None:
                self._open_part()
            take = min(self.release.rows_per_part - self._rows, batch.num_rows - offset)
            assert self._writer is not None
            self._writer.write_batch(batch.slice(offset, take))
            self._rows += take
            offset += take
            if self._rows >= self.release.rows_per_part:
                self._close_part()

    def _open_part(self) -> None:
        assert self.schema is not None
        self._path = self.folder / f"part-{len(self.parts):05d}.parquet"
        metadata = {META_RELEASE_ID: self.release.release_id.encode(),
                    META_POLICY_SHA256: self.release.policy.sha256.encode()}
        self._writer = pq.ParquetWriter(self._path, self.schema.with_metadata(metadata))
        self._rows = 0

    def _close_part(self) -> None:
        assert self._writer is not None and self._path is not None
        self._writer.close()
        self._writer = None
        _fsync_file(self._path)
        relative = self._path.relative_to(self.release.staging).as_posix()
        self.parts.append(PartFile(path=relative, rows=self._rows, sha256=sha256_file(self._path),
                                   bytes=self._path.stat().st_size))


# ------------------------------------------------------------------------------------ file helpers


def remove_stale_staging(output: Path) -> list[Path]:
    """Remove staging folders under ``output`` whose writing process no longer runs; returns them."""
    removed = []
    staging = output / STAGING_DIR
    if not staging.is_dir():
        return removed
    for folder in staging.iterdir():
        pid = folder.suffix.lstrip(".")
        if pid.isdigit() and (int(pid) == os.getpid() or _process_alive(int(pid))):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_durable(path: Path, data: bytes) -> None:
    """Create ``path`` with ``data`` and fsync it (fails if it exists)."""
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def fsync_dir(path: Path) -> None:
    """fsync a folder, so that the names in it (and a rename into it) survive a crash."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_file(path: Path) -> str:
    """sha256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
