"""reports/README.md explains every figure the report shows, and shows the demo report's screenshot."""

from __future__ import annotations

import re

import pytest
from report_helpers import ROOT, fixture_release

from deid.report import build_report

README = ROOT / "reports" / "README.md"


def _family(key: str) -> str:
    if key.startswith("check."):
        return "check.*"
    if key.startswith("prosecutor.records_at_risk."):
        return "prosecutor.records_at_risk.T"
    for prefix in ("l_diversity.", "t_closeness."):
        if key.startswith(prefix):
            return prefix + "ATTR"
    return key


def test_every_figure_is_explained_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    keys = {_family(s.key) for section in build_report(fixture_release()).risk for s in section.statements}
    missing = sorted(k for k in keys if f"`{k}`" not in text)
    assert not missing, f"reports/README.md does not explain {missing}"


@pytest.mark.parametrize("name", ["report.html", "report.md", "report.json", "screenshot.png"])
def test_demo_report_is_there(name: str) -> None:
    assert (ROOT / "reports" / "demo" / name).stat().st_size > 1000


def test_readme_links_exist() -> None:
    for link in re.findall(r"\]\(([^)#]+)\)", README.read_text(encoding="utf-8")):
        assert (README.parent / link).exists(), link


def test_report_command_is_documented() -> None:
    text = README.read_text(encoding="utf-8")
    for usage in ("deid report", "--format md", "--format json", "-o ", "deid verify", "make report-demo"):
        assert usage in text, usage
