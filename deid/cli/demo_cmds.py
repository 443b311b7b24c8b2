"""``deid demo``: the main job on a synthetic hospital."""

from __future__ import annotations

from pathlib import Path

import typer

from deid.cli._common import handle_errors, progress
from deid.cli._common import out as out_console


def register(app: typer.Typer) -> None:
    """Add `demo` to ``app``."""

    @app.command("demo")
    @handle_errors
    def demo_cli(
        out: Path = typer.Option(Path("demo-output"), "--out", help="Folder for everything the demo writes."),
        patients: int = typer.Option(40, min=1, help="Synthetic patients to generate."),
    ) -> None:
        """Run the main job on a synthetic hospital with planted PHI and print what it did."""
        from deid.demo import run_demo

        with progress("scrubbing demo notes") as advance:
            summary = run_demo(out, patients=patients, advance=advance)
        rows = ", ".join(f"{name} {count}" for name, count in summary.rows.items())
        out_console.print(f"generated synthetic hospital: {rows} rows -> {summary.hospital_dir}", highlight=False)
        found = ", ".join(f"{k} {v}" for k, v in summary.replacements.most_common())
        out_console.print(f"scrubbed {summary.notes} notes (policy safe-harbor, demo keys): {found}", highlight=False)
        leaks = ", ".join(f"{k} {v}" for k, v in summary.leaks_by_label.most_common()) or "none"
        out_console.print(f"against {summary.gold_spans} planted PHI spans: strict recall {summary.strict_recall:.4f}, "
                          f"precision {summary.precision:.4f}; leaks by category: {leaks}", highlight=False)
        out_console.print(f"done in {summary.seconds:.1f} s; the audited release pipeline is issue 6 (not built yet)",
                          highlight=False)
        out_console.print(f"scrubbed notes: {summary.scrubbed_notes}", highlight=False)
