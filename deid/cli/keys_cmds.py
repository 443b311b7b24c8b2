"""``deid keys generate``."""

from __future__ import annotations

from pathlib import Path

import typer

from deid.cli._common import handle_errors, out

keys_app = typer.Typer(help="Create the secrets a production run needs.", no_args_is_help=True)


@keys_app.command("generate")
@handle_errors
def generate_cli(directory: Path = typer.Argument(..., help="Folder to write the keys into.")) -> None:
    """Write a pseudonymization secret and an Ed25519 signing key pair (private files mode 0600).

    Keep the folder out of any release; give consumers only signing.pub.
    """
    from deid.keys import generate_keys

    paths = generate_keys(directory)
    for name, path in paths.items():
        out.print(f"wrote {path}", highlight=False)
    out.print("point DEID_KEY_DIR at this folder (or pass --key-dir); share only signing.pub")


def register(app: typer.Typer) -> None:
    """Add the `keys` group to ``app``."""
    app.add_typer(keys_app, name="keys")
