"""Report files for a release: rendered from a manifest, or from a run in progress before it is signed.

A run attaches the report to every release it writes (``reports/report.html``, ``report.md``,
``report.json``): the files are listed in the manifest with their sha256, so the signature covers them.
Because they must exist before the manifest is signed, :func:`attach_reports` renders them from a *draft*
manifest (:func:`draft_manifest`): the writer's sections as they stand at the gate, with the gate's
verdict. The draft differs from the final manifest only in what the final one adds afterwards: the report
files themselves, the last audit line (the gate) and the finalization time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Literal

from deid import __version__
from deid.release.audit import now_utc
from deid.release.manifest import (
    AUDIT_FILE,
    MANIFEST_SCHEMA_VERSION,
    AuditRecord,
    FileRecord,
    Manifest,
    ToolInfo,
    Verdict,
)
from deid.release.writer import ReleaseWriter
from deid.report.build import read_steps
from deid.report.render import report_files

#: Folder of the report files inside a release.
REPORT_DIR = "reports"
#: The report files, by name inside :data:`REPORT_DIR`.
REPORT_FILES = ("report.html", "report.md", "report.json")


def draft_manifest(writer: ReleaseWriter, decision: Literal["approved", "rejected"],
                   reasons: Sequence[str]) -> Manifest:
    """The manifest ``writer`` would write if finalized now with ``decision`` (not written, not signed).

    An approval becomes a rejection when an audited step failed, as :meth:`ReleaseWriter.finalize` does.
    """
    # The writer exposes its outputs, attachments and audit head only to itself; read them here (the
    # report tests fail if they change) rather than duplicate the bookkeeping.
    failed: list[str] = list(writer._failed_steps)
    reasons = list(reasons)
    if decision == "approved" and failed:
        decision = "rejected"
        reasons += [f"audit step '{s}' failed" for s in failed]
    audit_path = writer.staging / AUDIT_FILE
    audit_bytes = audit_path.read_bytes()
    return Manifest(
        schema_version=MANIFEST_SCHEMA_VERSION,
        release_id=writer.release_id,
        run_id=writer.run_id,
        tool=ToolInfo(name="deid", version=__version__),
        created_at=now_utc(),
        demo_keys=writer.demo_keys,
        policy=writer.policy,
        pipeline=writer.pipeline,
        allowed_use=writer.allowed_use,
        inputs=writer.facts.inputs,
        outputs=dict(writer._outputs),
        attachments=list(writer._attachments),
        audit=AuditRecord(path=AUDIT_FILE, sha256=hashlib.sha256(audit_bytes).hexdigest(), bytes=len(audit_bytes),
                          entries=max(1, writer._audit.entries), last_hash=writer._audit.last_hash),
        phi_counts=writer.facts.phi_counts,
        risk=writer.facts.risk,
        validation=writer.facts.validation,
        canaries=writer.facts.canaries,
        exclusions=writer.facts.exclusions,
        verdict=Verdict(decision=decision, reasons=reasons),
    )


def attach_reports(writer: ReleaseWriter, decision: Literal["approved", "rejected"],
                   reasons: Sequence[str]) -> list[FileRecord]:
    """Render the report of the run in progress and attach it as ``reports/report.*`` (an audited step).

    Call it just before :meth:`ReleaseWriter.finalize`, with the same ``decision`` and ``reasons``.
    """
    manifest = draft_manifest(writer, decision, reasons)
    files = report_files(manifest, steps=read_steps(writer.staging / AUDIT_FILE), draft=True)
    records = []
    with writer.step("report") as step:
        for name, data in files.items():
            records.append(writer.attach(f"{REPORT_DIR}/{name}", data))
        step.count("files", len(records))
        step.reason(f"report rendered from the manifest as it stood at the gate ({decision})")
    return records


__all__ = ["REPORT_DIR", "REPORT_FILES", "attach_reports", "draft_manifest"]
