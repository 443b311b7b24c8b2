"""``deid detect`` and ``deid scrub`` (free-text notes)."""

from __future__ import annotations

import typer

from deid.cli._common import handle_errors, not_built


def register(app: typer.Typer) -> None:
    """Add `detect` and `scrub` to ``app``."""

    @app.command("detect")
    @handle_errors
    def detect_cli() -> None:
        """Find PHI spans in notes (JSONL, CSV or Parquet) and write them as JSONL."""
        not_built("detect", "issue 3")

    @app.command("scrub")
    @handle_errors
    def scrub_cli() -> None:
        """Replace PHI in notes as the policy says and write the scrubbed notes."""
        not_built("scrub", "issue 3")
