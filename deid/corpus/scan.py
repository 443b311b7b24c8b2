"""``deid scan``: what in a data set (a release, or data someone wants to train on) still looks like PHI.

Three checks, over every Parquet, CSV and JSONL file of a file or folder:

1. **Cells.** Pattern checks for SSN, phone, e-mail, MRN (with its label), IP address and URL in every text
   column; the PHI detector (:mod:`deid.text`) on free-text columns (those the policy scrubs, or, without a
   policy, text columns of long multi-word values).
2. **Columns.** Columns that look like identifiers: named like one (``ssn``, ``phone`` ...) with values that
   are neither pseudonym tokens nor suppressed; most values shaped like an SSN, phone, e-mail, IP or URL;
   full dates; 5-digit ZIP codes; ages over 89 that were not top-coded.
3. **Planted values** (``planted=GOLD``): no span text of a gold corpus occurs anywhere, exactly or
   case-insensitively, as a whole token (:mod:`deid.corpus.planted`).

With a policy, findings the policy explains are marked ``expected`` with the reason and do not fail the
scan: a column the policy releases on purpose (``date_shift``, ``zip3`` ...), and text of categories the
policy replaces by realistic values (``surrogate``, ``date_shift``, ``year_only``, ``top_code``, ``keep``),
which any detector will flag again. Everything else fails closed. The report never holds a data value.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from deid import __version__
from deid.categories import Category
from deid.corpus.frames import batches, data_files
from deid.corpus.gold import read_gold
from deid.corpus.planted import PlantedIndex, planted_values
from deid.errors import InputError, LeakError
from deid.policy import Policy, TextAction, load_policy

SCAN_SCHEMA_VERSION = 1
MAX_LISTED = 10_000


@dataclass(frozen=True)
class CellPattern:
    """A pattern check: a Rust-regex prefilter for polars, the precise Python regex, the group that is PHI."""

    name: str
    category: Category
    prefilter: str
    regex: re.Pattern[str]
    group: int = 0


CELL_PATTERNS: tuple[CellPattern, ...] = (
    CellPattern("scan.ssn.v1", Category.SSN, r"\d{3}[- ]\d{2}[- ]\d{4}",
                re.compile(r"(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])")),
    CellPattern("scan.phone.v1", Category.PHONE, r"\d{3}[ .-]\d{4}",
                re.compile(r"(?<![\w.])(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w])")),
    CellPattern("scan.email.v1", Category.EMAIL, r"@",
                re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    CellPattern("scan.mrn.v1", Category.MRN, r"(?i)mrn|medical record",
                re.compile(r"(?i)\b(?:mrn|medical record (?:number|no\.?))[\s:#.]*(\d{5,12})\b"), group=1),
    CellPattern("scan.ip.v1", Category.IP_ADDRESS, r"\d+\.\d+\.\d+\.\d+",
                re.compile(r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\w.])")),
    CellPattern("scan.url.v1", Category.URL, r"(?i)https?://|www\.",
                re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:)]")),
)

#: Column names that say what a column holds (lower-cased, compared as whole words of the name).
COLUMN_NAMES: tuple[tuple[re.Pattern[str], Category], ...] = tuple(
    (re.compile(rf"(?:^|_)(?:{words})(?:_|$)"), category) for words, category in (
        ("name|first_name|last_name|full_name|surname|given_name|attending|physician|provider|nurse",
         Category.NAME),
        ("ssn|social_security(?:_number)?", Category.SSN), ("mrn|medical_record(?:_number)?", Category.MRN),
        ("phone|telephone|mobile|cell", Category.PHONE), ("fax", Category.FAX),
        ("email|e_mail", Category.EMAIL), ("address|street|addr", Category.ADDRESS),
        ("city|town", Category.LOCATION), ("insurance_id|member_id|policy_number|health_plan", Category.HEALTH_PLAN),
        ("account|account_number", Category.ACCOUNT), ("license|licence|dea|npi", Category.LICENSE),
        ("vin|plate|license_plate", Category.VEHICLE), ("serial|device_id", Category.DEVICE),
        ("url|website", Category.URL), ("ip|ip_address", Category.IP_ADDRESS),
    ))
_FULL_CELL = {
    Category.SSN: r"^\d{3}-\d{2}-\d{4}$", Category.PHONE: r"^(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}$",
    Category.EMAIL: r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$", Category.IP_ADDRESS: r"^\d{1,3}(?:\.\d{1,3}){3}$",
    Category.URL: r"(?i)^(?:https?://|www\.)\S+$",
}
_TOKEN = r"^[A-Za-z0-9_-]{0,17}[0-9a-f]{16,64}$"  # a keyed pseudonym: optional prefix, hex digest
_SUPPRESSED = {"*", ""}
#: Text actions that leave a realistic value behind, which a detector will flag again.
LOOKALIKE_ACTIONS = {TextAction.SURROGATE, TextAction.DATE_SHIFT, TextAction.YEAR_ONLY, TextAction.TOP_CODE,
                     TextAction.KEEP}
#: Column actions that release a quasi-identifier on purpose.
RELEASING_ACTIONS = {"keep", "date_shift", "year_only", "zip3", "age", "generalize", "top_bottom_code"}


class _Report(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CellFinding(_Report):
    """A text cell with something that still looks like PHI; the location, never the value."""

    file: str = Field(description="Data file.")
    column: str = Field(description="Column.")
    row: int = Field(description="Row number in the file (0-based, data rows only).")
    category: str = Field(description="PHI category it looks like.")
    start: int = Field(description="Start offset in the cell.")
    end: int = Field(description="End offset in the cell.")
    check: str = Field(description="What found it: a scan pattern or a detector recognizer.")
    expected: bool = Field(description="True when the policy replaces this category by a realistic value.")


class ColumnFinding(_Report):
    """A column that looks like an identifier, and why."""

    file: str = Field(description="Data file.")
    column: str = Field(description="Column.")
    category: str = Field(description="PHI category the column looks like.")
    reason: str = Field(description="What about the column looks identifying.")
    expected: bool = Field(description="True when the policy releases this column on purpose.")
    policy_reason: str | None = Field(description="The policy rule that explains it, or null.")


class PlantedHit(_Report):
    """A planted value of the gold corpus found in the data."""

    file: str = Field(description="Data file.")
    column: str = Field(description="Column.")
    row: int = Field(description="Row number in the file (0-based).")
    start: int = Field(description="Start offset in the cell.")
    end: int = Field(description="End offset in the cell.")
    label: str = Field(description="Gold label of the planted value.")
    gold_doc_id: str = Field(description="Gold document the value was first planted in.")
    match: str = Field(description="exact or case_insensitive.")


class FileSummary(_Report):
    """One scanned file."""

    file: str = Field(description="Data file.")
    rows: int = Field(description="Rows read.")
    columns: int = Field(description="Columns read.")
    text_columns: list[str] = Field(description="Columns given to the PHI detector as free text.")


class ScanReport(_Report):
    """What a residual scan found; embedded in release manifests."""

    schema_version: int = Field(default=SCAN_SCHEMA_VERSION, description="Version of this report format.")
    tool_version: str = Field(description="deid version that scanned.")
    path: str = Field(description="File or folder scanned.")
    policy: str | None = Field(description="Policy that configured the scan, or null.")
    policy_sha256: str | None = Field(description="sha256 of the policy file, or null.")
    planted: str | None = Field(description="Gold corpus whose planted values were searched for, or null.")
    detector: bool = Field(description="Whether the PHI detector ran on free-text columns.")
    files: list[FileSummary] = Field(description="Every file scanned.")
    cells_scanned: int = Field(description="Cells read over all files.")
    cell_findings_total: int = Field(description="Cell findings not explained by the policy.")
    cell_findings_expected: int = Field(description="Cell findings the policy explains (realistic replacements).")
    findings_by_category: dict[str, int] = Field(description="Unexplained cell findings per category.")
    cell_findings: list[CellFinding] = Field(description=f"Cell findings, at most {MAX_LISTED} listed.")
    columns: list[ColumnFinding] = Field(description="Columns that look like identifiers.")
    planted_values_searched: int = Field(description="Distinct planted values searched for.")
    planted_values_too_short: int = Field(description="Planted values too short to search for meaningfully.")
    planted_hits_total: int = Field(description="Occurrences of planted values.")
    planted_hits: list[PlantedHit] = Field(description=f"Occurrences of planted values, at most {MAX_LISTED}.")
    clean: bool = Field(description="True when nothing unexplained was found.")

    def raise_for_findings(self) -> None:
        """Raise :class:`LeakError` summarising what was found (counts and categories only)."""
        if self.clean:
            return
        columns = sum(1 for c in self.columns if not c.expected)
        raise LeakError(f"{self.path}: residual PHI found: {self.cell_findings_total} cell finding(s) "
                        f"{dict(sorted(self.findings_by_category.items()))}, {columns} identifying column(s), "
                        f"{self.planted_hits_total} planted value occurrence(s)")


@dataclass
class _ColumnStats:
    dtype: pl.DataType | None = None
    non_null: int = 0
    shaped: Counter[Category] = field(default_factory=Counter)
    tokens: int = 0
    suppressed: int = 0
    zip5: int = 0
    over_89: int = 0


def _table_for(path: Path, policy: Policy | None) -> str | None:
    if policy is None:
        return None
    stem = path.name.split(".")[0]
    return stem if stem in policy.tables else None


def _is_text_column(frame: pl.DataFrame, column: str) -> bool:
    values = frame[column].drop_nulls()
    if frame[column].dtype != pl.String or values.len() == 0:
        return False
    mean_length = values.str.len_chars().mean()
    spaced = values.str.contains(r"\s\S+\s").mean()
    return bool(mean_length is not None and float(mean_length) >= 30 and spaced is not None and float(spaced) >= 0.5)


class _Scanner:
    def __init__(self, policy: Policy | None, planted: PlantedIndex | None, use_detector: bool,
                 advance: Callable[[int], None] | None) -> None:
        self.policy = policy
        self.planted = planted
        self.use_detector = use_detector
        self.detector = None
        self.advance = advance
        self.cells: list[CellFinding] = []
        self.cells_total = self.cells_expected = self.scanned = 0
        self.by_category: Counter[str] = Counter()
        self.hits: list[PlantedHit] = []
        self.hits_total = 0
        self.files: list[FileSummary] = []
        self.columns: list[ColumnFinding] = []

    def _expected_text(self, category: str) -> bool:
        if self.policy is None or category not in Category.__members__:
            return False
        return self.policy.text.categories[Category(category)].action in LOOKALIKE_ACTIONS

    def _cell(self, finding: CellFinding) -> None:
        if finding.expected:
            self.cells_expected += 1
            return
        self.cells_total += 1
        self.by_category[finding.category] += 1
        if len(self.cells) < MAX_LISTED:
            self.cells.append(finding)

    def scan_file(self, path: Path) -> None:
        table = _table_for(path, self.policy)
        stats: dict[str, _ColumnStats] = {}
        text_columns: list[str] | None = None
        rows = width = 0
        for offset, frame in batches(path):
            rows += frame.height
            width = max(width, frame.width)
            self.scanned += frame.height * frame.width
            if text_columns is None:
                text_columns = self._text_columns(frame, table)
            for column in frame.columns:
                self._column_batch(path, frame, column, offset, stats.setdefault(column, _ColumnStats()),
                                   column in text_columns)
            if self.advance is not None:
                self.advance(frame.height)
        for column, st in stats.items():
            self._column_verdict(path, table, column, st)
        self.files.append(FileSummary(file=str(path), rows=rows, columns=width, text_columns=text_columns or []))

    def _text_columns(self, frame: pl.DataFrame, table: str | None) -> list[str]:
        if self.policy is not None and table is not None:
            spec = self.policy.tables[table]
            return [c for c, rule in spec.columns.items() if rule.action == "scrub" and c in frame.columns]
        return [c for c in frame.columns if _is_text_column(frame, c)]

    def _column_batch(self, path: Path, frame: pl.DataFrame, column: str, offset: int, st: _ColumnStats,
                      is_text: bool) -> None:
        series = frame[column]
        st.dtype = series.dtype
        values = series.drop_nulls()
        st.non_null += values.len()
        if series.dtype in (pl.Date, pl.Datetime) or series.dtype.is_numeric():
            if series.dtype.is_numeric() and column.lower() == "age" and values.len():
                st.over_89 += int((values > 89).sum())
            self._planted(path, column, series, offset)
            return
        if series.dtype != pl.String:
            return
        for category, regex in _FULL_CELL.items():
            st.shaped[category] += int(values.str.contains(regex).sum())
        st.tokens += int(values.str.contains(_TOKEN).sum())
        st.suppressed += int(values.is_in(list(_SUPPRESSED)).sum())
        st.zip5 += int(values.str.contains(r"^\d{5}(?:-\d{4})?$").sum())
        if column.lower() == "age":
            st.over_89 += int((values.cast(pl.Int64, strict=False) > 89).sum() or 0)
        spans_by_row = self._patterns(path, column, series, offset)
        if is_text and self.use_detector:
            self._detect(path, column, series, offset, spans_by_row)
        self._planted(path, column, series, offset)

    def _patterns(self, path: Path, column: str, series: pl.Series, offset: int) -> dict[int, list[tuple[int, int]]]:
        found: dict[int, list[tuple[int, int]]] = {}
        for pattern in CELL_PATTERNS:
            rows = series.str.contains(pattern.prefilter).fill_null(False).arg_true()
            for row, cell in zip(rows.to_list(), series.gather(rows).to_list()):
                for match in pattern.regex.finditer(cell):
                    start, end = match.span(pattern.group)
                    found.setdefault(row, []).append((start, end))
                    self._cell(CellFinding(file=str(path), column=column, row=offset + row,
                                           category=pattern.category.value, start=start, end=end,
                                           check=pattern.name, expected=self._expected_text(pattern.category)))
        return found

    def _detect(self, path: Path, column: str, series: pl.Series, offset: int,
                already: dict[int, list[tuple[int, int]]]) -> None:
        from deid.corpus.detection import detect_spans, make_detector

        if self.detector is None:
            self.detector = make_detector(self.policy)
        rows = series.is_not_null().arg_true().to_list()
        texts = series.gather(rows).to_list() if rows else []
        for row, spans in zip(rows, detect_spans(texts, self.detector)):
            for span in spans:
                if any(s < span.end and span.start < e for s, e in already.get(row, ())):
                    continue
                self._cell(CellFinding(file=str(path), column=column, row=offset + row, category=span.label,
                                       start=span.start, end=span.end, check=span.source,
                                       expected=self._expected_text(span.label)))

    def _planted(self, path: Path, column: str, series: pl.Series, offset: int) -> None:
        if self.planted is None:
            return
        strings = series.dt.to_string("%Y-%m-%d") if series.dtype == pl.Date else series
        for match in self.planted.find(strings):
            self.hits_total += 1
            if len(self.hits) < MAX_LISTED:
                self.hits.append(PlantedHit(
                    file=str(path), column=column, row=offset + match.row, start=match.start, end=match.end,
                    label=match.planted.label, gold_doc_id=match.planted.doc_id,
                    match="exact" if match.exact else "case_insensitive"))

    def _column_verdict(self, path: Path, table: str | None, column: str, st: _ColumnStats) -> None:
        reasons: list[tuple[Category, str]] = []
        name = column.lower()
        live = st.non_null - st.tokens - st.suppressed
        if st.dtype in (pl.Date, pl.Datetime) and st.non_null:
            reasons.append((Category.DATE, "holds full dates"))
        for category, count in st.shaped.items():
            if st.non_null and count / st.non_null >= 0.5:
                reasons.append((category, f"{count / st.non_null:.0%} of its values are shaped like {category.value}"))
        if ("zip" in name or "postal" in name) and st.non_null and st.zip5 / st.non_null >= 0.5:
            reasons.append((Category.ZIP, "holds 5-digit ZIP codes"))
        if st.over_89:
            reasons.append((Category.AGE, f"{st.over_89} age(s) over 89 not top-coded"))
        for pattern, category in COLUMN_NAMES:
            if pattern.search(name) and live > 0 and all(c is not category for c, _ in reasons):
                reasons.append((category, (f"named like {category.value} and its values are neither pseudonym "
                                           "tokens nor suppressed")))
                break
        rule = self.policy.tables[table].columns.get(column) if self.policy and table else None
        for category, reason in reasons:
            expected = rule is not None and rule.action in RELEASING_ACTIONS
            policy_reason = (f"policy {self.policy.name}: {table}.{column} is released with action {rule.action}: "
                             f"{rule.reason}") if expected and self.policy and rule else None
            self.columns.append(ColumnFinding(file=str(path), column=column, category=category.value,
                                              reason=reason, expected=expected, policy_reason=policy_reason))


def scan_path(
    path: str | Path,
    *,
    policy_path: str | Path | None = None,
    planted_path: str | Path | None = None,
    planted_labels: list[str] | None = None,
    use_detector: bool = True,
    advance: Callable[[int], None] | None = None,
    json_path: str | Path | None = None,
) -> ScanReport:
    """Scan a file or folder for residual PHI; return the report (call ``raise_for_findings`` to gate).

    ``json_path``, if given, receives the full report as JSON (it holds locations, never values).
    """
    files = data_files(path)
    policy = load_policy(policy_path) if policy_path is not None else None
    index = None
    if planted_path is not None:
        index = PlantedIndex(planted_values(read_gold(planted_path), planted_labels))
    scanner = _Scanner(policy, index, use_detector, advance)
    for file in files:
        scanner.scan_file(file)
    unexpected_columns = [c for c in scanner.columns if not c.expected]
    report = ScanReport(
        tool_version=__version__, path=str(path), policy=str(policy_path) if policy_path else None,
        policy_sha256=policy.sha256 if policy else None, planted=str(planted_path) if planted_path else None,
        detector=use_detector, files=scanner.files, cells_scanned=scanner.scanned,
        cell_findings_total=scanner.cells_total, cell_findings_expected=scanner.cells_expected,
        findings_by_category=dict(sorted(scanner.by_category.items())), cell_findings=scanner.cells,
        columns=scanner.columns, planted_values_searched=len(index) if index else 0,
        planted_values_too_short=index.skipped_short if index else 0, planted_hits_total=scanner.hits_total,
        planted_hits=scanner.hits,
        clean=scanner.cells_total == 0 and not unexpected_columns and scanner.hits_total == 0,
    )
    if json_path is not None:
        try:
            Path(json_path).write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{json_path}: cannot write the report ({exc.strerror})") from None
    return report


def render_scan(report: ScanReport, max_lines: int = 50) -> str:
    """The scan report as the CLI prints it: counts, columns, first findings, planted hits."""
    detector = "on" if report.detector else "off"
    lines = [f"scanned {len(report.files)} file(s), {report.cells_scanned} cells; detector {detector}"]
    lines.append(f"cell findings: {report.cell_findings_total} "
                 f"{dict(sorted(report.findings_by_category.items()))}"
                 + (f"; {report.cell_findings_expected} explained by the policy" if report.cell_findings_expected
                    else ""))
    for f in report.cell_findings[:max_lines]:
        lines.append(f"  {f.file} [{f.column}] row {f.row} {f.category} {f.start}-{f.end} ({f.check})")
    if report.cell_findings_total > max_lines:
        lines.append(f"  ... and {report.cell_findings_total - max_lines} more (use --json for the list)")
    lines.append(f"identifying columns: {sum(1 for c in report.columns if not c.expected)}")
    for c in report.columns:
        tag = f"expected: {c.policy_reason}" if c.expected else "FOUND"
        lines.append(f"  {c.file} [{c.column}] {c.category}: {c.reason} ({tag})")
    if report.planted is not None:
        lines.append(f"planted values: {report.planted_values_searched} searched "
                     f"({report.planted_values_too_short} too short to search), {report.planted_hits_total} found")
        for h in report.planted_hits[:max_lines]:
            lines.append(f"  {h.file} [{h.column}] row {h.row} {h.start}-{h.end} {h.label} "
                         f"(planted in {h.gold_doc_id}, {h.match})")
    lines.append("CLEAN" if report.clean else "RESIDUAL PHI FOUND")
    return "\n".join(lines)


__all__ = ["CELL_PATTERNS", "SCAN_SCHEMA_VERSION", "CellFinding", "ColumnFinding", "FileSummary", "PlantedHit",
           "ScanReport", "render_scan", "scan_path"]
