"""Invariants of anonymization on generated tables: k holds or the person is suppressed, the limit holds,
the models hold, and the search finds the same optimum as evaluating every transformation."""

from __future__ import annotations

from itertools import product

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from policy_builders import col, generalize, inline_policy

from deid.errors import PrivacyThresholdError
from deid.risk import anonymize
from deid.risk.anonymizer import _fixed_qi_frame
from deid.risk.lattice import Evaluator, Requirements
from deid.risk.measures import class_entropy_l
from deid.risk.units import build_units

DECADES = [
    [{"low": d, "high": d + 10, "label": f"{d}s"} for d in range(0, 100, 10)],
    [{"low": 0, "high": 50, "label": "young"}, {"low": 50, "high": 100, "label": "old"}],
]
COLUMNS = {
    "code": generalize(prefixes=[2, 1]),
    "age": generalize(intervals=DECADES),
    "sex": col("quasi", "keep"),
    "dx": col("sensitive", "keep"),
}

tables = st.lists(
    st.tuples(
        st.from_regex(r"\A[1-3][0-9][0-9]\Z"),
        st.integers(0, 99),
        st.sampled_from(["F", "M"]),
        st.sampled_from(["flu", "gout", "asthma"]),
    ),
    min_size=4,
    max_size=80,
)
models = st.sampled_from(
    [
        [],
        [{"attribute": "dx", "variant": "distinct", "l": 2, "c": None}],
        [{"attribute": "dx", "variant": "entropy", "l": 1.5, "c": None}],
    ]
)


def _frame(rows: list[tuple[str, int, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "code": [r[0] for r in rows],
            "age": [str(r[1]) for r in rows],
            "sex": [r[2] for r in rows],
            "dx": [r[3] for r in rows],
        }
    )


@settings(max_examples=60, deadline=None)
@given(rows=tables, k=st.integers(2, 4), limit=st.sampled_from([0.0, 0.1, 0.3]), l_div=models)
def test_anonymization_invariants_and_optimality(rows, k, limit, l_div) -> None:  # type: ignore[no-untyped-def]
    policy = inline_policy(
        {"t": {"person_key": None, "columns": COLUMNS}}, k=k, suppression_limit=limit, l_diversity=l_div
    )
    frame = _frame(rows)
    req = Requirements.from_policy(policy.risk)
    units = build_units(
        _fixed_qi_frame(frame.lazy(), policy, "t", None), policy, "t", hierarchy_columns={"code", "age"}
    )
    evaluator = Evaluator(units, req)
    heights = [
        h.height if q in {"code", "age"} else 1 for q, h in zip(units.qis, units.hierarchies, strict=True)
    ]
    feasible = [
        e for e in (evaluator.evaluate(n) for n in product(*[range(h) for h in heights])) if e.feasible
    ]
    try:
        released, report = anonymize(frame, policy, "t")
    except PrivacyThresholdError:
        assert not feasible
        return
    assert feasible
    best = min(e.loss.loss for e in feasible if e.loss is not None)
    assert abs(report.loss - best) <= 1e-9  # optimal, not greedy

    qis = ["code", "age", "sex"]
    suppressed = released.filter(pl.col("sex") == "*")  # sex is kept, so '*' there means suppressed
    assert suppressed.height == report.suppressed <= limit * len(rows) + 1e-9
    assert all((suppressed[q] == "*").all() for q in qis)
    kept = released.filter(pl.col("sex") != "*")
    classes = kept.group_by(qis).agg(pl.len().alias("n"), pl.col("dx"))
    assert classes.height == report.classes
    assert (classes["n"] >= k).all()
    for model in l_div:
        counts = np.array(
            [[row.count(v) for v in ("flu", "gout", "asthma")] for row in classes["dx"].to_list()],
            dtype=float,
        )
        if model["variant"] == "distinct":
            assert ((counts > 0).sum(axis=1) >= model["l"]).all()
        else:
            assert (class_entropy_l(counts) >= model["l"] - 1e-9).all()


risk_models = st.sampled_from(
    [
        {"t_closeness": [{"attribute": "dx", "t": 0.4, "distance": "equal"}]},
        {"max_prosecutor_risk": 0.34},
        {"avg_prosecutor_risk": 0.2},
        {"l_diversity": [{"attribute": "dx", "variant": "recursive", "l": 2, "c": 3}]},
    ]
)


@settings(max_examples=40, deadline=None)
@given(rows=tables, limit=st.sampled_from([0.0, 0.2]), extra=risk_models)
def test_other_privacy_models_hold_after_anonymization(rows, limit, extra) -> None:  # type: ignore[no-untyped-def]
    policy = inline_policy(
        {"t": {"person_key": None, "columns": COLUMNS}}, k=2, suppression_limit=limit, **extra
    )
    try:
        released, report = anonymize(_frame(rows), policy, "t")
    except PrivacyThresholdError:
        return
    values = ("flu", "gout", "asthma")
    kept = released.filter(pl.col("sex") != "*")
    classes = kept.group_by(["code", "age", "sex"]).agg(pl.len().alias("n"), pl.col("dx"))
    counts = np.array([[row.count(v) for v in values] for row in classes["dx"].to_list()], dtype=float)
    if "t_closeness" in extra:
        overall = np.array([sum(r[3] == v for r in rows) for v in values], dtype=float)
        p = counts / counts.sum(axis=1, keepdims=True)
        assert (0.5 * np.abs(p - overall / overall.sum()).sum(axis=1) <= 0.4 + 1e-9).all()
    if "max_prosecutor_risk" in extra:
        assert (1 / classes["n"].to_numpy() <= 0.34).all()
    if "avg_prosecutor_risk" in extra:
        assert (classes.height + (1 if report.suppressed else 0)) / len(rows) <= 0.2 + 1e-9
    if "l_diversity" in extra:
        ordered = -np.sort(-counts, axis=1)
        assert (ordered[:, 0] < 3 * ordered[:, 1:].sum(axis=1)).all()
