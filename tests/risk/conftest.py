"""Fixtures of the risk tests."""

from __future__ import annotations

from risk_helpers import make_policy

__all__ = ["make_policy"]
