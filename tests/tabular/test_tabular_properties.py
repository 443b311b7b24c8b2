"""Invariants of the column transforms, checked on generated data."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from policy_builders import col, inline_policy

from deid.categories import RESTRICTED_ZIP3
from deid.tabular import transform_table

KEY_A = b"a" * 32
KEY_B = b"b" * 32
COLUMNS = {
    "id": col("direct", "pseudonym", prefix="P-"),
    "zip": col("quasi", "zip3"),
    "age": col("quasi", "age", band=5, top=90),
}

zips = st.one_of(
    st.sampled_from(sorted(RESTRICTED_ZIP3)).flatmap(lambda p: st.from_regex(rf"\A{p}[0-9]{{2}}\Z")),
    st.from_regex(r"\A[0-9]{5}\Z"),
)
POLICY = inline_policy({"t": {"person_key": None, "columns": COLUMNS}})
rows = st.lists(
    st.tuples(st.text(min_size=1, max_size=12), zips, st.integers(0, 120)), min_size=1, max_size=60
)


def _run(policy, data, key):  # type: ignore[no-untyped-def]
    frame = pl.DataFrame(
        {"id": [r[0] for r in data], "zip": [r[1] for r in data], "age": [r[2] for r in data]}
    )
    return transform_table(frame, policy, "t", keys=key)[0].collect()


@settings(max_examples=40, deadline=None)
@given(data=rows)
def test_transforms_are_deterministic_for_a_key_and_change_with_it(data) -> None:  # type: ignore[no-untyped-def]
    policy = POLICY
    first, second, other = _run(policy, data, KEY_A), _run(policy, data, KEY_A), _run(policy, data, KEY_B)
    assert first.equals(second)
    assert first["id"].to_list() != other["id"].to_list()
    assert first["zip"].equals(other["zip"])


@settings(max_examples=40, deadline=None)
@given(data=rows)
def test_a_restricted_zip_prefix_never_survives(data) -> None:  # type: ignore[no-untyped-def]
    policy = POLICY
    out = _run(policy, data, KEY_A)["zip"].to_list()
    assert not set(out) & RESTRICTED_ZIP3
    assert all(len(z) == 3 for z in out)
    assert all(z == "000" for z, (_, raw, _) in zip(out, data, strict=True) if raw[:3] in RESTRICTED_ZIP3)


@settings(max_examples=40, deadline=None)
@given(data=rows)
def test_ages_at_or_over_top_are_top_coded(data) -> None:  # type: ignore[no-untyped-def]
    policy = POLICY
    out = _run(policy, data, KEY_A)["age"].to_list()
    for coded, (_, _, age) in zip(out, data, strict=True):
        assert (coded == "90+") == (age >= 90)


def test_pseudonyms_never_collide_on_the_test_data(make_policy, shared) -> None:  # type: ignore[no-untyped-def]
    adult = pl.read_csv(shared / "data" / "adult" / "adult.csv", separator=";", infer_schema=False)
    ids = [f"{i}|{'|'.join(row)}" for i, row in enumerate(adult.iter_rows())]
    policy = make_policy({"t": {"person_key": None, "columns": {"id": COLUMNS["id"]}}})
    out = transform_table(pl.DataFrame({"id": ids}), policy, "t", keys=KEY_A)[0].collect()["id"]
    assert out.n_unique() == len(ids) == adult.height
