"""Structured records: the policy's column rules as Polars expressions over lazy frames.

Owns reading and writing tables (:mod:`deid.tabular.io`), the registry of column actions
(:mod:`deid.tabular.actions`), validation of values before anything runs (:mod:`deid.tabular.validate`) and
applying a policy table to a lazy frame or an Arrow batch (:mod:`deid.tabular.apply`). To add a column action,
add its model to :mod:`deid.policy.models` and decorate one builder function with
:func:`deid.tabular.actions.action`.
"""

from deid.tabular.actions import ACTIONS, ScrubTexts, action
from deid.tabular.apply import ColumnTransform, TransformResult, transform_batch, transform_table
from deid.tabular.io import read_table, scan_table, write_table

__all__ = [
    "ACTIONS",
    "ColumnTransform",
    "ScrubTexts",
    "TransformResult",
    "action",
    "read_table",
    "scan_table",
    "transform_batch",
    "transform_table",
    "write_table",
]
