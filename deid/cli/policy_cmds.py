"""``deid policy validate|schema``."""

from __future__ import annotations

from pathlib import Path

import typer

from deid.cli._common import err, handle_errors, out
from deid.errors import PolicyError

policy_app = typer.Typer(help="Validate policy files and print their JSON Schema.", no_args_is_help=True)


@policy_app.command("validate")
@handle_errors
def validate_cli(
    files: list[Path] = typer.Argument(..., help="Policy YAML files to validate."),
) -> None:
    """Validate policy files; print each problem as `FILE: [key.path] message`. Exit 3 if any fails."""
    from deid.policy import load_policy

    failed: list[str] = []
    for path in files:
        try:
            policy = load_policy(path)
        except PolicyError as exc:
            failed.append(str(path))
            for line in exc.problems:
                err.print(line, markup=False, highlight=False)
            continue
        out.print(f"{path}: ok ({policy.name} {policy.version}, sha256 {policy.sha256})", highlight=False)
    if failed:
        raise PolicyError(f"{len(failed)} of {len(files)} policy files failed validation")


@policy_app.command("schema")
@handle_errors
def schema_cli() -> None:
    """Print the JSON Schema of policy files (generated from the models)."""
    from deid.policy import policy_json_schema

    typer.echo(policy_json_schema())


def register(app: typer.Typer) -> None:
    """Add the `policy` group to ``app``."""
    app.add_typer(policy_app, name="policy")
