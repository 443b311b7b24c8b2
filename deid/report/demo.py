"""``python -m deid.report.demo OUT``: regenerate ``reports/demo`` (the demo release's report and screenshot).

Reports on the release ``deid demo`` writes (``--run-demo DIR`` runs it first, whatever its verdict), on a
given release (``--release``), or on the sample release of :mod:`deid.report.sample` (``--sample``). Writes
``OUT/report.html``, ``report.md``,
``report.json`` and ``screenshot.png`` (the top of the page in headless Chromium; fails if the page makes
any request or logs an error).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from deid.report.browser import load_in_browser
from deid.report.build import build_report
from deid.report.render import RENDERERS
from deid.report.sample import build_sample_release


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


def demo_release(out: Path) -> Path:
    """Run ``deid demo`` into ``out`` (fresh) and return its release folder, approved or quarantined."""
    from deid.demo import run_demo

    shutil.rmtree(out, ignore_errors=True)
    return Path(run_demo(out).run.path)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m deid.report.demo", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write (reports/demo)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--run-demo", type=Path, metavar="DIR",
                        help="run `deid demo --out DIR` (DIR is replaced) and report on its release")
    source.add_argument("--release", type=Path, metavar="DIR", help="report on this release folder")
    source.add_argument("--sample", action="store_true", help="report on the sample release (deid.report.sample)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.sample:
            release = build_sample_release(Path(tmp)).path
        elif args.run_demo is not None:
            release = demo_release(args.run_demo)
        else:
            release = args.release
        for path in write_demo(args.out, release):
            print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
