"""``deid demo``: the whole job, raw records to a verifiable release, on a synthetic hospital."""

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
        """Generate a synthetic hospital with planted PHI and run pipelines/demo.yaml on it (exit 8 if rejected)."""
        from deid.demo import run_demo

        with progress("demo: generating and running the pipeline") as advance:
            result = run_demo(out, patients=patients, on_step=lambda _step: advance(1))
        for line in result.lines():
            out_console.print(line, markup=False, highlight=False)
        result.run.raise_if_rejected()
