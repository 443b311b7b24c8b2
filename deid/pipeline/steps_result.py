"""What a run returns and prints: :class:`RunResult` (names, counts and figures only) and its summary.

``deid run`` and ``deid demo`` print :func:`render_result`; the release path is always the last line, so
scripts can take it with ``tail -1``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from deid.errors import ReleaseRejectedError
from deid.release.manifest import CanaryResult, Figures


class RunResult(BaseModel):
    """What a run did, in names, counts and figures only; what ``deid run`` and ``deid demo`` print."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = Field(description="Version of this summary's format; currently 1.")
    release_id: str = Field(description="The release's id (its folder name).")
    path: str = Field(description="The release folder: under releases/ when approved, quarantine/ when not.")
    decision: Literal["approved", "rejected"] = Field(description="The gate's verdict.")
    reasons: list[str] = Field(description="Why: the failed checks of a rejection, the checks that held otherwise.")
    demo_keys: bool = Field(description="True when made with throw-away demo keys.")
    inputs: dict[str, int] = Field(description="Rows read per input table (before exclusions).")
    outputs: dict[str, int] = Field(description="Rows released per table.")
    excluded_persons: int | None = Field(description="People on the exclusion list, or null without one.")
    excluded_rows: dict[str, int] = Field(description="Rows removed per table because of the exclusion list.")
    phi_counts: dict[str, dict[str, int]] = Field(description="PHI found and treated, by table and category.")
    risk: dict[str, Figures] = Field(description="Risk figures and thresholds by table.")
    validation: dict[str, int] = Field(description="Checks run on the output: 'passed' and 'failed' counts.")
    canaries: CanaryResult | None = Field(description="The canary result, or null when canaries were off.")
    reports: list[str] = Field(description="Report files attached to the release (paths inside it).")
    public_key: str | None = Field(description="Where the public key of demo keys was written, or null.")
    seconds: float = Field(description="Wall-clock time of the run.")

    def raise_if_rejected(self) -> None:
        """Raise :class:`~deid.errors.ReleaseRejectedError` (exit 8) listing the reasons of a rejection."""
        if self.decision == "rejected":
            raise ReleaseRejectedError(f"release {self.release_id} was rejected and is in quarantine: {self.path}",
                                       self.reasons)


def _risk_line(table: str, figures: Figures) -> str:
    k, required = figures.get("k_min"), figures.get("k_required")
    parts = [f"k {k} (threshold {required})"]
    for name, allowed in (("max_prosecutor_risk", "max_prosecutor_risk_allowed"),
                          ("avg_prosecutor_risk", "avg_prosecutor_risk_allowed")):
        value = figures.get(name)
        if isinstance(value, float):
            limit = figures.get(allowed)
            parts.append(f"{name.replace('_', ' ')} {value:.3f}" + (f" (limit {limit:g})" if isinstance(limit, float) else ""))
    if figures.get("anonymized"):
        parts.append(f"{figures.get('suppressed_by_anonymization', 0)} people suppressed by anonymization")
    return f"  {table}: {', '.join(parts)}: {'met' if figures.get('passed') else 'NOT met'}"


def render_result(result: RunResult) -> list[str]:
    """The run's summary as printed by ``deid run`` and ``deid demo``; the release path is the last line."""
    rows = ", ".join(f"{t} {n}" for t, n in result.outputs.items())
    excluded = (f"; {result.excluded_persons} people on the exclusion list, "
                f"{sum(result.excluded_rows.values())} rows removed" if result.excluded_persons is not None else "")
    lines = [f"released tables: {rows} rows{excluded}"]
    totals: Counter[str] = Counter()
    for counts in result.phi_counts.values():
        totals.update(counts)
    found = ", ".join(f"{c} {n}" for c, n in totals.most_common()) or "none"
    lines.append(f"PHI found and treated: {found}")
    for table, counts in result.phi_counts.items():
        if counts:
            lines.append(f"  {table}: {', '.join(f'{c} {n}' for c, n in sorted(counts.items(), key=lambda x: -x[1]))}")
    if result.risk:
        lines.append("re-identification risk against the policy's thresholds:")
        lines += [_risk_line(t, f) for t, f in result.risk.items()]
    canaries = ("off" if result.canaries is None else
                f"{result.canaries.surviving} of {result.canaries.planted} canary values survived, "
                f"{result.canaries.removed_rows} canary rows removed")
    lines.append(f"checks: {result.validation['passed']} held, {result.validation['failed']} failed; "
                 f"canaries: {canaries}")
    lines.append(f"gate: {result.decision.upper()}" + (" (demo keys: not for production)" if result.demo_keys else ""))
    if result.decision == "rejected":
        lines.append(f"  {len(result.reasons)} reason(s): see below, and verdict.reasons in manifest.json")
    officer = [r for r in result.reports if not r.startswith("reports/risk/")]
    details = [r for r in result.reports if r.startswith("reports/risk/")]
    lines.append("report: " + (", ".join(str(Path(result.path) / r) for r in officer) if officer else
                               "none (deid.report is not installed)"))
    if details:
        lines.append(f"risk details: {Path(result.path) / 'reports' / 'risk'}/ ({len(details)} JSON files)")
    if result.public_key is not None:
        lines.append(f"demo public key: {result.public_key}")
    lines.append(f"done in {result.seconds:.1f} s")
    lines.append(result.path)
    return lines


__all__ = ["RunResult", "render_result"]
