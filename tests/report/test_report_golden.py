"""Golden files: the Markdown and JSON report of the frozen tiny release (tests/report/fixtures).

Regenerate after a deliberate change with ``DEID_UPDATE_GOLDEN=1 .venv/bin/pytest tests/report`` and
review the diff; the fixture itself is rebuilt by ``tests/report/make_fixture.py``.
"""

from __future__ import annotations

import json
import os

import pytest
from report_helpers import GOLDEN, fixture_release

from deid import __version__
from deid.release import MANIFEST_SCHEMA_VERSION
from deid.report import build_report, render_json, render_markdown


@pytest.mark.parametrize(("name", "render"), [("tiny.md", render_markdown), ("tiny.json", render_json)])
def test_golden(name: str, render) -> None:  # type: ignore[no-untyped-def]
    text = render(build_report(fixture_release()))
    golden = GOLDEN / name
    if os.environ.get("DEID_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), f"{name} differs; see the module docstring to update"


def test_json_carries_schema_version_and_every_figure() -> None:
    data = json.loads(render_json(build_report(fixture_release())))
    assert data["schema_version"] == MANIFEST_SCHEMA_VERSION
    assert data["report_format"] == "deid.report.v1" and data["rendered_by"] == __version__
    figures = data["risk"][0]["figures"]
    for key in ("k", "classes", "sample_uniques", "prosecutor", "journalist", "marketer", "population",
                "l_diversity", "t_closeness", "drivers", "checks", "class_sizes", "anonymization"):
        assert key in figures, key
    assert all(s["sentence"] and s["display"] for s in data["risk"][0]["statements"])
