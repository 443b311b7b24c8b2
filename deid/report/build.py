"""Build the report of a release from its manifest and audit log, never from its data.

:func:`build_report` reads a release folder (``manifest.json``, ``audit.jsonl`` and whether ``manifest.sig``
exists); :func:`report_from_manifest` builds the same model from a :class:`~deid.release.Manifest` in memory,
which is how a run renders the report files it attaches before signing. Nothing under ``data/`` is opened.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from deid import __version__
from deid.errors import InputError
from deid.release.audit import AuditEntry
from deid.release.manifest import AUDIT_FILE, MANIFEST_FILE, SIGNATURE_FILE, Manifest, ValidationRecord
from deid.report.explain import (
    anonymization_statements,
    driver_rows,
    level_rows,
    num,
    people,
    risk_statements,
)
from deid.report.figures import is_risk_figures, parse_risk_figures
from deid.report.model import (
    REPORT_FORMAT,
    AllowedUseSection,
    CanarySection,
    CheckGroup,
    CheckRow,
    ExclusionSection,
    PhiSection,
    PipelineSection,
    PolicySection,
    ReleaseSection,
    ReportModel,
    RiskSection,
    StepRow,
    TableRow,
    VerdictSection,
)

#: Validation records whose name starts with one of these are the residual PHI scan's.
RESIDUAL_SCAN_PREFIXES: tuple[str, ...] = ("residual",)


def build_report(release_dir: str | Path) -> ReportModel:
    """The report of the release in ``release_dir`` (approved or quarantined), from its manifest and audit."""
    folder = Path(release_dir)
    path = folder / MANIFEST_FILE
    if not path.is_file():
        raise InputError(f"{folder}: no {MANIFEST_FILE}; give the folder of a release (releases/<id> or "
                         "quarantine/<id>)")
    try:
        manifest = Manifest.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        raise InputError(f"{path}: not a manifest this deid reads ({exc.error_count()} problems); "
                         "run `deid verify` on the release") from None
    return report_from_manifest(manifest, steps=read_steps(folder / AUDIT_FILE),
                                signed=(folder / SIGNATURE_FILE).is_file(), draft=False)


def read_steps(path: Path) -> list[AuditEntry]:
    """The audit log's entries; those that do not parse are skipped (``deid verify`` names them)."""
    if not path.is_file():
        return []
    entries = []
    for line in path.read_bytes().splitlines():
        try:
            entries.append(AuditEntry.model_validate_json(line))
        except ValidationError:
            continue
    return entries


def report_from_manifest(
    manifest: Manifest,
    *,
    steps: Sequence[AuditEntry] = (),
    signed: bool | None = None,
    draft: bool = False,
) -> ReportModel:
    """The report of ``manifest``. ``draft=True`` marks a report rendered inside a run, before signing."""
    residual = [v for v in manifest.validation if v.name.startswith(RESIDUAL_SCAN_PREFIXES)]
    others = [v for v in manifest.validation if not v.name.startswith(RESIDUAL_SCAN_PREFIXES)]
    return ReportModel(
        schema_version=manifest.schema_version,
        report_format=REPORT_FORMAT,
        rendered_by=__version__,
        release=ReleaseSection(
            release_id=manifest.release_id, run_id=manifest.run_id,
            created_at=None if draft else manifest.created_at, tool_version=manifest.tool.version,
            demo_keys=manifest.demo_keys, signed=None if draft else signed, draft=draft,
        ),
        verdict=_verdict(manifest, draft),
        policy=PolicySection(**manifest.policy.model_dump()),
        pipeline=PipelineSection(
            name=manifest.pipeline.name, version=manifest.pipeline.version, sha256=manifest.pipeline.sha256,
            steps=[StepRow(seq=e.seq, step=e.step, outcome=e.outcome.value, counts=e.counts, reasons=e.reasons)
                   for e in steps],
        ),
        allowed_use=AllowedUseSection(**manifest.allowed_use.model_dump()),
        tables=_tables(manifest),
        exclusions=_exclusions(manifest),
        phi=_phi(manifest),
        residual_scan=_checks(residual, "residual PHI scan check",
                              "No residual PHI scan was recorded in the manifest."),
        canaries=_canaries(manifest),
        validation=_checks(others, "output check", "No output check was recorded in the manifest."),
        risk=[_risk(table, figures) for table, figures in manifest.risk.items()],
    )


