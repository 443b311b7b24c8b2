"""deid: de-identification and privacy governance for clinical notes and records."""

from deid._offline import ensure_offline as _ensure_offline

_ensure_offline()

__version__ = "0.1.0"
__all__ = ["__version__"]
