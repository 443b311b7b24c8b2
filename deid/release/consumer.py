"""Open a release for use: the training stack's one entry point (re-exported as ``deid.open_release``).

A dataset is returned only after every check of :func:`~deid.release.verify.verify_release` passed and
the caller's purpose is allowed on the day; otherwise :class:`~deid.errors.VerificationError` names every
failed check. The dataset reads exactly the Parquet parts the signed manifest lists.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from deid.errors import InputError
from deid.release.manifest import Manifest
from deid.release.signing import PublicKeyLike
from deid.release.verify import verify_release

if TYPE_CHECKING:  # pyarrow.dataset (and pandas through it) only when a release is opened: `deid verify` starts lean
    import pyarrow.dataset as ds


def open_release(
    path: str | Path,
    public_key: PublicKeyLike,
    purpose: str,
    today: date | None = None,
    *,
    table: str | None = None,
) -> ds.Dataset:
    """A :class:`pyarrow.dataset.Dataset` of one table of a verified release.

    ``public_key`` is the data steward's Ed25519 public key or its PEM file; ``purpose`` must be one the
    release allows, and ``today`` (default: the current UTC date) not past its expiry. ``table`` may be
    omitted when the release holds a single table. Raises :class:`~deid.errors.VerificationError` when a
    check fails and :class:`~deid.errors.InputError` for an unknown or missing ``table``.
    """
    manifest = _verified(path, public_key, purpose, today)
    names = sorted(manifest.outputs)
    if table is None:
        if len(names) != 1:
            raise InputError(f"{path}: the release holds tables {', '.join(names)}; pass table=NAME "
                             "(or use open_release_tables)")
        table = names[0]
    if table not in manifest.outputs:
        raise InputError(f"{path}: no table {table} in the release (its tables: {', '.join(names)})")
    return _dataset(Path(path), manifest, table)


def open_release_tables(
    path: str | Path,
    public_key: PublicKeyLike,
    purpose: str,
    today: date | None = None,
) -> dict[str, ds.Dataset]:
    """Every table of a verified release, by name, after the same checks as :func:`open_release`."""
    manifest = _verified(path, public_key, purpose, today)
    return {name: _dataset(Path(path), manifest, name) for name in sorted(manifest.outputs)}


def _verified(path: str | Path, public_key: PublicKeyLike, purpose: str, today: date | None) -> Manifest:
    result = verify_release(path, public_key, purpose=purpose, today=today)
    result.raise_if_failed()
    assert result.manifest is not None
    return result.manifest


def _dataset(folder: Path, manifest: Manifest, table: str) -> ds.Dataset:
    import pyarrow.dataset as ds

    files = [str(folder / part.path) for part in manifest.outputs[table].files]
    return ds.dataset(files, format="parquet")
