"""``python -m deid.report.demo OUT``: regenerate ``reports/demo`` (the demo release's report and screenshot).

Renders the newest release found under ``--search`` (``deid demo``'s output folder) or the release given by
``--release``; with neither, or when the search finds none, it builds the sample release
(:mod:`deid.report.sample`) in a temporary folder. Writes ``OUT/report.html``, ``report.md``,
``report.json`` and ``screenshot.png`` (the top of the page in headless Chromium; fails if the page makes
any request or logs an error).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from deid.release.manifest import MANIFEST_FILE
from deid.report.browser import load_in_browser
from deid.report.build import build_report
from deid.report.render import RENDERERS
from deid.report.sample import build_sample_release


def newest_release(root: Path) -> Path | None:
    """The most recently finalized release folder under ``root`` (approved or quarantined), if any."""
    found = [m.parent for m in root.glob(f"**/*/{MANIFEST_FILE}") if ".staging" not in m.parts]
    return max(found, key=lambda p: p.joinpath(MANIFEST_FILE).stat().st_mtime) if found else None


def write_demo(out: Path, release: Path) -> list[Path]:
    """Write the report of ``release`` in every format and its screenshot into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    report = build_report(release)
    written = []
    for fmt, renderer in RENDERERS.items():
        path = out / f"report.{fmt}"
        path.write_text(renderer(report), encoding="utf-8")
        written.append(path)
    shot = out / "screenshot.png"
    load = load_in_browser(out / "report.html", shot, height=1500, full_page=False)
    if load.other_requests or load.console_errors or load.page_errors:
        raise SystemExit(f"the report made requests or errors in Chromium: {load.other_requests} "
                         f"{load.console_errors} {load.page_errors}")
    return [*written, shot]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m deid.report.demo", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write (reports/demo)")
    parser.add_argument("--release", type=Path, help="the release folder to report on")
    parser.add_argument("--search", type=Path, help="take the newest release under this folder")
    args = parser.parse_args(argv)
    release = args.release or (newest_release(args.search) if args.search and args.search.is_dir() else None)
    with tempfile.TemporaryDirectory() as tmp:
        if release is None:
            print("no release found: building the sample release (deid.report.sample)", file=sys.stderr)
            release = build_sample_release(Path(tmp)).path
        for path in write_demo(args.out, release):
            print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
