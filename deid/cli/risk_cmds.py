"""``deid risk`` and ``deid anonymize`` (structured records)."""

from __future__ import annotations

import typer

from deid.cli._common import handle_errors, not_built


def register(app: typer.Typer) -> None:
    """Add `risk` and `anonymize` to ``app``."""

    @app.command("risk")
    @handle_errors
    def risk_cli() -> None:
        """Measure re-identification risk of a table (k, prosecutor, journalist, marketer, l, t)."""
        not_built("risk", "issue 5")

    @app.command("anonymize")
    @handle_errors
    def anonymize_cli() -> None:
        """Generalize and suppress a table until the policy's privacy models hold, with the least loss."""
        not_built("anonymize", "issue 5")
