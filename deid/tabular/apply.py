"""Apply a policy table's column rules to data: lazily for whole tables, per Arrow batch for engines.

:func:`transform_table` checks the columns against the policy (a column the policy does not name is an
error, and so is a policy column missing from the data), validates the values in one streaming pass, and
returns the lazy frame of the release together with a :class:`TransformResult` recording, per column, the
rule that fired and the policy's reason, for the audit. :func:`transform_batch` does the same for one
``pyarrow.RecordBatch`` (the pipeline and a Spark ``mapInArrow`` call it batch by batch).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from deid.errors import ConfigError
from deid.keys import KeySet
from deid.policy.models import Policy
from deid.risk.units import check_columns
from deid.tabular.actions import ACTIONS, Context, ScrubTexts
from deid.tabular.validate import validate_table

TRANSFORM_SCHEMA_VERSION = 1


class ColumnTransform(BaseModel):
    """What happened to one column, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str = Field(description="Column name.")
    role: str = Field(description="The column's role in the policy.")
    action: str = Field(description="The policy action applied.")
    reason: str = Field(description="The policy's reason for the action.")
    detail: str = Field(description="What the action did, in words (no data values).")
    released: bool = Field(description="Whether the column is in the release (false when dropped).")


class TransformResult(BaseModel):
    """The record of one table's column transforms."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = Field(description="Version of this record's format.")
    table: str = Field(description="Policy table.")
    rows: int | None = Field(description="Rows validated (null when validation was skipped).")
    columns: list[ColumnTransform] = Field(description="One entry per column, in policy order.")


def _key_bytes(keys: KeySet | bytes | None) -> bytes | None:
    return keys.pseudonym_key if isinstance(keys, KeySet) else keys


def transform_table(
    frame: pl.LazyFrame | pl.DataFrame,
    policy: Policy,
    table: str,
    *,
    keys: KeySet | bytes | None = None,
    scrub_texts: ScrubTexts | None = None,
    levels: Mapping[str, int] | None = None,
    validate: bool = True,
    row_offset: int = 0,
) -> tuple[pl.LazyFrame, TransformResult]:
    """The release of ``frame`` as policy table ``table``, lazily, and the record of what was done.

    ``keys`` (or the raw pseudonym key) is needed by pseudonym and date_shift columns; ``scrub_texts`` by
    scrub columns; ``levels`` gives the level of each ``generalize`` column whose policy level is ``search``
    (as chosen by :func:`deid.risk.anonymizer.anonymize`; level 0 otherwise).
    """
    if table not in policy.tables:
        raise ConfigError(
            f"table {table} is not in the policy (it has: {', '.join(policy.tables) or 'none'})"
        )
    spec = policy.tables[table]
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    check_columns(schema.names(), spec, table)
    rows = (
        validate_table(lazy, spec, policy, table, levels=levels, row_offset=row_offset) if validate else None
    )
    ctx = Context(
        table=table,
        policy=policy,
        schema=dict(schema),
        key=_key_bytes(keys),
        person_key=spec.person_key,
        scrub_texts=scrub_texts,
        levels=dict(levels or {}),
    )
    expressions: list[pl.Expr] = []
    records: list[ColumnTransform] = []
    for name in schema.names():
        rule = spec.columns[name]
        expr, detail = ACTIONS[rule.action](name, rule, ctx)
        if expr is not None:
            expressions.append(expr)
        records.append(
            ColumnTransform(
                column=name,
                role=rule.role.value,
                action=rule.action,
                reason=rule.reason,
                detail=detail,
                released=expr is not None,
            )
        )
    result = TransformResult(schema_version=TRANSFORM_SCHEMA_VERSION, table=table, rows=rows, columns=records)
    return lazy.select(expressions), result


def transform_batch(
    batch: pa.RecordBatch,
    policy: Policy,
    table: str,
    *,
    keys: KeySet | bytes | None = None,
    scrub_texts: ScrubTexts | None = None,
    levels: Mapping[str, int] | None = None,
    row_offset: int = 0,
) -> pa.RecordBatch:
    """One Arrow batch through the same transforms; ``row_offset`` numbers rows in errors across batches."""
    frame = pl.from_arrow(batch)
    assert isinstance(frame, pl.DataFrame)
    lazy, _ = transform_table(
        frame, policy, table, keys=keys, scrub_texts=scrub_texts, levels=levels, row_offset=row_offset
    )
    out = lazy.collect().to_arrow()
    batches = out.combine_chunks().to_batches()
    if not batches:
        return pa.RecordBatch.from_pylist([], schema=out.schema)
    return batches[0]
