"""deid: de-identification and privacy governance for clinical notes and records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from deid._offline import ensure_offline as _ensure_offline

_ensure_offline()

if TYPE_CHECKING:
    from deid.release.consumer import open_release

__version__ = "0.1.0"
__all__ = ["__version__", "open_release"]


def __getattr__(name: str) -> Any:
    """``deid.open_release`` is imported on first use, so that ``import deid`` stays light."""
    if name == "open_release":
        from deid.release.consumer import open_release

        return open_release
    raise AttributeError(f"module deid has no attribute {name}")
