"""Helpers of the report tests: a tiny release without PHI, built with the library's own steps.

``make_fixture.py`` froze one such release under ``fixtures/releases/`` for the golden tests; the other
tests build fresh ones in a temporary folder.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import strategies as st

from deid.categories import Category
from deid.policy import load_policy
from deid.policy.models import GeneralizeColumn, Interval, KeepColumn, Policy, RiskPolicy, Role, TableSpec
from deid.release import (
    AllowedUse,
    CanaryResult,
    Exclusions,
    InputRecord,
    PipelineRef,
    PolicyRef,
    ReleaseWriter,
    ValidationRecord,
)
from deid.report import class_size_histogram, risk_figures
from deid.report.figures import (
    Anonymization,
    Driver,
    DriverFigures,
    LDiversityFigures,
    PopulationFigures,
    RiskCheck,
    RiskSummary,
    TableRisk,
    TClosenessFigures,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
RUN_ID = "0123456789abcdef0123456789abcdef"

AGES = [31, 34, 38, 33, 36, 39, 52, 55, 58, 51, 54, 57, 71, 74, 77, 73, 75, 79, 93]
SEXES = ["F", "F", "F", "M", "M", "M"] * 3 + ["F"]
WARDS = ["ICU", "4 West", "ICU", "5 East", "5 East", "4 West", "ICU", "ICU", "4 West", "5 East", "ICU",
         "4 West", "4 West", "ICU", "5 East", "5 East", "ICU", "4 West", "ICU"]


def tiny_policy() -> Policy:
    """Safe Harbor's text rules with one table: age (searched bands) and sex as QIs, ward sensitive."""
    base = load_policy(ROOT / "policies" / "safe-harbor.yaml")
    bands = [[Interval(low=lo, high=lo + w, label=f"{lo}-{lo + w - 1}") for lo in range(0, 120, w)] for w in (10, 40)]
    columns = {
        "age": GeneralizeColumn(role=Role.QUASI, action="generalize", hierarchy=None, intervals=bands,
                                prefixes=None, level="search", reason="age bands chosen by the search"),
        "sex": KeepColumn(role=Role.QUASI, action="keep", reason="sex is measured by the risk assessment"),
        "ward": KeepColumn(role=Role.SENSITIVE, action="keep", reason="the ward says what the stay was for"),
    }
    risk = RiskPolicy(k=3, max_prosecutor_risk=0.34, avg_prosecutor_risk=None, suppression_limit=0.2,
                      l_diversity=[], t_closeness=[], population=None, anonymize=True)
    return base.model_copy(update={"name": "tiny", "tables": {"visits": TableSpec(person_key=None, columns=columns)},
                                   "risk": risk})


def tiny_frame() -> pl.DataFrame:
    """19 people, one of them much older: ages, sexes and wards only (no identifier of any kind)."""
    return pl.DataFrame({"age": AGES, "sex": SEXES, "ward": WARDS})


