"""Benchmark: risk assessment and anonymization on Adult x1, x10, x100, beside pycanon in the same run.

    .venv/bin/python bench/bench_risk.py [--scales 1 10 100] [--repeat 3] [--pycanon-full-max-scale 100]

Both tools get the same in-memory data (a Polars frame for deid, the same rows as a pandas frame for
pycanon); reading the CSV is not timed. "deid risk" is the full assessment of `deid risk` (classes,
prosecutor/journalist/marketer, population uniqueness with N = 317,238,626, l-diversity, t-closeness and the
per-QI drivers); "deid anonymize" is the optimal lattice search at k = 5, 1 % suppression, plus writing the
release frame. pycanon computes k-anonymity at every scale and, up to --pycanon-full-max-scale, also
l-diversity, entropy l-diversity and t-closeness (about 20-35 s per scale here). Ratios
are pycanon time / deid time for the same work: k-anonymity alone ("deid k": reading the table into
person-level classes), and pycanon's k + l + entropy-l + t against deid's whole assessment (which does more). Results are printed and written to bench/results/.

Needs pycanon (not in the main lock): see docs/risk.md, "Benchmark".
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deid.policy import load_policy
from deid.risk import anonymize, assess_risk
from deid.risk.measures import partition
from deid.risk.units import build_units

ADULT = ROOT.parent / "shared" / "data" / "adult" / "adult.csv"
POLICY = ROOT / "policies" / "examples" / "adult.yaml"
QIS = ["sex", "age", "race", "marital-status", "education", "native-country", "workclass", "occupation"]
SENSITIVE = ["salary-class"]
ARX_RISK_3M_SECONDS = 1.45  # ARX 3.9.2's full risk assessment of Adult x100 on this kind of machine (issue 5)


def best_of(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """Fastest wall time of ``repeat`` runs, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pycanon-full-max-scale", type=int, default=100)
    args = parser.parse_args()

    try:
        from pycanon import anonymity
    except ImportError:
        print("pycanon is not installed: see docs/risk.md, 'Benchmark'", file=sys.stderr)
        return 2

    policy = load_policy(POLICY)
    base = pl.read_csv(ADULT, separator=";", infer_schema=False)
    rows: list[dict[str, Any]] = []
    header = (
        f"{'scale':>5} {'rows':>9} {'deid k':>8} {'deid risk':>10} {'deid anon':>10} {'pycanon k':>10} "
        f"{'pycanon k+l+t':>14} {'x (k)':>7} {'x (k+l+t)':>10}"
    )
    print(header)
    for scale in args.scales:
        frame = pl.concat([base] * scale).rechunk()
        pandas_frame = frame.to_pandas()

        def k_only(f: pl.DataFrame = frame) -> int:
            units = build_units(f, policy, "adult")
            return int(partition(units, [0] * len(units.qis)).sizes.min())

        k_s, _ = best_of(args.repeat, k_only)
        risk_s, report = best_of(args.repeat, lambda f=frame: assess_risk(f, policy, "adult"))
        anon_s, (_, anon) = best_of(
            args.repeat, lambda f=frame: anonymize(f, policy, "adult", suppression_limit=0.01)
        )
        pk_s, pk = best_of(1, lambda d=pandas_frame: anonymity.k_anonymity(d, QIS))
        if pk != report.k:
            print(f"mismatch: pycanon k {pk}, deid k {report.k}", file=sys.stderr)
            return 1
        full_s = None
        if scale <= args.pycanon_full_max_scale:

            def full(d=pandas_frame) -> float:  # type: ignore[no-untyped-def]
                anonymity.k_anonymity(d, QIS)
                anonymity.l_diversity(d, QIS, SENSITIVE)
                anonymity.entropy_l_diversity(d, QIS, SENSITIVE)
                return float(anonymity.t_closeness(d, QIS, SENSITIVE))

            full_s, t_value = best_of(1, full)
            if abs(t_value - report.t_closeness["salary-class"].t) > 1e-9:
                print(
                    f"mismatch: pycanon t {t_value}, deid t {report.t_closeness['salary-class'].t}",
                    file=sys.stderr,
                )
                return 1
        row = {
            "scale": scale,
            "rows": frame.height,
            "deid_risk_s": risk_s,
            "deid_anonymize_s": anon_s,
            "deid_anonymize_suppressed": anon.suppressed,
            "deid_anonymize_classes": anon.classes,
            "deid_k_s": k_s,
            "pycanon_k_s": pk_s,
            "pycanon_full_s": full_s,
            "speedup_k_vs_pycanon_k": pk_s / k_s,
            "speedup_vs_pycanon_full": None if full_s is None else full_s / risk_s,
        }
        rows.append(row)
        full_text = "-" if full_s is None else f"{full_s:.2f}"
        ratio_full = "-" if full_s is None else f"{full_s / risk_s:.0f}x"
        print(
            f"{scale:>5} {frame.height:>9} {k_s:>8.3f} {risk_s:>10.3f} {anon_s:>10.3f} {pk_s:>10.3f} "
            f"{full_text:>14} {pk_s / k_s:>6.1f}x {ratio_full:>10}"
        )
    biggest = max(rows, key=lambda r: r["rows"])
    print(
        f"full risk assessment at {biggest['rows']} rows: {biggest['deid_risk_s']:.3f} s "
        f"(target 1.5 s; ARX 3.9.2: {ARX_RISK_3M_SECONDS} s at 3 M rows)"
    )
    out = ROOT / "bench" / "results" / "bench_risk.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "machine": platform.platform(),
                "python": platform.python_version(),
                "polars": pl.__version__,
                "results": rows,
            },
            indent=2,
        )
    )
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
