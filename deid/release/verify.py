"""The consumer's gate: check a release folder before anyone reads it.

:func:`verify_release` runs every check and names each failure; it never stops at the first, so one run
tells a consumer everything that is wrong. The checks, in order:

``manifest``          manifest.json exists and is a valid manifest of a format this deid reads
``folder name``       the folder is named after the release id (a staging folder never is)
``signature``         manifest.sig is a valid Ed25519 signature of manifest.json's exact bytes
``file hashes``       every listed file exists, is a regular file and has the listed sha256
``unlisted files``    nothing else is in the folder (no extra data, no symbolic links)
``audit chain``       audit.jsonl's hash chain is intact, with the manifest's length and head
``parquet metadata``  each part's footer names this release and the policy hash, with the listed rows
``verdict``           the release gate approved the release
``allowed use``       (when a purpose is given) the purpose is allowed and the expiry date not past
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow.parquet as pq
from pydantic import Field, PrivateAttr, ValidationError

from deid.errors import VerificationError
from deid.policy.loader import format_validation_error
from deid.release.audit import check_chain
from deid.release.manifest import AUDIT_FILE, MANIFEST_FILE, SIGNATURE_FILE, Manifest, ReleaseModel
from deid.release.signing import PublicKeyLike, resolve_public_key, signature_valid
from deid.release.writer import META_POLICY_SHA256, META_RELEASE_ID, sha256_file

CHECKS = ("manifest", "folder name", "signature", "file hashes", "unlisted files", "audit chain", "parquet metadata",
          "verdict")
ALLOWED_USE = "allowed use"


class CheckResult(ReleaseModel):
    """The outcome of one named check."""

    name: str = Field(description="Name of the check (see the module docstring).")
    passed: bool = Field(description="Whether the check held.")
    failures: list[str] = Field(description="One line per problem found; empty when passed.")


class VerificationResult(ReleaseModel):
    """Every check run on one release folder."""

    path: str = Field(description="The release folder checked.")
    release_id: str | None = Field(description="The release id, when the manifest could be read.")
    checks: list[CheckResult] = Field(description="Each check with its outcome, in order.")
    warnings: list[str] = Field(description="Things a consumer should know that do not fail the release.")

    _manifest: Manifest | None = PrivateAttr(default=None)

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return all(c.passed for c in self.checks)

    @property
    def failures(self) -> list[str]:
        """Every failure line of every check."""
        return [line for c in self.checks for line in c.failures]

    @property
    def manifest(self) -> Manifest | None:
        """The parsed manifest, when it could be read (trust it only when :attr:`ok`)."""
        return self._manifest

    def raise_if_failed(self) -> None:
        """Raise :class:`VerificationError` naming every failed check, unless all passed."""
        if not self.ok:
            failed = [c.name for c in self.checks if not c.passed]
            raise VerificationError(f"{self.path}: release failed verification ({', '.join(failed)})",
                                    self.failures)


def verify_release(
    path: str | Path,
    public_key: PublicKeyLike | None,
    *,
    purpose: str | None = None,
    today: date | None = None,
) -> VerificationResult:
    """Run every check on the release folder at ``path``; with ``purpose``, check the allowed use too.

    ``public_key`` is an Ed25519 public key or a PEM file (None: ``DEID_PUBLIC_KEY_FILE``). Raises only
    for a missing or unreadable key (:class:`~deid.errors.KeyMaterialError`); every problem of the release
    itself is reported in the result.
    """
    key = resolve_public_key(public_key)
    folder = Path(path)
    found: dict[str, list[str]] = {name: [] for name in CHECKS}
    manifest_bytes = _read(folder / MANIFEST_FILE)
    manifest: Manifest | None = None
    if not folder.is_dir():
        found["manifest"].append(f"manifest: {folder} is not a folder")
    elif manifest_bytes is None:
        found["manifest"].append(f"manifest: {MANIFEST_FILE} is missing or unreadable")
    else:
        try:
            manifest = Manifest.model_validate_json(manifest_bytes)
        except ValidationError as exc:
            found["manifest"] += [f"manifest: {line}" for line in format_validation_error(exc, MANIFEST_FILE)]

    signature = _read(folder / SIGNATURE_FILE)
    if signature is None:
        found["signature"].append(f"signature: {SIGNATURE_FILE} is missing (an unsigned or rejected release)")
    elif manifest_bytes is None or not signature_valid(manifest_bytes, signature, key):
        found["signature"].append(
            f"signature: {SIGNATURE_FILE} does not verify with the given public key (the manifest was "
            "changed, or the release was signed with another key)"
        )

    warnings: list[str] = []
    if manifest is None:
        unchecked = [c for c in CHECKS if c not in {"manifest", "signature"}]
        for name in unchecked + ([ALLOWED_USE] if purpose is not None else []):
            found[name] = [f"{name}: not checked, the manifest could not be read"]
    else:
        if folder.resolve().name != manifest.release_id:
            found["folder name"].append(
                f"folder name: the folder is named {folder.resolve().name}, but holds release "
                f"{manifest.release_id} (a staging folder, or a renamed copy: keep the release id as its name)"
            )
        found["file hashes"] = _check_hashes(folder, manifest)
        found["unlisted files"] = _check_unlisted(folder, manifest)
        found["audit chain"] = _check_audit(folder, manifest)
        found["parquet metadata"] = _check_parquet(folder, manifest)
        if manifest.verdict.decision != "approved":
            found["verdict"].append(
                f"verdict: the release gate rejected this release ({'; '.join(manifest.verdict.reasons)})"
            )
        if manifest.demo_keys:
            warnings.append("made with throw-away demo keys: not for production use")
        if purpose is not None:
            today = today if today is not None else datetime.now(UTC).date()
            found[ALLOWED_USE] = manifest.allowed_use.check(purpose, today)

    checks = [CheckResult(name=n, passed=not lines, failures=lines) for n, lines in found.items()]
    result = VerificationResult(
        path=str(folder), release_id=manifest.release_id if manifest else None, checks=checks, warnings=warnings
    )
    result._manifest = manifest
    return result


def _read(path: Path) -> bytes | None:
    try:
        if path.is_symlink() or not path.is_file():
            return None
        return path.read_bytes()
    except OSError:
        return None


def _check_hashes(folder: Path, manifest: Manifest) -> list[str]:
    failures = []
    for relative, expected in manifest.listed_files().items():
        file = folder / relative
        if file.is_symlink() or not file.is_file():
            failures.append(f"file hashes: {relative} is missing")
        elif sha256_file(file) != expected:
            failures.append(f"file hashes: {relative} does not match its sha256 in the manifest (changed)")
    return failures


def _check_unlisted(folder: Path, manifest: Manifest) -> list[str]:
    allowed = set(manifest.listed_files()) | {MANIFEST_FILE, SIGNATURE_FILE}
    failures = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        base = Path(root)
        for name in sorted(dirs):
            if (base / name).is_symlink():
                failures.append(f"unlisted files: {(base / name).relative_to(folder).as_posix()} is a "
                                "symbolic link")
        for name in sorted(files):
            relative = (base / name).relative_to(folder).as_posix()
            if (base / name).is_symlink():
                failures.append(f"unlisted files: {relative} is a symbolic link")
            elif relative not in allowed:
                failures.append(f"unlisted files: {relative} is not listed in the manifest")
    return failures


def _check_audit(folder: Path, manifest: Manifest) -> list[str]:
    data = _read(folder / AUDIT_FILE)
    if data is None:
        return [f"audit chain: {AUDIT_FILE} is missing"]
    failures, entries, last = check_chain(data)
    if entries != manifest.audit.entries:
        failures.append(f"audit chain: {entries} lines, the manifest says {manifest.audit.entries}")
    if last != manifest.audit.last_hash:
        failures.append("audit chain: the last line is not the one the manifest names")
    return failures


def _check_parquet(folder: Path, manifest: Manifest) -> list[str]:
    failures = []
    for table, output in manifest.outputs.items():
        for part in output.files:
            file = folder / part.path
            if not file.is_file():
                continue  # reported by the hash check
            try:
                meta = pq.read_metadata(file)
            except (OSError, ValueError):
                failures.append(f"parquet metadata: {part.path} is not a readable Parquet file")
                continue
            kv = meta.metadata or {}
            if kv.get(META_RELEASE_ID) != manifest.release_id.encode():
                failures.append(f"parquet metadata: {part.path} does not name release {manifest.release_id}")
            if kv.get(META_POLICY_SHA256) != manifest.policy.sha256.encode():
                failures.append(f"parquet metadata: {part.path} names another policy hash")
            if meta.num_rows != part.rows:
                failures.append(f"parquet metadata: {part.path} has {meta.num_rows} rows, the manifest says "
                                f"{part.rows} (table {table})")
    return failures
