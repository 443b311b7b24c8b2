"""A plan as text, for `deid plan` and for reviewers: what will be read, under which rules, to where."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deid.pipeline.plan import Plan


def render_plan(plan: Plan) -> str:
    """Lines of text describing ``plan``; names, paths, sizes and rules only, never data."""
    risk = plan.risk
    use = plan.allowed_use
    lines = [
        f"pipeline    {plan.pipeline.name} {plan.pipeline.version}  {plan.pipeline_path}",
        f"            sha256 {plan.pipeline.sha256}",
        f"policy      {plan.policy.name} {plan.policy.version} ({plan.policy.profile})  {plan.policy_path}",
        f"            sha256 {plan.policy.sha256}",
        f"engine      {plan.engine}",
        f"keys        {plan.keys.source}" + ("  [DEMO: not for production]" if plan.keys.demo else ""),
        f"data root   {plan.data_root}",
        "inputs",
    ]
    for planned in plan.inputs:
        size = sum(f.bytes for f in planned.files)
        lines.append(f"  {planned.table}: {planned.format}, {len(planned.files)} file(s), {_size(size)}  "
                     f"{planned.path}")
        lines.append(f"    person key {planned.person_key or '-'}; text columns "
                     f"{', '.join(planned.text_columns) or '-'}")
        lines.append("    " + ", ".join(f"{c.name} {c.action}" for c in planned.columns))
    thresholds = [f"k >= {risk.k}", f"suppression <= {risk.suppression_limit:g}"]
    if risk.max_prosecutor_risk is not None:
        thresholds.append(f"max prosecutor risk <= {risk.max_prosecutor_risk:g}")
    if risk.avg_prosecutor_risk is not None:
        thresholds.append(f"average prosecutor risk <= {risk.avg_prosecutor_risk:g}")
    population = f"{risk.population} (from the {risk.population_from})" if risk.population else "not given"
    lines += [
        f"exclusions  {plan.exclusions or 'none'}",
        f"canaries    {'on, ' + str(plan.canaries.count) if plan.canaries.enabled else 'off'}",
        (f"risk        {', '.join(thresholds)}; anonymize {'yes' if risk.anonymize else 'no'}; "
        f"population {population}"),
        (f"allowed use purposes {', '.join(use.purposes)}; consumers {', '.join(use.consumers)}; "
        f"expires {use.expires.isoformat()}"),
        f"output      approved -> {plan.releases_dir}/<release-id>",
        f"            rejected -> {plan.quarantine_dir}/<release-id>",
        "checked     " + "; ".join(plan.checks),
    ]
    return "\n".join(lines)


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return f"{n} B"  # pragma: no cover
