"""Re-identification risk and anonymization of structured records, at the person level.

Owns generalization hierarchies (:mod:`~deid.risk.hierarchy`), person-level units (:mod:`~deid.risk.units`),
the risk measures (:mod:`~deid.risk.measures`, :mod:`~deid.risk.population`), information loss
(:mod:`~deid.risk.loss`), the optimal lattice search (:mod:`~deid.risk.lattice`) and the two entry points:
:func:`assess_risk` (``deid risk``) and :func:`anonymize` (``deid anonymize``). Figures follow ARX 3.9; each
definition is cited next to its code. See docs/risk.md.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from deid.risk.report import AnonymizationReport, RiskReport

__all__ = ["AnonymizationReport", "RiskReport", "anonymize", "anonymize_file", "assess_file", "assess_risk"]

# The entry points use deid.tabular, which uses deid.risk.hierarchy: import them on first use.
_LAZY = {
    "anonymize": "deid.risk.anonymizer",
    "anonymize_file": "deid.risk.anonymizer",
    "assess_file": "deid.risk.assess",
    "assess_risk": "deid.risk.assess",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module deid.risk has no attribute {name}")
