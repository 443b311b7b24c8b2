"""Fixtures of the risk tests."""

from __future__ import annotations

from policy_builders import make_policy

__all__ = ["make_policy"]
