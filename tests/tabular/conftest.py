"""Fixtures of the tabular tests."""

from __future__ import annotations

from tabular_helpers import make_policy

__all__ = ["make_policy"]