def build_tiny_release(output: Path, key: Ed25519PrivateKey, *, verdict: str = "approved",
                       attach: bool = False) -> Path:
    """The tiny release under ``output``: one anonymized table, every manifest section filled."""
    from deid.risk import anonymize, assess_risk

    policy = tiny_policy()
    frame = tiny_frame()
    released, anonymization = anonymize(frame, policy, "visits")
    risk = assess_risk(released, policy, "visits", release=True)
    with ReleaseWriter.open(
        output, name="tiny",
        policy=PolicyRef(name="tiny", version="1.0.0", profile="custom", sha256="a1" * 32),
        pipeline=PipelineRef(name="tiny", version="1.0.0", sha256="b2" * 32),
        allowed_use=AllowedUse(purposes=["research"], consumers=["report-tests"], expires=date(2030, 6, 30)),
        demo_keys=True, run_id=RUN_ID,
    ) as writer:
        writer.facts.inputs["visits"] = InputRecord(format="csv", files=1, fingerprint="c3" * 32, rows=21)
        writer.facts.exclusions = Exclusions(persons_listed=1, rows_removed={"visits": 2})
        with writer.step("anonymize visits") as step:
            step.count("suppressed", anonymization.suppressed)
            for reason in anonymization.reasons:
                step.reason(reason)
        writer.write_table("visits", released.to_arrow().to_batches())
        writer.facts.risk["visits"] = risk_figures(risk, anonymization,
                                                   class_size_histogram(released, policy, "visits"))
        writer.facts.phi_counts = {"visits": {Category.NAME: 19, Category.DATE: 38}, "notes": {Category.NAME: 5}}
        writer.facts.validation = [
            ValidationRecord(name="residual_phi_scan", table="visits", column=None, passed=True,
                             figures={"findings": 0}, detail="pattern scan of every text cell"),
            ValidationRecord(name="no_direct_identifier_columns", table="visits", column=None, passed=True,
                             figures={"present": 0}, detail="no column the policy drops is present"),
            ValidationRecord(name="row_count", table="visits", column=None, passed=verdict == "approved",
                             figures={"expected": 19, "found": 19 if verdict == "approved" else 18},
                             detail="rows released equal rows read minus exclusions"),
        ]
        writer.facts.canaries = CanaryResult(planted=4, surviving=0, removed_rows=4, passed=True)
        reasons = ["k = 3 and highest risk 0.34 met", "every output check held"] if verdict == "approved" else ["row_count failed on visits"]
        if attach:
            from deid.report import attach_reports

            attach_reports(writer, verdict, reasons)  # type: ignore[arg-type]
        return writer.finalize(verdict, reasons, key if verdict == "approved" else None)  # type: ignore[arg-type]


def fixture_release() -> Path:
    """The frozen tiny release of the golden tests."""
    found = sorted((FIXTURES / "releases").iterdir())
    assert len(found) == 1, found
    return found[0]


# ------------------------------------------------------------------ hypothesis: any table's risk figures

# Names with every character the flat encoding and the renderers must survive: '/', '#', '%', '=', '.',
# spaces, non-ASCII, markup and Markdown table pipes.
names = st.text(alphabet=st.sampled_from("ab/#%=.- é<>&\"|"), min_size=0, max_size=6)
shares = st.floats(min_value=0, max_value=1, allow_nan=False)
counts = st.integers(min_value=0, max_value=10**9)
maybe = st.none() | shares
summary = st.builds(RiskSummary, max=shares, avg=shares,
                    records_at_risk=st.dictionaries(st.sampled_from(["0.05", "0.09", "0.2", "0.33", "0.5"]), shares))
driver_figures = st.builds(DriverFigures, classes=counts, k=counts, sample_uniques=shares, prosecutor_max=shares,
                           prosecutor_avg=shares)
table_risks = st.builds(
    TableRisk,
    quasi_identifiers=st.lists(names, max_size=3), sensitive=st.lists(names, max_size=2),
    rows=counts, persons=counts, person_level=st.booleans(), suppressed=counts, classes=counts, k=counts,
    sample_uniques=counts, prosecutor=summary, journalist=summary,
    journalist_source=st.sampled_from(["sample", "population table"]), marketer=shares,
    population=st.builds(PopulationFigures, population=st.none() | counts, sampling_fraction=maybe, pitman=maybe,
                         zayatz=maybe, snb=maybe, dankar=maybe, dankar_model=st.none() | names),
    l_diversity=st.dictionaries(names, st.builds(LDiversityFigures, distinct=counts, entropy=shares,
                                                 recursive_l=counts, recursive_c_min=maybe), max_size=2),
    t_closeness=st.dictionaries(names, st.builds(TClosenessFigures, distance=names, t=shares), max_size=2),
    drivers=st.dictionaries(names, st.builds(Driver, dropped=driver_figures,
                                             generalized=st.none() | driver_figures), max_size=2),
    checks=st.dictionaries(names, st.builds(RiskCheck, required=shares, measured=maybe, passed=st.booleans(),
                                            reason=names), max_size=2),
    class_sizes=st.none() | st.dictionaries(st.integers(1, 10**6), counts, max_size=4),
    anonymization=st.none() | st.builds(
        Anonymization, levels=st.dictionaries(names, counts, max_size=2), searched=st.lists(names, max_size=2),
        suppressed=counts, suppressed_rows=counts, suppression_limit=shares, loss=shares,
        loss_per_column=st.dictionaries(names, shares, max_size=2), discernibility=shares, avg_class_size=shares,
        reasons=st.lists(names, max_size=3)),
)
