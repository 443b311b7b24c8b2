"""``deid risk`` and ``deid anonymize`` (structured records)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from deid.cli._common import handle_errors, out
from deid.errors import PrivacyThresholdError

if TYPE_CHECKING:
    from deid.risk.report import AnonymizationReport, RiskReport


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2%}"


def _print_risk(report: RiskReport) -> None:
    lines = [
        (
            f"table {report.table}: {report.rows} rows, {report.persons} people"
            + (" (rows combined per person)" if report.person_level else "")
        ),
        f"quasi-identifiers: {', '.join(report.quasi_identifiers)}",
        f"equivalence classes: {report.classes}   k: {report.k}   sample uniques: {report.sample_uniques}",
        f"prosecutor risk: highest {report.prosecutor.max:.4f}, average {report.prosecutor.avg:.4f}",
        "  people above "
        + ", ".join(f"{t}: {_pct(v)}" for t, v in report.prosecutor.records_at_risk.items()),
        f"journalist risk ({report.journalist.source}): highest {report.journalist.max:.4f}, "
        + f"average {report.journalist.avg:.4f}",
        f"marketer risk: {report.marketer:.4f}",
    ]
    pu = report.population_uniques
    if pu.population is not None:
        lines.append(
            f"population uniques (N = {pu.population}): Pitman {_pct(pu.pitman)}, Zayatz {_pct(pu.zayatz)}, "
            f"SNB {_pct(pu.snb)}; Dankar's rule picks {pu.dankar_model}: {_pct(pu.dankar)}"
        )
        lines += [f"  {model}: no estimate: {reason}" for model, reason in pu.reasons.items()]
    for name, div in report.l_diversity.items():
        t = report.t_closeness[name]
        lines.append(
            f"{name}: distinct l {div.distinct}, entropy l {div.entropy:.3f}, {t.distance}-distance t {t.t:.4f}"
        )
    for check in report.checks:
        verdict = "PASS" if check.passed else "FAIL"
        lines.append(f"[{verdict}] {check.model}: required {check.required:g}, measured {check.measured:g}")
    for line in lines:
        out.print(line, markup=False, highlight=False)


def _print_anonymization(report: AnonymizationReport, output: Path) -> None:
    levels = ", ".join(f"{q} {lv}" for q, lv in report.levels.items())
    lines = [
        f"wrote {output}",
        f"levels: {levels}",
        (
            f"suppressed: {report.suppressed} people ({report.suppressed_rows} rows), "
            f"limit {report.suppression_limit:.2%}"
        ),
        f"classes: {report.classes}   k: {report.k}",
        (
            f"loss: {report.loss:.4f}   discernibility: {report.discernibility:.0f}   "
            f"average class size: {report.avg_class_size:.1f}"
        ),
        f"searched {report.evaluated} of {report.lattice_size} transformations in {report.seconds:.2f} s",
    ]
    for line in lines:
        out.print(line, markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add `risk` and `anonymize` to ``app``."""

    @app.command("risk")
    @handle_errors
    def risk_cli(
        table: Path = typer.Argument(..., help="Table to measure: CSV (';' or ','), Parquet or JSONL."),
        policy: Path = typer.Option(..., "--policy", help="Policy file naming the columns' roles."),
        as_json: bool = typer.Option(False, "--json", help="Print the full report as one JSON object."),
        population: int | None = typer.Option(
            None,
            "--population",
            min=1,
            help="Population size for the uniqueness models (overrides the policy).",
        ),
        population_table: Path | None = typer.Option(
            None, "--population-table", help="The population the data was drawn from, for journalist risk."
        ),
        table_name: str | None = typer.Option(
            None, "--table", help="Policy table (default: the only one, else the file's stem)."
        ),
        release: bool = typer.Option(
            False, "--release", help="TABLE is a deid release: dropped columns absent, values as released."
        ),
        fail_on_threshold: bool = typer.Option(
            False, "--fail-on-threshold", help="Exit 6 when a threshold of the policy is not met."
        ),
    ) -> None:
        """Measure re-identification risk of a table (k, prosecutor, journalist, marketer, l, t)."""
        from deid.policy import load_policy
        from deid.risk.assess import assess_file

        report = assess_file(
            table,
            load_policy(policy),
            table_name,
            population=population,
            population_path=population_table,
            release=release,
        )
        if as_json:
            typer.echo(report.model_dump_json(indent=2))
        else:
            _print_risk(report)
        failed = [check.model for check in report.checks if not check.passed]
        if fail_on_threshold and failed:
            raise PrivacyThresholdError(f"table {report.table}: the data does not meet {', '.join(failed)}")

    @app.command("anonymize")
    @handle_errors
    def anonymize_cli(
        table: Path = typer.Argument(..., help="Table to anonymize: CSV (';' or ','), Parquet or JSONL."),
        output: Path = typer.Option(
            ..., "-o", "--output", help="Where to write the release (.parquet/.csv/.jsonl)."
        ),
        policy: Path = typer.Option(
            ..., "--policy", help="Policy file with the columns' rules and thresholds."
        ),
        suppression_limit: float | None = typer.Option(
            None,
            "--suppression-limit",
            min=0.0,
            max=1.0,
            help="Largest share of people to suppress (overrides the policy).",
        ),
        as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object."),
        table_name: str | None = typer.Option(
            None, "--table", help="Policy table (default: the only one, else the file's stem)."
        ),
        key_dir: Path | None = typer.Option(
            None, "--key-dir", help="Keys folder, when the policy pseudonymizes or shifts dates."
        ),
    ) -> None:
        """Generalize and suppress a table until the policy's privacy models hold, with the least loss."""
        from deid.policy import load_policy
        from deid.risk.anonymizer import anonymize_file

        report = anonymize_file(
            table,
            output,
            load_policy(policy),
            table_name,
            suppression_limit=suppression_limit,
            key_dir=key_dir,
        )
        if as_json:
            typer.echo(report.model_dump_json(indent=2))
        else:
            _print_anonymization(report, output)
