"""The report's charts: Altair (Vega-Lite) specifications rendered to inline SVG by vl-convert, offline.

vl-convert renders in-process with its bundled Vega and the fonts installed on the machine: no browser, no
request to any host. Charts use a system font (:data:`FONT`) so that nothing needs a web font, and every
``id`` in an SVG is prefixed so that several charts can live in one HTML page. Charts hold only counts,
shares and column names.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from deid.report.explain import pct, smallest_safe_size
from deid.report.figures import TableRisk
from deid.report.model import DriverRow, LevelRow

#: The charts' font: installed with Debian's fonts-dejavu (a dependency of chromium); browsers without it
#: fall back to the next family.
FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
WIDTH = 620
RED = "#b3261e"
BLUE = "#3465a4"
GREY = "#8a8a8a"
_BUCKETS = (1, 2, 3, 4, 5, 10, 20, 50, 100, 500, 1000, 5000, 10_000, 50_000, 100_000, 1_000_000)


def to_svg(chart: Any, name: str) -> str:
    """Render an Altair chart to an SVG string with ids prefixed by ``name`` (no request leaves the process).

    ``name`` must be unique in the page and safe in an id (letters, digits, '-').
    """
    import vl_convert

    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
    svg = vl_convert.vegalite_to_svg(spec)
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{name}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{name}-{m.group(1)})", svg)
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="{name}-caption" ', 1)


def _alt() -> Any:
    import altair as alt

    return alt


def size_buckets(class_sizes: Mapping[int, int], k_required: int | None) -> list[dict[str, Any]]:
    """People per bucket of group size; buckets split at the policy's k so that no bar straddles it."""
    biggest = max(class_sizes)
    if biggest <= 20:
        edges = list(range(1, biggest + 2))
    else:
        edges = sorted({*(b for b in _BUCKETS if b <= biggest),
                        *([k_required] if k_required and k_required <= biggest else [])})
        edges.append(biggest + 1)
    rows = []
    for order, (low, high) in enumerate(itertools.pairwise(edges)):
        people = sum(s * n for s, n in class_sizes.items() if low <= s < high)
        groups = sum(n for s, n in class_sizes.items() if low <= s < high)
        label = str(low) if high == low + 1 else f"{low}–{high - 1}"
        small = k_required is not None and low < k_required
        rows.append({"order": order, "size": label, "people": people, "groups": groups,
                     "band": f"smaller than k = {k_required}" if small else "meets k"})
    return rows


def class_size_chart(risk: TableRisk, k_required: int | None, name: str) -> str | None:
    """Histogram: how many people are in groups of each size (red: groups smaller than the policy's k)."""
    if not risk.class_sizes:
        return None
    alt = _alt()
    rows = size_buckets(risk.class_sizes, k_required)
    domain = [f"smaller than k = {k_required}", "meets k"]
    chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("size:N", sort=alt.SortField("order"), title="size of the group of look-alikes (people)",
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("people:Q", title="people in groups of this size"),
        color=alt.Color("band:N", scale=alt.Scale(domain=domain, range=[RED, BLUE]),
                        legend=alt.Legend(title=None, orient="top")),
    ).properties(width=WIDTH, height=220)
    return to_svg(chart, name)


def risk_threshold(risk: TableRisk) -> tuple[float, str] | None:
    """The prosecutor-risk line to draw: the policy's highest allowed risk, else 1/k."""
    check = risk.checks.get("max prosecutor risk")
    if check is not None:
        return check.required, f"policy: highest risk {check.required:g}"
    k_check = risk.checks.get("k-anonymity")
    if k_check is not None and k_check.required > 1:
        return 1 / k_check.required, f"policy k = {k_check.required:g} (risk 1/{k_check.required:g})"
    return None


