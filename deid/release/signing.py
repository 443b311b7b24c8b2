"""Ed25519 signatures over the exact bytes of ``manifest.json``.

``manifest.sig`` holds the raw 64-byte signature, so anyone can check a release without deid:
``openssl pkeyutl -verify -pubin -inkey signing.pub -rawin -in manifest.json -sigfile manifest.sig``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from deid.errors import KeyMaterialError
from deid.keys import PUBLIC_KEY_FILE, load_public_key

SIGNATURE_BYTES = 64

PublicKeyLike = Ed25519PublicKey | str | Path


def sign(data: bytes, key: Ed25519PrivateKey) -> bytes:
    """The Ed25519 signature of ``data``."""
    return key.sign(data)


def signature_valid(data: bytes, signature: bytes, key: Ed25519PublicKey) -> bool:
    """Whether ``signature`` is a valid Ed25519 signature of ``data`` under ``key``."""
    if len(signature) != SIGNATURE_BYTES:
        return False
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def resolve_public_key(key: PublicKeyLike | None, env: Mapping[str, str] | None = None) -> Ed25519PublicKey:
    """The consumer's public key: as given (key or PEM path), else ``DEID_PUBLIC_KEY_FILE``, else
    ``DEID_KEY_DIR/signing.pub``; :class:`KeyMaterialError` when there is none."""
    if isinstance(key, Ed25519PublicKey):
        return key
    if key is not None:
        return load_public_key(key)
    env = os.environ if env is None else env
    if env.get("DEID_PUBLIC_KEY_FILE"):
        return load_public_key(env["DEID_PUBLIC_KEY_FILE"])
    if env.get("DEID_KEY_DIR"):
        return load_public_key(Path(env["DEID_KEY_DIR"]) / PUBLIC_KEY_FILE)
    raise KeyMaterialError(
        "no public key to verify with: pass --public-key FILE (the signing.pub of the data steward), "
        "or set DEID_PUBLIC_KEY_FILE"
    )
