"""``deid report``: formats, output file, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_helpers import fixture_release
from typer.testing import CliRunner

from deid.cli import app
from deid.report import build_report, render_markdown

runner = CliRunner()


@pytest.mark.parametrize(("fmt", "starts"), [("html", "<!DOCTYPE html>"), ("md", "## Privacy risk report"),
                                             ("json", "{")])
def test_formats(fmt: str, starts: str) -> None:
    result = runner.invoke(app, ["report", str(fixture_release()), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(starts)


def test_markdown_is_the_library_s(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "report.md"
    result = runner.invoke(app, ["report", str(fixture_release()), "-f", "md", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text() == render_markdown(build_report(fixture_release()))


def test_json_output_parses() -> None:
    result = runner.invoke(app, ["report", str(fixture_release()), "-f", "json"])
    assert json.loads(result.stdout)["verdict"]["decision"] == "approved"


@pytest.mark.parametrize(("args", "code"), [
    (["report", "no/such/release"], 4),
    (["report", "x", "--format", "pdf"], 2),
])
def test_exit_codes(args: list[str], code: int) -> None:
    assert runner.invoke(app, args).exit_code == code
