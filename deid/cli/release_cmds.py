"""``deid demo``, ``plan``, ``run``, ``verify``, ``report`` and ``pipeline schema`` (pipelines and releases)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from deid.cli._common import err, handle_errors, out, progress

pipeline_app = typer.Typer(help="Pipeline files: print their JSON Schema.", no_args_is_help=True)


@pipeline_app.command("schema")
@handle_errors
def pipeline_schema_cli() -> None:
    """Print the JSON Schema of pipeline files (generated from the models)."""
    from deid.pipeline import pipeline_json_schema

    typer.echo(pipeline_json_schema())


def register(app: typer.Typer) -> None:
    """Add the pipeline and release commands to ``app``."""


    @app.command("plan")
    @handle_errors
    def plan_cli(
        pipeline: Annotated[Path, typer.Argument(help="Pipeline YAML file.")],
        key_dir: Annotated[Path | None, typer.Option("--key-dir", help="Folder written by `deid keys generate` "
                                                     "(default: DEID_KEY_DIR or the DEID_*_KEY variables).")] = None,
        demo_keys: Annotated[bool, typer.Option("--demo-keys", help="Use throw-away keys (demo runs only).")] = False,
        data_root: Annotated[Path | None, typer.Option("--data-root", help="Replace the pipeline's data_root.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
    ) -> None:
        """Resolve and validate a pipeline file and print the plan, without touching data."""
        from deid.pipeline import resolve_plan

        plan = resolve_plan(pipeline, key_dir, demo_keys=demo_keys, data_root=data_root)
        if as_json:
            typer.echo(plan.model_dump_json(indent=2))
        else:
            out.print(plan.render(), markup=False, highlight=False)

    @app.command("run")
    @handle_errors
    def run_cli(
        pipeline: Annotated[Path, typer.Argument(help="Pipeline YAML file.")],
        key_dir: Annotated[Path | None, typer.Option("--key-dir", help="Folder written by `deid keys generate` "
                                                     "(default: DEID_KEY_DIR or the DEID_*_KEY variables).")] = None,
        demo_keys: Annotated[bool, typer.Option("--demo-keys", help="Use throw-away keys (demo runs only); the "
                                                "public key is written to OUTPUT/demo-keys/<release-id>.pub.")] = False,
        data_root: Annotated[Path | None, typer.Option("--data-root", help="Replace the pipeline's data_root.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the run's summary as JSON.")] = False,
    ) -> None:
        """Execute a pipeline: scrub, transform, assess risk, validate, and write an audited release (exit 8 if rejected)."""
        from deid.pipeline.run import render_result, run_pipeline_file

        with progress("running pipeline") as advance:
            result = run_pipeline_file(pipeline, key_dir, demo_keys=demo_keys, data_root=data_root,
                                       on_step=lambda _step: advance(1))
        if as_json:
            typer.echo(result.model_dump_json(indent=2))
        else:
            for line in render_result(result):
                out.print(line, markup=False, highlight=False)
        result.raise_if_rejected()

    @app.command("verify")
    @handle_errors
    def verify_cli(
        release: Annotated[Path, typer.Argument(help="Release folder.")],
        public_key: Annotated[Path | None, typer.Option(
            "--public-key", help="The data steward's signing.pub (default: DEID_PUBLIC_KEY_FILE, then "
            "DEID_KEY_DIR/signing.pub).")] = None,
        purpose: Annotated[str | None, typer.Option(
            "--purpose", help="Also check that this purpose is allowed today.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    ) -> None:
        """Check a release's signature, file hashes, audit chain and verdict; exit 0 only if all hold (else 9)."""
        from deid.release import verify_release

        result = verify_release(release, public_key, purpose=purpose)
        if as_json:
            typer.echo(result.model_dump_json(indent=2))
        else:
            for check in result.checks:
                out.print(f"{'ok  ' if check.passed else 'FAIL'}  {check.name}", markup=False, highlight=False)
            for warning in result.warnings:
                err.print(f"warning: {warning}", markup=False, highlight=False)
        result.raise_if_failed()
        if not as_json:
            out.print(f"verified: {result.release_id}", markup=False, highlight=False)

    app.add_typer(pipeline_app, name="pipeline")
