"""``deid demo``, ``plan``, ``run``, ``verify`` and ``report`` (pipelines and releases)."""

from __future__ import annotations

import typer

from deid.cli._common import handle_errors, not_built


def register(app: typer.Typer) -> None:
    """Add the pipeline and release commands to ``app``."""

    @app.command("demo")
    @handle_errors
    def demo_cli() -> None:
        """Run the main job on an embedded synthetic dataset and print what it did."""
        not_built("demo", "issue 6")

    @app.command("plan")
    @handle_errors
    def plan_cli() -> None:
        """Resolve and validate a pipeline file and print the plan, without touching data."""
        not_built("plan", "issue 6")

    @app.command("run")
    @handle_errors
    def run_cli() -> None:
        """Execute a pipeline: scrub, transform, assess risk, validate, and write an audited release."""
        not_built("run", "issue 6")

    @app.command("verify")
    @handle_errors
    def verify_cli() -> None:
        """Check a release's signature, file hashes, audit chain and verdict; exit 0 only if all hold."""
        not_built("verify", "issue 6")

    @app.command("report")
    @handle_errors
    def report_cli() -> None:
        """Write the privacy officer's risk report of a release (HTML, Markdown or JSON)."""
        not_built("report", "issue 7")
