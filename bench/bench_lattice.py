"""Benchmark: `deid risk` and `deid anonymize` on generated census-style tables shaped like issue 17's.

    .venv/bin/python bench/bench_lattice.py [--folder /tmp/deid-bench-census] [--limits 0 0.01 0.05]
        [--repeat 1] [--arx FILE.json]

Tables (:mod:`census_tables`, seed 7): 100,937 rows with 8 QIs of 3-6 level hierarchies (about half the people
sample-unique), and 63,441 rows all unique in the 8 QIs (one QI with a 100,000-row hierarchy file).

Prints, beside the project's previous figures (measured on the same tables before issue 17; see
``PREVIOUS``) and, with ``--arx``, beside a JSON of ARX's figures measured by a user who has ARX:

- ``deid risk --json`` whole-process wall time (a subprocess: start-up, reading, every figure, drivers) on
  both tables and on Adult;
- ``deid anonymize`` in-process time of the lattice search and the release at each suppression limit on the
  100 k table, with the nodes evaluated, the lattice size, the optimal levels and the loss.

Results are written to bench/results/bench_lattice.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import census_tables

ADULT = ROOT.parent / "shared" / "data" / "adult" / "adult.csv"
ADULT_POLICY = ROOT / "policies" / "examples" / "adult.yaml"

#: Figures of the code before issue 17, measured on these tables on the 2-core shared benchmark machine
#: (commit 717bab3): whole-process `deid risk --json` seconds, and per suppression limit the in-process
#: `anonymize` seconds and evaluated transformations.
PREVIOUS: dict[str, Any] = {
    "risk_seconds": {"census-100k": 1.46, "census-unique": 218.8, "adult": 1.36},
    "anonymize": {
        "0": {"seconds": 2.37, "evaluated": 523},
        "0.01": {"seconds": 18.54, "evaluated": 4540},
        "0.05": {"seconds": 39.95, "evaluated": 4697},
    },
}


def _cli_seconds(table: Path, policy: Path) -> float:
    """Wall time of ``deid risk TABLE --policy POLICY --json`` as a fresh process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    script = Path(sys.executable).parent / "deid"
    command = (
        [str(script)] if script.exists() else [sys.executable, "-c", "from deid.cli import main; main()"]
    )
    started = time.perf_counter()
    subprocess.run(
        [*command, "risk", str(table), "--policy", str(policy), "--json"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def _anonymize(table: Path, policy_path: Path, limit: float, repeat: int) -> dict[str, Any]:
    """Best in-process time of anonymize at ``limit``, with what it found."""
    from deid.policy import load_policy
    from deid.risk import anonymize
    from deid.tabular import scan_table

    policy = load_policy(policy_path)
    best = float("inf")
    report = None
    for _ in range(repeat):
        started = time.perf_counter()
        _, report = anonymize(scan_table(table), policy, "census", suppression_limit=limit)
        best = min(best, time.perf_counter() - started)
    assert report is not None
    return {
        "seconds": best,
        "evaluated": report.evaluated,
        "lattice": report.lattice_size,
        "levels": report.levels,
        "loss": report.loss,
        "suppressed": report.suppressed,
        "classes": report.classes,
    }


def _compare(now: float, before: float | None, unit: str = "s") -> str:
    if before is None:
        return f"{now:.2f} {unit}"
    return f"{now:.2f} {unit} (before {before:.2f} {unit}, {before / now:.1f}x)"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folder", type=Path, default=Path("/tmp/deid-bench-census"))
    parser.add_argument("--limits", type=float, nargs="+", default=[0.0, 0.01, 0.05])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--arx", type=Path, help="JSON of ARX's figures on the same tables (same keys)")
    parser.add_argument("--skip-risk", action="store_true")
    args = parser.parse_args()
    arx = json.loads(args.arx.read_text()) if args.arx else {}

    tables = {
        "census-100k": census_tables.write(args.folder / "census-100k", 100_937),
        "census-unique": census_tables.write(args.folder / "census-unique", 63_441, unique=True),
        "adult": (ADULT, ADULT_POLICY),
    }
    results: dict[str, Any] = {"risk_seconds": {}, "anonymize": {}}
    if not args.skip_risk:
        for name, (table, policy) in tables.items():
            seconds = min(_cli_seconds(table, policy) for _ in range(args.repeat))
            results["risk_seconds"][name] = seconds
            extra = f"; ARX {arx['risk_seconds'][name]} s" if name in arx.get("risk_seconds", {}) else ""
            print(f"deid risk --json {name}: {_compare(seconds, PREVIOUS['risk_seconds'].get(name))}{extra}")
    table, policy = tables["census-100k"]
    for limit in args.limits:
        key = f"{limit:g}"
        figures = _anonymize(table, policy, limit, args.repeat)
        results["anonymize"][key] = figures
        before = PREVIOUS["anonymize"].get(key, {})
        arx_figures = arx.get("anonymize", {}).get(key)
        print(
            f"deid anonymize census-100k at {limit:.0%}: {_compare(figures['seconds'], before.get('seconds'))}, "
            f"{figures['evaluated']} of {figures['lattice']} nodes evaluated"
            + (f" (before {before['evaluated']})" if before else "")
            + (f"; ARX {arx_figures['evaluated']} nodes, {arx_figures['seconds']} s" if arx_figures else "")
            + f"; loss {figures['loss']:.6f}, suppressed {figures['suppressed']}, levels "
            + ",".join(str(v) for v in figures["levels"].values())
        )
    out = ROOT / "bench" / "results" / "bench_lattice.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {"machine": platform.platform(), "python": platform.python_version(), "results": results},
            indent=2,
        )
    )
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
