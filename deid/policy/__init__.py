"""Policies: which action every identifier gets, and which thresholds a release meets.

Owns the policy file format (:mod:`deid.policy.models`) and its loading (:mod:`deid.policy.loader`).
To add a column action: add a model to ``models.py``, list it in ``ColumnRule`` and ``_ALLOWED_FOR_ROLE``,
then implement it in :mod:`deid.tabular`.
"""

from deid.policy.loader import load_policy, policy_from_document, policy_json_schema
from deid.policy.models import (
    POLICY_SCHEMA_VERSION,
    ColumnRule,
    GeneralizeColumn,
    Policy,
    Profile,
    RiskPolicy,
    Role,
    TableSpec,
    TextAction,
    TextPolicy,
    TextRule,
    tag_for,
)

__all__ = [
    "POLICY_SCHEMA_VERSION",
    "ColumnRule",
    "GeneralizeColumn",
    "Policy",
    "Profile",
    "RiskPolicy",
    "Role",
    "TableSpec",
    "TextAction",
    "TextPolicy",
    "TextRule",
    "load_policy",
    "policy_from_document",
    "policy_json_schema",
    "tag_for",
]
