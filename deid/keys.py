"""Secrets: the pseudonymization key and the Ed25519 release-signing key pair.

Keys are inputs. They come from files (``deid keys generate DIR`` writes them) or from the environment, are
never written into outputs or logs, and a production run refuses to start without them. Demo runs use
throw-away keys made in memory (:meth:`KeySet.demo`), and every artifact built with them says so.

Environment variables, each naming a file, or (``DEID_PSEUDONYM_KEY`` only) holding the key as hex:

- ``DEID_KEY_DIR``: a folder written by ``deid keys generate``
- ``DEID_PSEUDONYM_KEY`` / ``DEID_PSEUDONYM_KEY_FILE``: 32 or more random bytes, hex
- ``DEID_SIGNING_KEY_FILE``: Ed25519 private key, PEM (PKCS#8)
- ``DEID_PUBLIC_KEY_FILE``: Ed25519 public key, PEM, for ``deid verify``
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from deid.errors import KeyMaterialError

PSEUDONYM_KEY_FILE = "pseudonym.key"
SIGNING_KEY_FILE = "signing.key"
PUBLIC_KEY_FILE = "signing.pub"
MIN_SECRET_BYTES = 32


@dataclass(frozen=True)
class KeySet:
    """The secrets one run needs. ``repr`` never shows them."""

    pseudonym_key: bytes = field(repr=False)
    signing_key: Ed25519PrivateKey | None = field(repr=False, default=None)
    demo: bool = False

    @classmethod
    def demo_keys(cls) -> KeySet:
        """Fresh random keys for a demo run; nothing built with them is meant for production."""
        return cls(secrets.token_bytes(32), Ed25519PrivateKey.generate(), demo=True)

    @property
    def public_key(self) -> Ed25519PublicKey | None:
        """The public half of the signing key, if there is one."""
        return None if self.signing_key is None else self.signing_key.public_key()

    def require_signing_key(self) -> Ed25519PrivateKey:
        """The signing key, or a clear error when the run was given none."""
        if self.signing_key is None:
            raise KeyMaterialError(
                "no signing key: set DEID_SIGNING_KEY_FILE or DEID_KEY_DIR, or pass --key-dir "
                "(create keys with `deid keys generate DIR`)"
            )
        return self.signing_key


def generate_keys(directory: str | Path) -> dict[str, Path]:
    """Write a new pseudonymization secret and signing key pair into ``directory`` (private files 0600).

    Refuses to overwrite existing keys: replacing a key silently would break every pseudonym and date shift
    made with the old one.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {name: directory / name for name in (PSEUDONYM_KEY_FILE, SIGNING_KEY_FILE, PUBLIC_KEY_FILE)}
    existing = [p.name for p in paths.values() if p.exists()]
    if existing:
        raise KeyMaterialError(f"{directory}: {existing[0]} already exists; keys are never overwritten")
    private = Ed25519PrivateKey.generate()
    _write_private(paths[PSEUDONYM_KEY_FILE], (secrets.token_hex(32) + "\n").encode())
    _write_private(
        paths[SIGNING_KEY_FILE],
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )
    paths[PUBLIC_KEY_FILE].write_bytes(public_key_pem(private.public_key()))
    return paths


def public_key_pem(key: Ed25519PublicKey) -> bytes:
    """PEM (SubjectPublicKeyInfo) of a public key."""
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def load_keys(
    key_dir: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    *,
    need_signing: bool = True,
) -> KeySet:
    """Keys from ``key_dir``, else from the environment; :class:`KeyMaterialError` if any is missing."""
    env = os.environ if env is None else env
    directory = Path(key_dir) if key_dir is not None else (Path(env["DEID_KEY_DIR"]) if env.get("DEID_KEY_DIR") else None)
    if directory is not None:
        secret = _read_secret(directory / PSEUDONYM_KEY_FILE)
        signing = _read_private_key(directory / SIGNING_KEY_FILE) if need_signing else None
        return KeySet(secret, signing)
    if env.get("DEID_PSEUDONYM_KEY"):
        secret = _parse_secret(env["DEID_PSEUDONYM_KEY"], "DEID_PSEUDONYM_KEY")
    elif env.get("DEID_PSEUDONYM_KEY_FILE"):
        secret = _read_secret(Path(env["DEID_PSEUDONYM_KEY_FILE"]))
    else:
        raise KeyMaterialError(
            "no pseudonymization key: a production run needs one. Pass --key-dir, or set DEID_KEY_DIR, "
            "DEID_PSEUDONYM_KEY_FILE or DEID_PSEUDONYM_KEY (create keys with `deid keys generate DIR`)"
        )
    signing = None
    if need_signing:
        if not env.get("DEID_SIGNING_KEY_FILE"):
            raise KeyMaterialError(
                "no signing key: set DEID_SIGNING_KEY_FILE or DEID_KEY_DIR, or pass --key-dir"
            )
        signing = _read_private_key(Path(env["DEID_SIGNING_KEY_FILE"]))
    return KeySet(secret, signing)


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM file."""
    path = Path(path)
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except FileNotFoundError:
        raise KeyMaterialError(f"{path}: public key file not found") from None
    except ValueError:
        raise KeyMaterialError(f"{path}: not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyMaterialError(f"{path}: not an Ed25519 public key")
    return key


def _read_secret(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise KeyMaterialError(f"{path}: pseudonymization key file not found") from None
    except (OSError, UnicodeDecodeError):
        raise KeyMaterialError(f"{path}: cannot read the pseudonymization key (expected hex text)") from None
    return _parse_secret(text, str(path))


def _parse_secret(text: str, where: str) -> bytes:
    try:
        secret = bytes.fromhex(text.strip())
    except ValueError:
        raise KeyMaterialError(f"{where}: the pseudonymization key is not hex") from None
    if len(secret) < MIN_SECRET_BYTES:
        raise KeyMaterialError(f"{where}: the pseudonymization key needs at least {MIN_SECRET_BYTES} bytes")
    return secret


def _read_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise KeyMaterialError(f"{path}: signing key file not found") from None
    except (ValueError, TypeError):
        raise KeyMaterialError(f"{path}: not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyMaterialError(f"{path}: not an Ed25519 private key")
    return key
