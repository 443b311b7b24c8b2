"""The ``deid`` command line: a thin Typer shell over the library.

Each command group lives in its own module with a ``register(app)`` function; this module only assembles
them. Exit codes are those of :mod:`deid.errors` (0 success, 2 bad command line).
"""

from __future__ import annotations

import typer

from deid import __version__
from deid.cli import (
    corpus_cmds,
    demo_cmds,
    keys_cmds,
    policy_cmds,
    release_cmds,
    report_cmds,
    risk_cmds,
    text_cmds,
)

app = typer.Typer(
    name="deid",
    help="De-identify clinical notes and records, measure re-identification risk, and publish audited releases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"deid {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """De-identify clinical notes and records, measure re-identification risk, publish audited releases."""


for _module in (demo_cmds, release_cmds, report_cmds, text_cmds, risk_cmds, corpus_cmds, policy_cmds, keys_cmds):
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
