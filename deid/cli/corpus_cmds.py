"""``deid corpus generate|evaluate`` and ``deid scan`` (planted PHI and the leak gate)."""

from __future__ import annotations

import typer

from deid.cli._common import handle_errors, not_built

corpus_app = typer.Typer(help="Generate planted-PHI corpora and score a scrubber against gold spans.",
                         no_args_is_help=True)


@corpus_app.command("generate")
@handle_errors
def generate_cli() -> None:
    """Generate a synthetic hospital with planted PHI and gold spans."""
    not_built("corpus generate", "issue 4")


@corpus_app.command("evaluate")
@handle_errors
def evaluate_cli() -> None:
    """Score detection against gold spans; fail below the given thresholds."""
    not_built("corpus evaluate", "issue 4")


def register(app: typer.Typer) -> None:
    """Add the `corpus` group and `scan` to ``app``."""
    app.add_typer(corpus_app, name="corpus")

    @app.command("scan")
    @handle_errors
    def scan_cli() -> None:
        """Report every cell and column of a file or folder that still looks like PHI."""
        not_built("scan", "issue 4")
