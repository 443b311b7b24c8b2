"""Keyed pseudonyms and per-person date offsets, shared by the note scrubber and the column transforms.

Both derive from HMAC-SHA256 under the run's secret key, with a domain-separating label so that a pseudonym
can never equal a date offset's input. The same key and input always give the same output, in every table,
note and run; without the key nothing can be recomputed or reversed.
"""

from __future__ import annotations

import hashlib
import hmac

PSEUDONYM_LABEL = b"deid.pseudonym.v1"
DATE_SHIFT_LABEL = b"deid.date-shift.v1"
SURROGATE_LABEL = b"deid.surrogate.v1"

#: Offsets are drawn from [-MAX_SHIFT_DAYS, -MIN_SHIFT_DAYS] U [MIN_SHIFT_DAYS, MAX_SHIFT_DAYS].
MIN_SHIFT_DAYS = 1
MAX_SHIFT_DAYS = 365


def _mac(key: bytes, label: bytes, *parts: str) -> bytes:
    message = label + b"\x00" + b"\x1f".join(p.encode("utf-8") for p in parts)
    return hmac.new(key, message, hashlib.sha256).digest()


def pseudonym(key: bytes, value: str, prefix: str = "", length: int = 16) -> str:
    """A keyed pseudonym for ``value``: ``prefix`` plus ``length`` hex digits of HMAC-SHA256.

    16 hex digits (64 bits) make a collision among a billion values about 1 in 37,000; raise ``length``
    for larger populations.
    """
    return prefix + _mac(key, PSEUDONYM_LABEL, value).hex()[:length]


def date_shift_days(key: bytes, person: str) -> int:
    """The person's date offset in days: never 0, at most a year either way, fixed for a key."""
    raw = int.from_bytes(_mac(key, DATE_SHIFT_LABEL, person)[:8], "big")
    span = MAX_SHIFT_DAYS - MIN_SHIFT_DAYS + 1
    magnitude = MIN_SHIFT_DAYS + raw % span
    return magnitude if (raw >> 32) & 1 else -magnitude


def surrogate_seed(key: bytes, person: str, category: str, value: str) -> int:
    """A seed for drawing the surrogate of ``value``: the same person, category and value give the same one."""
    return int.from_bytes(_mac(key, SURROGATE_LABEL, person, category, value)[:8], "big")