def risk_curve_chart(risk: TableRisk, name: str) -> str | None:
    """Prosecutor risk of every person, highest first, against the policy's threshold."""
    alt = _alt()
    line = risk_threshold(risk)
    if risk.class_sizes:
        people = sum(s * n for s, n in risk.class_sizes.items())
        rows, start = [], 0
        top = min(1.0, max(1 / min(risk.class_sizes), line[0] if line else 0.0) * 1.15)
        for size, count in sorted(risk.class_sizes.items()):
            end = start + size * count
            value = 1 / size
            above = line is not None and value > line[0] + 1e-12
            rows.append({"start": start / people, "end": end / people, "risk": value,
                         "band": "above the threshold" if above else "within the threshold"})
            start = end
        base = alt.Chart(alt.Data(values=rows)).mark_rect().encode(
            x=alt.X("start:Q", title="share of people, most exposed first", axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 1])),
            x2="end:Q",
            y=alt.Y("risk:Q", title="prosecutor risk (1 / group size)", scale=alt.Scale(domain=[0, top])),
            y2=alt.datum(0),
            color=alt.Color("band:N", scale=alt.Scale(domain=["above the threshold", "within the threshold"],
                                                      range=[RED, BLUE]),
                            legend=alt.Legend(title=None, orient="top")),
        )
    else:
        rows = [{"threshold": f"> {t}", "share": s, "order": -float(t)}
                for t, s in risk.prosecutor.records_at_risk.items()]
        base = alt.Chart(alt.Data(values=rows)).mark_bar(color=BLUE).encode(
            x=alt.X("threshold:N", sort=alt.SortField("order"), title="prosecutor risk",
                    axis=alt.Axis(labelAngle=0)),
            y=alt.Y("share:Q", title="share of people", axis=alt.Axis(format="%")),
        )
    layers = [base]
    if line is not None and risk.class_sizes:
        rule = alt.Chart(alt.Data(values=[{"y": line[0], "label": line[1]}]))
        layers.append(rule.mark_rule(color="black", strokeDash=[5, 3]).encode(y="y:Q"))
        layers.append(rule.mark_text(align="right", dy=-6, x=WIDTH - 4, color="black").encode(
            y="y:Q", text="label:N"))
    return to_svg(alt.layer(*layers).properties(width=WIDTH, height=220), name)


def drivers_chart(rows: Sequence[DriverRow], current: float, by_uniques: bool, name: str) -> str | None:
    """Risk if each quasi-identifier were left out (line: as released), biggest driver on top.

    The measure is the share of people alone in their group (``by_uniques``), else the average risk.
    """
    if not rows:
        return None
    alt = _alt()
    title = ("people alone in their group without this column" if by_uniques
             else "average prosecutor risk without this column")
    data = [{"column": r.column, "share": r.uniques_without if by_uniques else r.avg_risk_without, "order": i}
            for i, r in enumerate(rows)]
    bars = alt.Chart(alt.Data(values=data)).mark_bar(color=BLUE).encode(
        y=alt.Y("column:N", sort=alt.SortField("order"), title=None),
        x=alt.X("share:Q", title=title, axis=alt.Axis(format="%")),
    )
    now = alt.Chart(alt.Data(values=[{"x": current, "label": f"as released: {pct(current)}"}]))
    rule = now.mark_rule(color="black", strokeDash=[5, 3]).encode(x="x:Q")
    text = now.mark_text(align="left", dx=4, y=-8, color="black").encode(x="x:Q", text="label:N")
    height = max(60, 22 * len(rows))
    return to_svg(alt.layer(bars, rule, text).properties(width=WIDTH - 120, height=height), name)


def loss_chart(rows: Sequence[LevelRow], name: str) -> str | None:
    """Information lost per quasi-identifier (ARX's loss), labelled with the level chosen."""
    data = [{"column": f"{r.column} (level {r.level})", "loss": r.loss} for r in rows if r.loss is not None]
    if not data:
        return None
    alt = _alt()
    chart = alt.Chart(alt.Data(values=data)).mark_bar(color=GREY).encode(
        y=alt.Y("column:N", sort=None, title=None),
        x=alt.X("loss:Q", title="information lost (0 % = as recorded, 100 % = all '*')",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
    ).properties(width=WIDTH - 160, height=max(60, 22 * len(data)))
    return to_svg(chart, name)


def phi_chart(by_table: Mapping[str, Mapping[str, int]], name: str) -> str | None:
    """PHI found per category, stacked by table."""
    data = [{"category": c, "table": t, "count": n} for t, counts in by_table.items() for c, n in counts.items()
            if n]
    if not data:
        return None
    alt = _alt()
    chart = alt.Chart(alt.Data(values=data)).mark_bar().encode(
        y=alt.Y("category:N", sort="-x", title=None),
        x=alt.X("sum(count):Q", title="identifiers found and treated"),
        color=alt.Color("table:N", legend=alt.Legend(title="table", orient="top")),
    ).properties(width=WIDTH - 140, height=max(60, 20 * len({d["category"] for d in data})))
    return to_svg(chart, name)


__all__ = ["FONT", "class_size_chart", "drivers_chart", "loss_chart", "phi_chart", "risk_curve_chart",
           "risk_threshold", "size_buckets", "smallest_safe_size", "to_svg"]
