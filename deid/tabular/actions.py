"""One Polars expression per column action of the policy, registered by name.

Each action is a function decorated with :func:`action`; it returns the expression that releases the column
(or ``None`` to drop it) and a one-line description of what it does, which goes into the audit next to the
policy's reason. Adding an action: add its model to :mod:`deid.policy.models`, then write one function here.

Expressions are element-wise so that a lazy frame streams. Keyed actions compute once per distinct value in
a batch, not once per row: pseudonyms per distinct value (:func:`deid.pseudonym.pseudonym`), date offsets
per distinct person (:func:`deid.pseudonym.date_shift_days`), so the note scrubber and the tables shift a
person's dates by the same number of days.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import polars as pl

from deid.categories import RESTRICTED_ZIP3
from deid.errors import ConfigError, KeyMaterialError
from deid.policy.models import (
    AgeColumn,
    ColumnRule,
    GeneralizeColumn,
    Policy,
    PseudonymColumn,
    TopBottomCodeColumn,
)
from deid.pseudonym import date_shift_days, pseudonym
from deid.risk.hierarchy import SUPPRESSED, load_csv_hierarchy

#: The note scrubber's batch entry point: texts and their person ids in, scrubbed texts out (same order).
ScrubTexts = Callable[[list[str | None], list[str | None]], list[str | None]]

ISO_DATE = "%Y-%m-%d"


@dataclass(frozen=True)
class Context:
    """What an action may need besides its rule."""

    table: str
    policy: Policy
    schema: Mapping[str, pl.DataType]
    key: bytes | None = field(default=None, repr=False)
    person_key: str | None = None
    scrub_texts: ScrubTexts | None = None
    levels: Mapping[str, int] = field(default_factory=dict)

    def require_key(self, column: str, what: str) -> bytes:
        """The pseudonymization key, or a clear error naming the column that needs it."""
        if self.key is None:
            raise KeyMaterialError(
                f"table {self.table}: column {column} needs the pseudonymization key for {what}; pass keys "
                "(deid keys generate DIR, then DEID_KEY_DIR or --key-dir)"
            )
        return self.key

    def require_person(self, column: str) -> str:
        """The person-key column, or a clear error."""
        if self.person_key is None or self.person_key not in self.schema:
            raise ConfigError(
                f"table {self.table}: column {column} is date-shifted per person but the table has no person_key "
                "column; set person_key or use year_only"
            )
        return self.person_key


Built = tuple[pl.Expr | None, str]
Builder = Callable[[str, ColumnRule, Context], Built]
ACTIONS: dict[str, Builder] = {}


def action(name: str) -> Callable[[Builder], Builder]:
    """Register the builder of column action ``name`` (the policy's ``action`` value)."""

    def register(builder: Builder) -> Builder:
        if name in ACTIONS:
            raise RuntimeError(f"column action {name} registered twice")
        ACTIONS[name] = builder
        return builder

    return register


def text(name: str, dtype: pl.DataType) -> pl.Expr:
    """The column as text (integral floats without ``.0``)."""
    from deid.risk.units import as_text

    return as_text(name, dtype)


def number(name: str, dtype: pl.DataType) -> pl.Expr:
    """The column as a float (text parsed; unparseable values become null and are caught by validation)."""
    column = pl.col(name)
    if dtype == pl.String:
        return column.str.strip_chars().cast(pl.Float64, strict=False)
    return column.cast(pl.Float64, strict=False)


def date_part(name: str, dtype: pl.DataType) -> pl.Expr:
    """The column's date: Date and Datetime as they are, ISO 8601 text (``YYYY-MM-DD...``) parsed."""
    column = pl.col(name)
    if dtype == pl.Date:
        return column
    if isinstance(dtype, pl.Datetime):
        return column.dt.date()
    return column.cast(pl.String).str.slice(0, 10).str.to_date(ISO_DATE, strict=False)


def all_suppressed(name: str) -> pl.Expr:
    """Every value of the column (nulls too) released as ``*``, keeping the column's length."""
    return pl.when(pl.col(name).is_null()).then(pl.lit(SUPPRESSED)).otherwise(pl.lit(SUPPRESSED)).alias(name)


def _format_bound(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# ------------------------------------------------------------------------------------------ actions


@action("drop")
def _drop(name: str, rule: ColumnRule, ctx: Context) -> Built:
    return None, "removed from the release"


@action("keep")
def _keep(name: str, rule: ColumnRule, ctx: Context) -> Built:
    return pl.col(name), "released unchanged"


@action("suppress")
def _suppress(name: str, rule: ColumnRule, ctx: Context) -> Built:
    return all_suppressed(name), f"every value released as '{SUPPRESSED}'"


@action("pseudonym")
def _pseudonym(name: str, rule: ColumnRule, ctx: Context) -> Built:
    assert isinstance(rule, PseudonymColumn)
    key = ctx.require_key(name, "pseudonyms")
    prefix = rule.prefix

    def tokens(series: pl.Series) -> pl.Series:
        distinct = series.drop_nulls().unique()
        mapping = {value: pseudonym(key, value, prefix) for value in distinct.to_list()}
        return series.replace_strict(mapping, default=None, return_dtype=pl.String)

    expr = text(name, ctx.schema[name]).map_batches(tokens, return_dtype=pl.String, is_elementwise=True)
    return expr.alias(name), f"keyed HMAC-SHA256 pseudonym with prefix '{prefix}'"


def person_offsets(person: pl.Expr, key: bytes) -> pl.Expr:
    """Each row's date offset in days, computed once per distinct person."""

    def offsets(series: pl.Series) -> pl.Series:
        distinct = series.drop_nulls().unique()
        mapping = {p: date_shift_days(key, p) for p in distinct.to_list()}
        return series.replace_strict(mapping, default=None, return_dtype=pl.Int32)

    return person.map_batches(offsets, return_dtype=pl.Int32, is_elementwise=True)


@action("date_shift")
def _date_shift(name: str, rule: ColumnRule, ctx: Context) -> Built:
    key = ctx.require_key(name, "date offsets")
    person_col = ctx.require_person(name)
    dtype = ctx.schema[name]
    days = pl.duration(days=person_offsets(text(person_col, ctx.schema[person_col]), key))
    column = pl.col(name)
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        shifted = column + days
    else:
        raw = column.cast(pl.String)
        moved = (date_part(name, dtype) + days).dt.strftime(ISO_DATE)
        shifted = moved + raw.str.slice(10)
    return shifted.alias(name), "shifted by the person's keyed offset (1 to 365 days either way)"


@action("year_only")
def _year_only(name: str, rule: ColumnRule, ctx: Context) -> Built:
    return date_part(name, ctx.schema[name]).dt.year().alias(name), "reduced to the year"


@action("age")
def _age(name: str, rule: ColumnRule, ctx: Context) -> Built:
    assert isinstance(rule, AgeColumn)
    age = number(name, ctx.schema[name])
    top = pl.lit(f"{rule.top}+")
    if rule.band is None:
        below = age.floor().cast(pl.Int64).cast(pl.String)
        detail = f"exact ages below {rule.top}, '{rule.top}+' above"
    else:
        low = ((age / rule.band).floor() * rule.band).cast(pl.Int64)
        high = pl.min_horizontal(low + rule.band - 1, pl.lit(rule.top - 1))
        below = pl.concat_str([low.cast(pl.String), pl.lit("-"), high.cast(pl.String)])
        detail = f"{rule.band}-year bands, '{rule.top}+' at and above {rule.top}"
    expr = pl.when(age.is_null()).then(None).when(age >= rule.top).then(top).otherwise(below)
    return expr.alias(name), detail


def zip_text(name: str, dtype: pl.DataType) -> pl.Expr:
    """ZIP codes as text; integer ZIPs get their leading zeros back."""
    if dtype.is_integer():
        return pl.col(name).cast(pl.String).str.zfill(5)
    return text(name, dtype).str.strip_chars()


@action("zip3")
def _zip3(name: str, rule: ColumnRule, ctx: Context) -> Built:
    prefix = zip_text(name, ctx.schema[name]).str.slice(0, 3)
    restricted = pl.Series(sorted(RESTRICTED_ZIP3), dtype=pl.String)
    expr = pl.when(prefix.is_in(restricted)).then(pl.lit("000")).otherwise(prefix)
    return expr.alias(name), "first three digits; the 17 restricted prefixes released as 000"


@action("top_bottom_code")
def _top_bottom(name: str, rule: ColumnRule, ctx: Context) -> Built:
    assert isinstance(rule, TopBottomCodeColumn)
    value = number(name, ctx.schema[name])
    expr = pl.when(value.is_null()).then(None)
    parts = []
    if rule.bottom is not None:
        expr = expr.when(value < rule.bottom).then(pl.lit(f"<{_format_bound(rule.bottom)}"))
        parts.append(f"below {_format_bound(rule.bottom)} as '<{_format_bound(rule.bottom)}'")
    if rule.top is not None:
        expr = expr.when(value > rule.top).then(pl.lit(f">{_format_bound(rule.top)}"))
        parts.append(f"above {_format_bound(rule.top)} as '>{_format_bound(rule.top)}'")
    return expr.otherwise(text(name, ctx.schema[name])).alias(name), "values " + " and ".join(parts)


def generalize_level(name: str, rule: GeneralizeColumn, ctx: Context) -> int:
    """The level to release at: the rule's, or the one anonymization chose for a 'search' column."""
    if rule.level == "search":
        return ctx.levels.get(name, 0)
    return rule.level


@action("generalize")
def _generalize(name: str, rule: ColumnRule, ctx: Context) -> Built:
    assert isinstance(rule, GeneralizeColumn)
    level = generalize_level(name, rule, ctx)
    how = "chosen by anonymization" if rule.level == "search" else "fixed by the policy"
    value = text(name, ctx.schema[name])
    if level == 0:
        return value.alias(name), f"level 0 of its hierarchy (unchanged; level {how})"
    if rule.hierarchy is not None:
        hierarchy = load_csv_hierarchy(ctx.policy.resolve(rule.hierarchy), name)
        if level > hierarchy.top:
            raise ConfigError(
                f"table {ctx.table}: column {name}: level {level} is above the hierarchy's top {hierarchy.top}"
            )
        mapping = hierarchy.mapping(level)
        expr = value.replace_strict(list(mapping), list(mapping.values()), return_dtype=pl.String)
        return expr.alias(name), f"level {level} of {rule.hierarchy} ({how})"
    if rule.intervals is not None:
        if level > len(rule.intervals):
            return all_suppressed(name), f"top level '*' of the intervals ({how})"
        num = number(name, ctx.schema[name])
        expr = pl.when(num.is_null()).then(None)
        for band in rule.intervals[level - 1]:
            expr = expr.when((num >= band.low) & (num < band.high)).then(pl.lit(band.label))
        return expr.otherwise(None).alias(name), f"level {level} of the inline intervals ({how})"
    assert rule.prefixes is not None
    if level > len(rule.prefixes):
        return all_suppressed(name), f"top level '*' of the prefixes ({how})"
    keep = rule.prefixes[level - 1]
    stars = (value.str.len_chars().cast(pl.Int64) - keep).clip(lower_bound=0)
    padding = pl.lit(SUPPRESSED * 4096).str.slice(0, stars)
    expr = value.str.slice(0, keep) + padding
    return expr.alias(name), f"first {keep} characters kept, the rest '*' ({how})"


@action("scrub")
def _scrub(name: str, rule: ColumnRule, ctx: Context) -> Built:
    scrub = ctx.scrub_texts
    if scrub is None:
        raise ConfigError(
            f"table {ctx.table}: column {name} is a scrub column but no note scrubber was given; "
            "pass scrub_texts (the pipeline wires deid's note scrubber in)"
        )
    person = ctx.person_key if ctx.person_key in ctx.schema else None
    person_expr = text(person, ctx.schema[person]) if person else pl.lit(None, dtype=pl.String)
    fields = pl.struct(text(name, ctx.schema[name]).alias("t"), person_expr.alias("p"))

    def run(series: pl.Series) -> pl.Series:
        frame = series.struct.unnest()
        scrubbed = scrub(frame["t"].to_list(), frame["p"].to_list())
        if len(scrubbed) != len(frame):
            raise ConfigError(
                f"table {ctx.table}: column {name}: the scrubber returned a different number of texts"
            )
        return pl.Series(name, scrubbed, dtype=pl.String)

    return fields.map_batches(run, return_dtype=pl.String, is_elementwise=True).alias(name), (
        "free text scrubbed by the note scrubber with the policy's text rules"
    )
