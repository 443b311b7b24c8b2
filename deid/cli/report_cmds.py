"""``deid report``: the privacy officer's report of a release (HTML, Markdown or JSON)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from deid.cli._common import err, handle_errors


class ReportFormat(StrEnum):
    """Output formats of ``deid report``."""

    HTML = "html"
    MD = "md"
    JSON = "json"


def register(app: typer.Typer) -> None:
    """Add `report` to ``app``."""

    @app.command("report")
    @handle_errors
    def report_cli(
        release: Annotated[Path, typer.Argument(help="Release folder (releases/<id> or quarantine/<id>).")],
        fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="html (printable, with charts), md "
                                                  "(for a pull request) or json (every figure).")] = ReportFormat.HTML,
        output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
    ) -> None:
        """Write the privacy officer's risk report of a release (HTML, Markdown or JSON), from its manifest."""
        from deid.report import render_release

        text = render_release(release, fmt.value)
        if output is None:
            typer.echo(text, nl=False)
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
            err.print(f"wrote {output}", markup=False, highlight=False)
