"""The CLI: every command has help and is documented; exit codes are exact; errors carry no values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deid import __version__
from deid.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()

COMMANDS = ["demo", "run", "plan", "detect", "scrub", "risk", "anonymize", "verify", "report", "scan",
            "corpus generate", "corpus evaluate", "policy validate", "policy schema", "keys generate",
            "pipeline schema"]


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"deid {__version__}"


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for top in {c.split()[0] for c in COMMANDS}:
        assert re.search(rf"^\s+{top}\s", result.output, re.MULTILINE), top


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_readme(command: str) -> None:
    assert f"deid {command}" in (ROOT / "README.md").read_text()


def test_policy_validate_ok() -> None:
    paths = [str(p) for p in sorted((ROOT / "policies").glob("*.yaml"))]
    result = runner.invoke(app, ["policy", "validate", *paths])
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok (") == len(paths)


def test_policy_validate_reports_file_and_key(tmp_path: Path) -> None:
    text = (ROOT / "policies" / "safe-harbor.yaml").read_text().replace("suppression_limit:", "suppresion_limit:")
    bad = tmp_path / "typo.yaml"
    bad.write_text(text)
    result = runner.invoke(app, ["policy", "validate", str(bad)])
    assert result.exit_code == 3
    assert f"{bad}: [risk.suppresion_limit] unknown key" in result.output


def test_policy_schema_is_json() -> None:
    import json

    result = runner.invoke(app, ["policy", "schema"])
    assert result.exit_code == 0 and json.loads(result.output)["title"] == "deid policy"


def test_keys_generate_and_refuse_overwrite(tmp_path: Path) -> None:
    result = runner.invoke(app, ["keys", "generate", str(tmp_path / "k")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "k" / "signing.key").stat().st_mode & 0o777 == 0o600
    again = runner.invoke(app, ["keys", "generate", str(tmp_path / "k")])
    assert again.exit_code == 5 and "never overwritten" in again.output


def test_scrub_without_keys_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DEID_KEY_DIR", "DEID_PSEUDONYM_KEY", "DEID_PSEUDONYM_KEY_FILE"):
        monkeypatch.delenv(var, raising=False)
    notes = tmp_path / "n.jsonl"
    notes.write_text('{"doc_id": "1", "text": "Seen by Dr. Rogers on 3/4."}\n')
    result = runner.invoke(app, ["scrub", str(notes), "-o", str(tmp_path / "o.jsonl"),
                                 "--policy", str(ROOT / "policies" / "safe-harbor.yaml")])
    assert result.exit_code == 5 and "no pseudonymization key" in result.output
    assert not (tmp_path / "o.jsonl").exists()


def test_unexpected_error_withholds_message(tmp_path: Path) -> None:
    notes = tmp_path / "n.jsonl"
    notes.write_text('{"doc_id": "1", "text": "Patient John Secretvalue"}\n')
    result = runner.invoke(app, ["detect", str(notes), "-o", str(tmp_path / "missing-dir" / "x" / "o.jsonl"),
                                 "--policy", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 3
    assert "Secretvalue" not in result.output
