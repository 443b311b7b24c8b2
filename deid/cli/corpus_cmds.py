"""``deid corpus generate|evaluate`` and ``deid scan`` (planted PHI and the leak gate)."""

from __future__ import annotations

from pathlib import Path

import typer

from deid.cli._common import handle_errors, out, progress

corpus_app = typer.Typer(help="Generate planted-PHI corpora and score a scrubber against gold spans.",
                         no_args_is_help=True)


@corpus_app.command("generate")
@handle_errors
def generate_cli(
    out_dir: Path = typer.Argument(..., help="Folder to write the four Parquet tables, gold.jsonl and corpus.json."),
    patients: int = typer.Option(50, "--patients", min=0, help="Patients to generate."),
    notes_per_patient: int = typer.Option(4, "--notes-per-patient", min=0, help="Notes per patient."),
    seed: int = typer.Option(0, "--seed", help="Seed; the same seed gives byte-identical output."),
) -> None:
    """Generate a synthetic hospital with planted PHI and gold spans."""
    from deid.corpus import generate_corpus

    summary = generate_corpus(out_dir, patients=patients, notes_per_patient=notes_per_patient, seed=seed)
    out.print(f"wrote {out_dir}: {summary.rows['patients']} patients, {summary.rows['notes']} notes, "
              f"{summary.gold_spans} gold spans ({summary.phi_free_notes} PHI-free notes)", markup=False)


@corpus_app.command("evaluate")
@handle_errors
def evaluate_cli(
    gold: Path = typer.Argument(..., help="Gold corpus (JSONL, ../shared/corpora/FORMAT.md)."),
    pred: Path | None = typer.Option(None, "--pred", help="Predictions (JSONL); without it detection runs here."),
    policy: Path | None = typer.Option(None, "--policy", help="Policy whose text section configures detection."),
    records: Path | None = typer.Option(None, "--records",
                                        help="Folder of a generated hospital: detect with each patient's records."),
    junit: Path | None = typer.Option(None, "--junit", help="Write JUnit XML of the gate to this file."),
    min_recall: float | None = typer.Option(None, "--min-recall", help="Fail below this strict (leak-free) recall."),
    min_precision: float | None = typer.Option(None, "--min-precision", help="Fail below this precision."),
    show_values: bool = typer.Option(False, "--show-values", help="Print leaked values (PHI!); off by default."),
    split: str = typer.Option("all", "--split", help="Part scored: all, open (develop on it) or sealed (totals "
                              "only; see deid/corpus/split.py)."),
) -> None:
    """Score detection against gold spans; exit 7 below the given thresholds."""
    from deid.corpus import evaluate_corpus, render_text

    with progress("detecting") as advance:
        report = evaluate_corpus(gold, pred_path=pred, policy_path=policy, records_dir=records,
                                 min_recall=min_recall, min_precision=min_precision, show_values=show_values,
                                 junit_path=junit, advance=advance, split=_split(split))
    out.print(render_text(report), markup=False, highlight=False)
    report.raise_for_failures()


def _split(value: str):  # type: ignore[no-untyped-def]
    from deid.corpus.split import Split
    from deid.errors import ConfigError

    try:
        return Split(value)
    except ValueError:
        raise ConfigError(f"--split must be one of {', '.join(s.value for s in Split)}, not {value!r}") from None


def register(app: typer.Typer) -> None:
    """Add the `corpus` group and `scan` to ``app``."""
    app.add_typer(corpus_app, name="corpus")

    @app.command("scan")
    @handle_errors
    def scan_cli(
        path: Path = typer.Argument(..., help="Parquet, CSV or JSONL file, or a folder of them."),
        policy: Path | None = typer.Option(None, "--policy", help="Policy: free-text columns, detection, and what "
                                           "it releases on purpose."),
        planted: Path | None = typer.Option(None, "--planted", help="Gold corpus whose planted values must not occur."),
        detector: bool = typer.Option(True, "--detector/--no-detector", help="Run the PHI detector on free text."),
        json_out: Path | None = typer.Option(None, "--json", help="Write the full report (JSON) to this file."),
    ) -> None:
        """Report every cell and column of a file or folder that still looks like PHI; exit 7 if any."""
        from deid.corpus.scan import render_scan, scan_path

        with progress("scanning") as advance:
            report = scan_path(path, policy_path=policy, planted_path=planted, use_detector=detector,
                               advance=advance, json_path=json_out)
        out.print(render_scan(report), markup=False, highlight=False)
        report.raise_for_findings()
