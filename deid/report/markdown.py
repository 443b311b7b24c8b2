"""The Markdown report: the verdict, the thresholds and the headline figures, short enough for a PR comment.

The full figure tables are folded in ``<details>`` blocks (GitHub renders them collapsed). No charts.
"""

from __future__ import annotations

from collections.abc import Iterable

from deid.report.explain import num, pct, people
from deid.report.model import CheckGroup, ReportModel, RiskSection

_MARK = {"pass": "✅", "fail": "❌", "info": ""}
_OPEN_DETAILS = "<details><summary>Every figure</summary>"
_CLOSE_DETAILS = "</details>"


class _Raw(str):
    """A line of the report's own HTML (``<details>``, ``<sub>``), exempt from escaping."""

    __slots__ = ()


def _escape(line: str) -> str:
    """Names come from policies and manifests: keep any '<' or '>' in them from becoming HTML on GitHub."""
    return line if isinstance(line, _Raw) else line.replace("<", "&lt;").replace(">", "&gt;")


def _cell(text: object) -> str:
    """Text safe in a Markdown table cell: pipes escaped, no line breaks."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> list[str]:
    head = list(header)
    lines = ["| " + " | ".join(_cell(h) for h in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _checks(title: str, group: CheckGroup) -> list[str]:
    lines = [f"**{title}:** {group.sentence}"]
    failed = [c for c in group.checks if not c.passed]
    if failed:
        lines += [""] + _table(["check", "table", "column", "detail"],
                               [[c.name, c.table or "all", c.column or "", c.detail] for c in failed])
    return lines


def _risk(section: RiskSection) -> list[str]:
    lines = ["", f"### Risk: {section.table}", ""]
    f = section.figures
    if f is None:
        lines.append("Figures stored in a form this report does not explain:")
        lines += [""] + _table(["figure", "value"], [[f"`{k}`", v] for k, v in section.other_figures.items()])
        return lines
    lines.append(f"{num(f.persons)} people, {num(f.rows)} rows; quasi-identifiers: "
                 f"{', '.join(f.quasi_identifiers)}" + (f"; sensitive: {', '.join(f.sensitive)}" if f.sensitive
                                                       else "") + ".")
    checks = [s for s in section.statements if s.key.startswith("check.")]
    if checks:
        lines += [""] + _table(["", "threshold", "measured"],
                               [[_MARK[s.status], s.label.removeprefix("Policy: "), s.display] for s in checks])
    headline = {s.key: s for s in section.statements}
    lines.append("")
    for key in ("people_below_k", "sample_uniques", "prosecutor.max", "prosecutor.avg", "marketer",
                "population.dankar"):
        if key in headline:
            lines.append(f"- {headline[key].sentence}")
    if section.drivers:
        top = section.drivers[0]
        lines.append(f"- Biggest driver: {top.sentence}")
    if f.anonymization is not None:
        levels = ", ".join(f"{r.column} {r.level}" for r in section.levels)
        lines.append(f"- Generalization levels: {levels}; information lost {pct(f.anonymization.loss)}; "
                     f"{people(f.anonymization.suppressed)} suppressed.")
    rows = [[s.label, s.display, s.sentence] for s in section.statements if not s.key.startswith("check.")]
    lines += ["", _Raw(_OPEN_DETAILS), ""] + _table(["figure", "value", "meaning"], rows)
    lines += ["", _Raw(_CLOSE_DETAILS)]
    return lines


def render_markdown(report: ReportModel) -> str:
    """The report as GitHub-flavoured Markdown (verdict first; full figure tables folded)."""
    r = report
    mark = "✅ APPROVED" if r.verdict.decision == "approved" else "❌ REJECTED"
    lines = [f"## Privacy risk report: `{r.release.release_id}`", "", f"**{mark}**: {r.verdict.headline}"]
    if r.verdict.reasons:
        lines += [""] + [f"- {reason}" for reason in r.verdict.reasons]
    lines += [
        "",
        f"Policy **{r.policy.name} {r.policy.version}** ({r.policy.profile}, sha256 `{r.policy.sha256[:12]}…`), "
        f"pipeline **{r.pipeline.name} {r.pipeline.version}** (sha256 `{r.pipeline.sha256[:12]}…`), "
        f"run `{r.release.run_id[:8]}`, deid {r.release.tool_version}"
        + ("; **demo keys: not for production**" if r.release.demo_keys else "") + ".",
        "",
    ]
    lines += _table(["table", "rows read", "rows excluded", "rows released", "columns"],
                    [[t.table, num(t.input_rows), num(t.excluded_rows),
                      num(t.output_rows) if t.output_rows is not None else "not released", num(t.output_columns)]
                     for t in r.tables])
    if r.exclusions:
        lines += ["", r.exclusions.sentence]
    lines += ["", f"**PHI found:** {r.phi.sentence}"]
    if r.phi.total:
        lines += [""] + _table(["category", *r.phi.by_table, "total"],
                               [[c, *(num(counts.get(c, 0)) for counts in r.phi.by_table.values()), num(n)]
                                for c, n in r.phi.by_category.items()])
    lines += ["", *_checks("Residual PHI scan", r.residual_scan), ""]
    lines.append(f"**Canaries:** {r.canaries.sentence}" if r.canaries else "**Canaries:** off for this run.")
    lines += ["", *_checks("Validation", r.validation)]
    for section in r.risk:
        lines += _risk(section)
    footer = _Raw(f"<sub>Built from the manifest (schema version {r.schema_version}) by deid {r.rendered_by}; "
              "verify the release with `deid verify`.</sub>")
    lines += ["", footer, ""]
    return "\n".join(_escape(line) for line in lines)


def render_json(report: ReportModel) -> str:
    """The report as JSON: every figure and sentence, with the manifest's ``schema_version``."""
    return report.model_dump_json(indent=2) + "\n"


__all__ = ["render_json", "render_markdown"]
