"""Releases: the signed, audited folder a run produces and the checks a consumer runs before reading it.

Owns the release format: :mod:`~deid.release.manifest` (``manifest.json``), :mod:`~deid.release.audit`
(``audit.jsonl``, a hash chain), :mod:`~deid.release.signing` (``manifest.sig``, Ed25519),
:mod:`~deid.release.writer` (staging, Parquet parts, atomic move into ``releases/`` or ``quarantine/``),
:mod:`~deid.release.verify` (the consumer's gate) and :mod:`~deid.release.consumer` (``open_release``).
A new manifest section is a field on :class:`Manifest` and on :class:`ReleaseFacts`; bump
``MANIFEST_SCHEMA_VERSION`` when an existing field changes meaning. See docs/release.md.
"""

from deid.release.audit import GENESIS_HASH, AuditEntry, AuditStep, Outcome, check_chain
from deid.release.consumer import open_release, open_release_tables
from deid.release.manifest import (
    MANIFEST_SCHEMA_VERSION,
    AllowedUse,
    CanaryResult,
    Exclusions,
    FileRecord,
    InputRecord,
    Manifest,
    OutputTable,
    PipelineRef,
    PolicyRef,
    ValidationRecord,
    Verdict,
)
from deid.release.signing import resolve_public_key, sign, signature_valid
from deid.release.verify import CheckResult, VerificationResult, verify_release
from deid.release.writer import ReleaseFacts, ReleaseWriter, remove_stale_staging, sha256_file

__all__ = [
    "GENESIS_HASH",
    "MANIFEST_SCHEMA_VERSION",
    "AllowedUse",
    "AuditEntry",
    "AuditStep",
    "CanaryResult",
    "CheckResult",
    "Exclusions",
    "FileRecord",
    "InputRecord",
    "Manifest",
    "Outcome",
    "OutputTable",
    "PipelineRef",
    "PolicyRef",
    "ReleaseFacts",
    "ReleaseWriter",
    "ValidationRecord",
    "Verdict",
    "VerificationResult",
    "check_chain",
    "open_release",
    "open_release_tables",
    "remove_stale_staging",
    "resolve_public_key",
    "sha256_file",
    "sign",
    "signature_valid",
    "verify_release",
]