def _verdict(manifest: Manifest, draft: bool) -> VerdictSection:
    verdict = manifest.verdict
    where = "at the gate, before signing" if draft else ""
    if verdict.decision == "approved":
        headline = (f"The release met every check of policy "
                    f"{manifest.policy.name} {manifest.policy.version}"
                    f"{' and is signed' if not draft else ' (' + where + ')'}.")
    else:
        count = len(verdict.reasons)
        headline = (f"The gate rejected the release{' ' + where if where else ''} for the {count} "
                    f"reason{'s' if count != 1 else ''} below; it is in quarantine, unsigned, and must not be used.")
    if manifest.demo_keys:
        headline += " Made with throw-away demo keys: not for production."
    return VerdictSection(decision=verdict.decision, reasons=verdict.reasons, headline=headline)


def _tables(manifest: Manifest) -> list[TableRow]:
    names = list(dict.fromkeys([*manifest.inputs, *manifest.outputs]))
    removed = manifest.exclusions.rows_removed if manifest.exclusions is not None else None
    rows = []
    for name in names:
        source = manifest.inputs.get(name)
        out = manifest.outputs.get(name)
        rows.append(TableRow(
            table=name,
            input_format=source.format if source else None,
            input_files=source.files if source else None,
            input_rows=source.rows if source else None,
            excluded_rows=removed.get(name, 0) if removed is not None else None,
            output_rows=out.rows if out else None,
            output_columns=len(out.columns) if out else None,
            output_parts=len(out.files) if out else None,
        ))
    return rows


def _exclusions(manifest: Manifest) -> ExclusionSection | None:
    ex = manifest.exclusions
    if ex is None:
        return None
    removed = sum(ex.rows_removed.values())
    return ExclusionSection(
        persons_listed=ex.persons_listed, rows_removed=removed,
        sentence=f"{people(ex.persons_listed)} on the exclusion list declined research use; {num(removed)} "
                 f"of their row{'s' if removed != 1 else ''} were removed from every table before anything else "
                 "(they are counted, never listed).",
    )


def _phi(manifest: Manifest) -> PhiSection:
    by_table = {t: {c.value: n for c, n in counts.items()} for t, counts in manifest.phi_counts.items()}
    totals: Counter[str] = Counter()
    for counts in by_table.values():
        totals.update(counts)
    by_category = dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))
    total = sum(by_category.values())
    if total:
        top = ", ".join(f"{c} ({num(n)})" for c, n in list(by_category.items())[:3])
        sentence = (f"{num(total)} identifiers in {len(by_category)} categories were found and removed or "
                    f"replaced as the policy says; the most frequent: {top}.")
    else:
        sentence = "No PHI was recorded as found in this release's tables."
    return PhiSection(by_table=by_table, by_category=by_category, total=total, sentence=sentence)


def _checks(records: Sequence[ValidationRecord], noun: str, empty: str) -> CheckGroup:
    rows = [CheckRow(**record.model_dump()) for record in records]
    passed = sum(r.passed for r in rows)
    failed = len(rows) - passed
    if not rows:
        sentence = empty
    elif failed == 0:
        sentence = f"All {len(rows)} {noun}{'s' if len(rows) != 1 else ''} held."
    else:
        names = ", ".join(sorted({r.name for r in rows if not r.passed}))
        sentence = f"{failed} of {len(rows)} {noun}s failed ({names}): see the table below."
    return CheckGroup(checks=rows, passed=passed, failed=failed, sentence=sentence)


def _canaries(manifest: Manifest) -> CanarySection | None:
    c = manifest.canaries
    if c is None:
        return None
    if c.passed:
        sentence = (f"{num(c.planted)} canary values were planted in the input as fake patients; none survived "
                    "de-identification, so the pipeline removed every identifier it was shown.")
    else:
        sentence = (f"{num(c.surviving)} of {num(c.planted)} planted canary values survived de-identification: "
                    f"identifiers can leak; {num(c.removed_rows)} canary rows were removed from the output.")
    return CanarySection(**c.model_dump(), sentence=sentence)


def _risk(table: str, figures: dict[str, float | int | bool | str | None]) -> RiskSection:
    parsed = parse_risk_figures(figures)
    if parsed is None:
        other = dict(figures)
        return RiskSection(table=table, figures=None, statements=[], drivers=[], levels=[], other_figures=other)
    return RiskSection(
        table=table, figures=parsed,
        statements=[*risk_statements(parsed), *anonymization_statements(parsed)],
        drivers=driver_rows(parsed), levels=level_rows(parsed),
        other_figures={} if is_risk_figures(figures) else dict(figures),
    )


__all__ = ["RESIDUAL_SCAN_PREFIXES", "build_report", "read_steps", "report_from_manifest"]
