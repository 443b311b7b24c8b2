"""Several rows per person: risk and anonymization work on people, not rows."""

from __future__ import annotations

import polars as pl
import pytest
from policy_builders import col, generalize, inline_policy

from deid.risk import anonymize, assess_risk

POLICY = inline_policy(
    {
        "visits": {
            "person_key": "pid",
            "columns": {
                "pid": col("person_key", "pseudonym", prefix="P-"),
                "dx": generalize(prefixes=[1]),
                "sex": col("quasi", "keep"),
                "drug": col("sensitive", "keep"),
            },
        }
    },
    k=2,
    suppression_limit=0.34,
)

VISITS = pl.DataFrame(
    {
        "pid": ["1", "1", "2", "2", "3", "4", "4", "4"],
        "dx": ["E11", "I10", "I10", "E11", "E11", "J45", "J45", "E10"],
        "sex": ["F", "F", "F", "F", "F", "M", "M", "M"],
        "drug": ["a", "b", "a", "b", "a", "c", "c", "d"],
    }
)
KEY = b"s" * 32


def test_risk_counts_people_not_rows() -> None:
    report = assess_risk(VISITS, POLICY, "visits")
    assert (report.rows, report.persons, report.person_level) == (8, 4, True)
    # people 1 and 2 share {E11, I10} and F: one class of 2; 3 and 4 are alone
    assert (report.classes, report.k, report.sample_uniques) == (3, 1, 2)
    assert report.prosecutor.avg == pytest.approx(3 / 4)


def test_rows_of_one_person_are_not_look_alikes_of_each_other() -> None:
    one_person = VISITS.filter(pl.col("pid") == "4")
    report = assess_risk(one_person, POLICY, "visits")
    assert (report.persons, report.classes, report.k) == (1, 1, 1)


def test_anonymization_suppresses_whole_people() -> None:
    released, report = anonymize(VISITS, POLICY, "visits", keys=KEY)
    assert report.k >= 2 and report.persons == 4
    starred = released.filter(pl.col("sex") == "*")
    assert report.suppressed_rows == starred.height
    assert starred["pid"].n_unique() == report.suppressed  # every row of a suppressed person, no other
    people = released.group_by("pid").agg(
        (pl.col("sex") == "*").all().alias("all"), (pl.col("sex") == "*").any()
    )
    assert (people["all"] == people["sex"]).all()
    assert released["pid"].str.starts_with("P-").all()


def test_journalist_and_marketer_against_a_population_table(shared) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from deid.policy import load_policy

    policy = load_policy(Path(__file__).resolve().parents[2] / "policies" / "examples" / "adult.yaml")
    sample = pl.read_csv(shared / "data" / "adult" / "adult_subset.csv", separator=";", infer_schema=False)
    population = pl.concat([sample, sample, sample])
    report = assess_risk(sample, policy, "adult", population_table=population)
    assert report.journalist.source == "population table"
    assert report.journalist.max == pytest.approx(
        1 / 3
    )  # every class is three times larger in the population
    # expected correct matches: each class contributes f/F = 1/3 (ARX's definition)
    assert report.marketer == pytest.approx(report.classes / 3 / report.persons)
    assert report.prosecutor.max == 1.0
    with pytest.raises(Exception, match="population must contain the sample"):
        assess_risk(sample, policy, "adult", population_table=sample.head(10))


def test_l_diversity_is_measured_on_the_released_sensitive_values() -> None:
    from policy_builders import inline_policy as make

    policy = make(
        {
            "t": {
                "person_key": None,
                "columns": {
                    "sex": col("quasi", "keep"),
                    "income": col("sensitive", "top_bottom_code", bottom=None, top=100),
                },
            }
        },
        k=1,
        suppression_limit=0.5,
        l_diversity=[{"attribute": "income", "variant": "distinct", "l": 2, "c": None}],
    )
    frame = pl.DataFrame({"sex": ["F", "F", "M", "M"], "income": ["150", "200", "50", "60"]})
    released, report = anonymize(frame, policy, "t")
    # F's incomes are distinct raw but both released as '>100': F must be suppressed, M kept
    assert released["sex"].to_list() == ["*", "*", "M", "M"]
    assert released["income"].to_list() == [">100", ">100", "50", "60"]
    assert report.suppressed == 2


@pytest.mark.parametrize("column", ["dx", "drug", "pid"])
def test_nulls_are_found_in_person_level_tables(column: str) -> None:
    from deid.errors import InputError

    frame = VISITS.with_columns(
        pl.when(pl.int_range(pl.len()) == 5).then(None).otherwise(pl.col(column)).alias(column)
    )
    with pytest.raises(InputError, match=f"column {column} .* is null at row 6"):
        assess_risk(frame, POLICY, "visits")
