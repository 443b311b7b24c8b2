"""docs/corpus.md documents every command and option of the corpus CLI (sqlite-utils' test_docs habit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from deid.cli import corpus_cmds


def _commands() -> list[tuple[str, Any]]:
    """Every (name, command) of the corpus CLI; groups are walked (Typer's command objects, duck-typed)."""
    app = typer.Typer()
    corpus_cmds.register(app)

    @app.callback()
    def _root() -> None:
        """deid."""

    group: Any = typer.main.get_command(app)
    found: list[tuple[str, Any]] = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            found.extend((f"{name} {sub}", c) for sub, c in command.commands.items())
        else:
            found.append((name, command))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_and_option_is_documented(root: Path, name: str, command: Any) -> None:
    docs = (root / "docs" / "corpus.md").read_text(encoding="utf-8")
    assert f"deid {name}" in docs
    for param in command.params:
        for option in getattr(param, "opts", []):
            if option.startswith("--") and option != "--help":
                assert option in docs, f"{name}: {option} is not in docs/corpus.md"
