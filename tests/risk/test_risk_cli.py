"""`deid risk` and `deid anonymize` through the CLI: JSON keys, written release, exact exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from deid.cli import app

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "policies" / "examples" / "adult.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def adult(shared: Path) -> Path:
    return shared / "data" / "adult" / "adult.csv"


def test_risk_json_has_the_documented_keys(adult: Path) -> None:
    result = runner.invoke(
        app, ["risk", str(adult), "--policy", str(POLICY), "--json", "--population", "317238626"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    for key in (
        "classes",
        "k",
        "sample_uniques",
        "prosecutor",
        "journalist",
        "marketer",
        "population_uniques",
        "l_diversity",
        "t_closeness",
        "schema_version",
    ):
        assert key in report, key
    assert set(report["prosecutor"]) >= {"max", "avg", "records_at_risk"}
    assert set(report["prosecutor"]["records_at_risk"]) == {"0.05", "0.09", "0.2", "0.33", "0.5"}
    assert set(report["population_uniques"]) >= {"pitman", "zayatz", "snb", "dankar"}
    assert report["classes"] == 18109 and report["population_uniques"]["dankar_model"] == "pitman"


def test_risk_human_output(adult: Path) -> None:
    result = runner.invoke(app, ["risk", str(adult), "--policy", str(POLICY)])
    assert result.exit_code == 0, result.output
    assert "equivalence classes: 18109" in result.output and "[FAIL] k-anonymity" in result.output


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_anonymize_writes_the_release(adult: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"adult{suffix}"
    result = runner.invoke(
        app,
        [
            "anonymize",
            str(adult),
            "-o",
            str(out),
            "--policy",
            str(POLICY),
            "--suppression-limit",
            "0.01",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    for key in ("levels", "suppressed", "classes", "k", "loss", "discernibility", "avg_class_size"):
        assert key in report, key
    assert report["k"] >= 5 and report["suppressed"] <= 0.01 * 30162
    frame = {".parquet": pl.read_parquet, ".csv": pl.read_csv, ".jsonl": pl.read_ndjson}[suffix](out)
    assert frame.height == 30162
    assert (frame["age"] == "*").sum() >= report["suppressed"]


def test_anonymize_reads_its_own_output_format(tmp_path: Path, adult: Path) -> None:
    subset = tmp_path / "adult.parquet"
    pl.read_csv(adult, separator=";", infer_schema=False).head(3000).write_parquet(subset)
    result = runner.invoke(app, ["risk", str(subset), "--policy", str(POLICY), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"] == 3000


def _write(tmp_path: Path, text: str, name: str = "adult.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


HEADER = "sex;age;race;marital-status;education;native-country;workclass;occupation;salary-class\n"
ROW = "Male;39;White;Never-married;Bachelors;United-States;State-gov;Adm-clerical;<=50K\n"


@pytest.mark.parametrize(
    ("name", "args", "code", "words"),
    [
        (
            "missing file",
            lambda t: ["risk", str(t / "none.csv"), "--policy", str(POLICY)],
            4,
            "table file not found",
        ),
        (
            "bad policy",
            lambda t: ["risk", str(_write(t, HEADER + ROW)), "--policy", str(_write(t, "x: 1", "p.yaml"))],
            3,
            "unknown key",
        ),
        (
            "value not in hierarchy",
            lambda t: [
                "risk",
                str(_write(t, HEADER + ROW + ROW.replace("39", "Ninety"))),
                "--policy",
                str(POLICY),
            ],
            4,
            "row 2 is absent from its hierarchy",
        ),
        (
            "unmeetable k",
            lambda t: [
                "anonymize",
                str(_write(t, HEADER + ROW * 3)),
                "-o",
                str(t / "o.parquet"),
                "--policy",
                str(POLICY),
                "--suppression-limit",
                "0",
            ],
            6,
            "no generalization",
        ),
        (
            "limit out of range",
            lambda t: [
                "anonymize",
                str(_write(t, HEADER + ROW)),
                "-o",
                str(t / "o.parquet"),
                "--policy",
                str(POLICY),
                "--suppression-limit",
                "2",
            ],
            2,
            "",
        ),
        (
            "unknown table",
            lambda t: ["risk", str(_write(t, HEADER + ROW)), "--policy", str(POLICY), "--table", "x"],
            4,
            "table x is not in the policy",
        ),
    ],
)
def test_exit_codes(tmp_path: Path, name: str, args, code: int, words: str) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, args(tmp_path))
    assert result.exit_code == code, result.output
    assert words in result.output
    assert "Ninety" not in result.output


def test_risk_of_the_release_shows_k_met(adult: Path, tmp_path: Path) -> None:
    out = tmp_path / "adult.parquet"
    made = runner.invoke(app, ["anonymize", str(adult), "-o", str(out), "--policy", str(POLICY), "--json"])
    assert made.exit_code == 0, made.output
    chosen = json.loads(made.output)
    result = runner.invoke(app, ["risk", str(out), "--policy", str(POLICY), "--release", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["k"] >= 5 and report["classes"] == chosen["classes"]
    assert report["suppressed"] == chosen["suppressed"]
    assert all(check["passed"] for check in report["checks"])
    raw = runner.invoke(app, ["risk", str(out), "--policy", str(POLICY), "--json"])
    assert raw.exit_code == 4 and "absent from its hierarchy" in raw.output  # released labels are not leaves


@pytest.mark.parametrize(("args", "code"), [([], 0), (["--fail-on-threshold"], 6)])
def test_fail_on_threshold(adult: Path, args: list[str], code: int) -> None:
    result = runner.invoke(app, ["risk", str(adult), "--policy", str(POLICY), *args])
    assert result.exit_code == code, result.output
    if code:
        assert "does not meet k-anonymity" in result.output


def test_too_large_a_lattice_is_refused(make_policy) -> None:  # type: ignore[no-untyped-def]
    from policy_builders import generalize

    from deid.errors import ConfigError
    from deid.risk import anonymize

    columns = {f"q{i}": generalize(prefixes=[5, 4, 3, 2, 1]) for i in range(9)}
    policy = make_policy({"t": {"person_key": None, "columns": columns}})
    frame = pl.DataFrame({f"q{i}": ["abcdef", "abcdeg"] for i in range(9)})
    with pytest.raises(ConfigError, match="lattice has 40353607 transformations"):
        anonymize(frame, policy, "t")


@pytest.mark.parametrize(
    ("suffix", "write"),
    [
        (".csv", lambda f, p: f.write_csv(p)),
        (".tsv", lambda f, p: f.write_csv(p, separator="\t")),
        (".jsonl", lambda f, p: f.write_ndjson(p)),
    ],
)
def test_risk_reads_every_table_format(adult: Path, tmp_path: Path, suffix: str, write) -> None:  # type: ignore[no-untyped-def]
    frame = pl.read_csv(adult, separator=";", infer_schema=False).head(500)
    path = tmp_path / f"adult{suffix}"
    write(frame, path)
    result = runner.invoke(app, ["risk", str(path), "--policy", str(POLICY), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"] == 500
