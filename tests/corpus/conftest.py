"""Fixtures of the corpus tests: a CLI holding only the corpus commands, and a small generated hospital."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from deid.cli import corpus_cmds
from deid.corpus import generate_corpus


@pytest.fixture(scope="session")
def corpus_cli() -> typer.Typer:
    """The `corpus` group and `scan`, registered on a fresh app exactly as deid.cli registers them."""
    app = typer.Typer(pretty_exceptions_enable=False)
    corpus_cmds.register(app)

    @app.callback()
    def _root() -> None:
        """deid (test shell)."""

    return app


@pytest.fixture()
def runner() -> CliRunner:
    """A Click runner."""
    return CliRunner()


@pytest.fixture(scope="session")
def small_hospital(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated hospital of 12 patients with 3 notes each (seed 5)."""
    out = tmp_path_factory.mktemp("hospital")
    generate_corpus(out, patients=12, notes_per_patient=3, seed=5)
    return out
