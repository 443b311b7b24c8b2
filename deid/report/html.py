"""The HTML report: one self-contained, printable file (styles and SVG charts inline, no script).

The page loads nothing: a Content-Security-Policy meta tag forbids every request, so even a mistake in a
chart could not reach another host. Every value passes through Jinja's autoescaping; the charts are SVG
rendered here (:mod:`deid.report.charts`) and marked safe.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from deid.report import charts
from deid.report.explain import drivers_by_uniques, num, pct
from deid.report.model import ReportModel, RiskSection

_STYLE = """
:root { --ok: #1e7b34; --bad: #b3261e; --info: #555; --line: #d0d0d0; --soft: #f4f5f7; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; color: #1d1d1d;
       max-width: 960px; margin: 0 auto; padding: 24px; line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.6em; margin: 0 0 4px; } h2 { font-size: 1.3em; margin-top: 1.8em;
     border-bottom: 2px solid var(--line); padding-bottom: 4px; } h3 { font-size: 1.1em; margin-top: 1.4em; }
.sub { color: var(--info); margin: 0 0 16px; }
.verdict { border-radius: 6px; padding: 14px 18px; margin: 16px 0; border: 2px solid; }
.verdict.approved { border-color: var(--ok); background: #eaf5ec; }
.verdict.rejected { border-color: var(--bad); background: #fbeceb; }
.verdict .decision { font-size: 1.4em; font-weight: bold; letter-spacing: .04em; }
.approved .decision { color: var(--ok); } .rejected .decision { color: var(--bad); }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.card { flex: 1 1 200px; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: var(--soft); }
.card .v { font-size: 1.35em; font-weight: bold; } .card .l { color: var(--info); font-size: .85em; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; font-size: .92em; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); } td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.pass { color: var(--ok); font-weight: bold; } .fail { color: var(--bad); font-weight: bold; }
.info { color: var(--info); }
code, .hash { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: .85em; word-break: break-all; }
figure { margin: 12px 0 18px; } figcaption { color: var(--info); font-size: .88em; margin-top: 4px; }
figure svg { max-width: 100%; height: auto; }
.explain { color: #333; }
.muted { color: var(--info); font-size: .88em; }
footer { margin-top: 2.5em; color: var(--info); font-size: .85em; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; } figure, table, .verdict, .card { break-inside: avoid; }
  .verdict, .card, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  @page { margin: 16mm 14mm; }
}
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="deid {{ r.rendered_by }}">
<title>Privacy risk report: {{ r.release.release_id }}</title>
<style>{{ style }}</style>
</head>
<body>
<header>
<h1>Privacy risk report</h1>
<p class="sub">Release <code>{{ r.release.release_id }}</code>
{%- if r.release.created_at %}, finalized {{ r.release.created_at.strftime('%Y-%m-%d %H:%M:%S UTC') }}{% endif %}
{%- if r.release.draft %} (rendered inside the run, before signing){% endif %}</p>
</header>

<section class="verdict {{ r.verdict.decision }}" aria-label="verdict">
<div class="decision">{{ r.verdict.decision | upper }}</div>
<p>{{ r.verdict.headline }}</p>
{% if r.verdict.reasons %}<ul>{% for reason in r.verdict.reasons %}<li>{{ reason }}</li>{% endfor %}</ul>{% endif %}
</section>

<div class="cards">
{% for s in r.risk %}{% for st in s.statements if st.key in headline_keys %}
<div class="card"><div class="l">{{ s.table }}: {{ st.label }}</div>
<div class="v {{ st.status }}">{{ st.display }}</div></div>
{% endfor %}{% endfor %}
<div class="card"><div class="l">PHI found and treated</div><div class="v">{{ num(r.phi.total) }}</div></div>
<div class="card"><div class="l">Output checks</div>
<div class="v {{ 'fail' if r.validation.failed or r.residual_scan.failed else 'pass' }}">
{{ r.validation.passed + r.residual_scan.passed }} / {{ r.validation.checks|length + r.residual_scan.checks|length }} held</div></div>
{% if r.canaries %}<div class="card"><div class="l">Canaries surviving</div>
<div class="v {{ 'pass' if r.canaries.passed else 'fail' }}">{{ r.canaries.surviving }} of {{ r.canaries.planted }}</div></div>{% endif %}
</div>

<h2>Policy and pipeline</h2>
<table>
<tr><th>Policy</th><td>{{ r.policy.name }} {{ r.policy.version }} ({{ r.policy.profile }})</td>
<td class="hash">sha256 {{ r.policy.sha256 }}</td></tr>
<tr><th>Pipeline</th><td>{{ r.pipeline.name }} {{ r.pipeline.version }}</td><td class="hash">sha256 {{ r.pipeline.sha256 }}</td></tr>
<tr><th>Run</th><td colspan="2"><code>{{ r.release.run_id }}</code>, written by deid {{ r.release.tool_version }}
{%- if r.release.demo_keys %}; <span class="fail">demo keys: not for production</span>{% endif %}</td></tr>
<tr><th>Signature</th><td colspan="2">
{%- if r.release.signed is none and r.verdict.decision == 'approved' %}signed by the gate just after this report was rendered; check it with <code>deid verify</code>
{%- elif r.release.signed is none %}<span class="fail">not signed</span>: the release is rejected
{%- elif r.release.signed %}manifest.sig present; check it with <code>deid verify</code>
{%- else %}<span class="fail">no signature</span>: the release is not approved{% endif %}</td></tr>
<tr><th>Allowed use</th><td colspan="2">{{ r.allowed_use.purposes | join(', ') }} by {{ r.allowed_use.consumers | join(', ') }},
until {{ r.allowed_use.expires.isoformat() }}</td></tr>
</table>

<h2>Inputs and outputs</h2>
<table>
<tr><th>table</th><th>input</th><th>rows read</th><th>rows excluded</th><th>rows released</th><th>columns</th><th>parts</th></tr>
{% for t in r.tables %}<tr><td>{{ t.table }}</td>
<td>{% if t.input_format %}{{ t.input_format }}, {{ t.input_files }} file{{ 's' if t.input_files != 1 }}{% else %}none{% endif %}</td>
<td class="n">{{ num(t.input_rows) }}</td><td class="n">{{ num(t.excluded_rows) }}</td>
<td class="n">{{ num(t.output_rows) if t.output_rows is not none else 'not released' }}</td>
<td class="n">{{ num(t.output_columns) }}</td><td class="n">{{ num(t.output_parts) }}</td></tr>
{% endfor %}</table>
{% if r.exclusions %}<p class="explain">{{ r.exclusions.sentence }}</p>{% endif %}

<h2>PHI found, by category and table</h2>
<p class="explain">{{ r.phi.sentence }}</p>
{% if charts.phi %}<figure>{{ charts.phi }}<figcaption id="chart-phi-caption">Identifiers found and removed or
replaced, per category; colours show the table.</figcaption></figure>{% endif %}
{% if r.phi.total %}<table>
<tr><th>category</th>{% for t in r.phi.by_table %}<th>{{ t }}</th>{% endfor %}<th>total</th></tr>
{% for c, n in r.phi.by_category.items() %}<tr><td>{{ c }}</td>
{% for t, counts in r.phi.by_table.items() %}<td class="n">{{ num(counts.get(c, 0)) }}</td>{% endfor %}
<td class="n">{{ num(n) }}</td></tr>{% endfor %}
</table>{% endif %}

<h2>Residual PHI scan and canaries</h2>
<p class="explain">{{ r.residual_scan.sentence }}</p>
{{ check_table(r.residual_scan) }}
{% if r.canaries %}<p class="explain"><span class="{{ 'pass' if r.canaries.passed else 'fail' }}">
{{ 'Passed' if r.canaries.passed else 'Failed' }}.</span> {{ r.canaries.sentence }}</p>
<table><tr><th>planted</th><th>surviving</th><th>rows removed</th></tr>
<tr><td class="n">{{ num(r.canaries.planted) }}</td><td class="n">{{ num(r.canaries.surviving) }}</td>
<td class="n">{{ num(r.canaries.removed_rows) }}</td></tr></table>
{% else %}<p class="explain">Canaries were off for this run: no fake patients were planted to test the scrubber.</p>{% endif %}

<h2>Validation of the output</h2>
<p class="explain">{{ r.validation.sentence }}</p>
{{ check_table(r.validation) }}

{% for s in r.risk %}{% set c = risk_charts[loop.index0] %}
<h2>Re-identification risk: {{ s.table }}</h2>
{% if s.figures %}{% set f = s.figures %}
<p class="explain">Measured per person on the released table: {{ num(f.persons) }} people in {{ num(f.rows) }} rows;
quasi-identifiers (facts an attacker may know): {{ f.quasi_identifiers | join(', ') }}
{%- if f.sensitive %}; sensitive attributes: {{ f.sensitive | join(', ') }}{% endif %}.</p>
{% set checks = s.statements | selectattr('key', 'startswith', 'check.') | list %}
{% if checks %}<h3>Policy thresholds</h3>
<table><tr><th>threshold</th><th>measured</th><th>result</th><th>what it means</th></tr>
{% for st in checks %}<tr><td>{{ st.label[8:] }}</td><td class="n">{{ st.display }}</td>
<td class="{{ st.status }}">{{ 'met' if st.status == 'pass' else 'NOT met' }}</td><td>{{ st.sentence }}</td></tr>{% endfor %}
</table>{% endif %}
<h3>Groups of look-alikes</h3>
{% if c.sizes %}<figure>{{ c.sizes }}<figcaption id="{{ c.prefix }}-sizes-caption">Equivalence class sizes: each bar
counts the people whose group of look-alikes (same {{ f.quasi_identifiers | join(', ') }}) has that size; red bars are groups
smaller than the policy's k.</figcaption></figure>{% endif %}
{% if c.curve %}<figure>{{ c.curve }}<figcaption id="{{ c.prefix }}-curve-caption">Prosecutor risk per person, most
exposed first: the height is the chance that someone who knows the person is in the data picks out the right record
(1 / size of their group); the dashed line is the policy's threshold.</figcaption></figure>{% endif %}
<table><tr><th>figure</th><th>value</th><th>what it means</th></tr>
{% for st in s.statements if not st.key.startswith('check.') %}<tr><td>{{ st.label }}</td>
<td class="n {{ st.status if st.status != 'info' else '' }}">{{ st.display }}</td><td>{{ st.sentence }}</td></tr>{% endfor %}
</table>
{% if s.drivers %}<h3>Which quasi-identifiers drive the risk</h3>
{% if c.drivers %}<figure>{{ c.drivers }}<figcaption id="{{ c.prefix }}-drivers-caption">{{ c.drivers_caption }}
</figcaption></figure>{% endif %}
<table><tr><th>column</th><th>k without it</th><th>alone without it</th><th>alone one level coarser</th><th>effect</th></tr>
{% for d in s.drivers %}<tr><td>{{ d.column }}</td><td class="n">{{ num(d.k_without) }}</td><td class="n">{{ pct(d.uniques_without) }}</td>
<td class="n">{{ pct(d.uniques_coarser) if d.uniques_coarser is not none else 'n/a' }}</td><td>{{ d.sentence }}</td></tr>{% endfor %}
</table>{% endif %}
{% if s.levels %}<h3>Generalization chosen and information lost</h3>
{% if c.loss %}<figure>{{ c.loss }}<figcaption id="{{ c.prefix }}-loss-caption">Information lost per quasi-identifier
at the level chosen (ARX's loss).</figcaption></figure>{% endif %}
<table><tr><th>column</th><th>level</th><th>chosen by</th><th>loss</th><th>why</th></tr>
{% for l in s.levels %}<tr><td>{{ l.column }}</td><td class="n">{{ l.level }}</td><td>{{ 'search' if l.searched else 'policy' }}</td>
<td class="n">{{ pct(l.loss) }}</td><td>{{ l.reason or '' }}</td></tr>{% endfor %}
</table>{% endif %}
{% else %}<p class="explain">The manifest holds these figures for {{ s.table }} in a form this report does not
explain; they are shown as stored.</p>{% endif %}
{% if s.other_figures %}<table><tr><th>figure</th><th>value</th></tr>
{% for k, v in s.other_figures.items() %}<tr><td><code>{{ k }}</code></td><td class="n">{{ v }}</td></tr>{% endfor %}
</table>{% endif %}
{% endfor %}

<h2>Audited steps of the run</h2>
{% if r.pipeline.steps %}<table><tr><th>#</th><th>step</th><th>outcome</th><th>counts</th><th>reasons</th></tr>
{% for e in r.pipeline.steps %}<tr><td class="n">{{ e.seq }}</td><td>{{ e.step }}</td>
<td class="{{ 'fail' if e.outcome in ('failed', 'rejected') else 'pass' if e.outcome in ('ok', 'approved') else 'info' }}">{{ e.outcome }}</td>
<td>{% for k, v in e.counts.items() %}{{ k }} {{ num(v) }}{% if not loop.last %}, {% endif %}{% endfor %}</td>
<td>{{ e.reasons | join('; ') }}</td></tr>{% endfor %}</table>
{% else %}<p class="explain">The audit log was not available when this report was rendered.</p>{% endif %}

<footer>Built from the release's manifest (schema version {{ r.schema_version }}) and audit log only, never from its
data, by deid {{ r.rendered_by }} ({{ r.report_format }}). How to read this report: reports/README.md in the deid
repository. Check the release's signature and file hashes with <code>deid verify</code>.</footer>
</body>
</html>
"""

_CHECKS = """{% if group.checks %}<table><tr><th>check</th><th>table</th><th>column</th><th>result</th><th>counts</th><th>detail</th></tr>
{% for c in group.checks %}<tr><td>{{ c.name }}</td><td>{{ c.table or 'all' }}</td><td>{{ c.column or '' }}</td>
<td class="{{ 'pass' if c.passed else 'fail' }}">{{ 'held' if c.passed else 'FAILED' }}</td>
<td>{% for k, v in c.figures.items() %}{{ k }} {{ v }}{% if not loop.last %}, {% endif %}{% endfor %}</td>
<td>{{ c.detail }}</td></tr>{% endfor %}</table>{% endif %}"""

#: Statements shown as cards at the top of the report, per risk table.
HEADLINE_KEYS = ("people_below_k", "k", "prosecutor.max", "prosecutor.avg")


def _environment() -> Environment:
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(num=num, pct=pct)
    env.tests["startswith"] = lambda value, prefix: str(value).startswith(prefix)
    return env


def _risk_charts(index: int, section: RiskSection) -> dict[str, Any]:
    prefix = f"chart-{index}"
    out: dict[str, Any] = {"prefix": prefix, "sizes": None, "curve": None, "drivers": None, "loss": None}
    f = section.figures
    if f is None:
        return out
    k_check = f.checks.get("k-anonymity")
    k_required = int(k_check.required) if k_check is not None and k_check.required > 1 else None
    measured = f.persons - f.suppressed
    by_uniques = drivers_by_uniques(f)
    svgs = {
        "sizes": charts.class_size_chart(f, k_required, f"{prefix}-sizes"),
        "curve": charts.risk_curve_chart(f, f"{prefix}-curve"),
        "drivers": charts.drivers_chart(
            section.drivers,
            (f.sample_uniques / measured if measured else 0.0) if by_uniques else f.prosecutor.avg,
            by_uniques, f"{prefix}-drivers"),
        "loss": charts.loss_chart(section.levels, f"{prefix}-loss"),
    }
    out.update({k: Markup(v) if v is not None else None for k, v in svgs.items()})
    out["drivers_caption"] = (
        "Share of people who would be alone in their group if the column were left out" if by_uniques else
        "Average prosecutor risk if the column were left out (nobody is alone in their group)"
    ) + ": the shorter the bar, the more that column drives the risk; the dashed line is the release as it is."
    return out


def render_html(report: ReportModel) -> str:
    """The report as one self-contained HTML page (inline styles and SVG charts; loads nothing)."""
    env = _environment()
    check_table = env.from_string(_CHECKS)
    phi = charts.phi_chart(report.phi.by_table, "chart-phi")
    return env.from_string(_TEMPLATE).render(
        r=report,
        style=Markup(_STYLE),
        headline_keys=HEADLINE_KEYS,
        charts={"phi": Markup(phi) if phi else None},
        risk_charts=[_risk_charts(i, s) for i, s in enumerate(report.risk)],
        check_table=lambda group: Markup(check_table.render(group=group)),
    )


__all__ = ["HEADLINE_KEYS", "render_html"]
