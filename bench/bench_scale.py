"""Benchmark: start-up, memory and one very long note, measured on the `deid` command as a user runs it.

Prints, each from fresh processes:

- ``import deid.cli``: wall time, and whether it loaded spaCy or Presidio (it should not);
- ``deid detect`` on a one-note file: wall time and peak RSS, first with an empty lexicon cache (the cache is
  built) and then warm (the figure a user sees on every run but the first);
- ``deid detect`` on a file holding one note of ``--size`` characters (generated notes joined): wall time,
  CPU time (user + system, all processes) and peak RSS of the largest process (the parent or a worker).

    .venv/bin/python bench/bench_scale.py [--runs 3] [--size 1000000] [--tree DIR]

``--tree DIR`` measures another checkout (put first on PYTHONPATH), e.g. ``git worktree add /tmp/base HEAD``.
Notes come from a generated synthetic hospital (``deid corpus generate``, seed 3, distinct notes). Wall times
depend on what else the machine runs; CPU time much less.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: Runs a command and prints its wall time, CPU time and the peak RSS of its largest process as JSON.
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
                  "code": done.returncode, "stderr": done.stderr[-2000:]}))
"""

_IMPORT = """
import sys, time
start = time.perf_counter()
import deid.cli
wall = time.perf_counter() - start
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"spacy", "presidio_analyzer", "thinc", "polars"})
print(wall, ",".join(heavy) or "-", deid.cli.__file__)
"""


def measure(command: list[str], env: dict[str, str], cwd: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, env=env,
                         cwd=cwd, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result['code']}):\n{result['stderr']}")
    return result


def deid_command(tree: Path | None) -> list[str]:
    script = Path(sys.executable).with_name("deid")
    if tree is None and script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from deid.cli import main; main()"]


def write_notes(folder: Path, size: int) -> tuple[Path, Path]:
    """A one-note file and a file of one ``size``-character note, from a generated hospital."""
    from deid.corpus import generate_corpus

    patients = max(20, size // 2_500 + 20)  # 6 notes of ~490 characters each per patient
    generate_corpus(folder / "hospital", patients=patients, notes_per_patient=6, seed=3)
    texts = [json.loads(line)["text"] for line in (folder / "hospital" / "gold.jsonl").open(encoding="utf-8")]
    one = folder / "one.jsonl"
    one.write_text(json.dumps({"doc_id": "one", "text": texts[0]}) + "\n", encoding="utf-8")
    joined, length = [], 0
    for text in texts:
        joined.append(text)
        length += len(text) + 2
        if length >= size:
            break
    big_text = "\n\n".join(joined)[:size]
    if len(big_text) < size:
        raise SystemExit(f"the generated notes hold only {len(big_text):,} characters")
    big = folder / "big.jsonl"
    big.write_text(json.dumps({"doc_id": "big", "text": big_text}) + "\n", encoding="utf-8")
    return one, big


def main() -> None:
    """Measure and print start-up, memory and the long-note figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Warm one-note runs (the median is printed).")
    parser.add_argument("--size", type=int, default=1_000_000, help="Characters of the long note (0: skip it).")
    parser.add_argument("--tree", type=Path, help="Checkout to measure (default: the installed deid).")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="deid-bench-scale-"))
    env = {**os.environ, "DEID_CACHE_DIR": str(work / "cache")}
    if args.tree:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(args.tree.resolve()), env.get("PYTHONPATH")]))
    deid = deid_command(args.tree)
    try:
        one, big = write_notes(work, max(args.size, 10_000))
        # Every command runs in the scratch folder: ``python -c`` puts the working folder first on sys.path.
        imports = [subprocess.run([sys.executable, "-c", _IMPORT], capture_output=True, text=True, env=env, cwd=work,
                                  check=True).stdout.split() for _ in range(args.runs)]
        seconds = sorted(float(w) for w, _, _ in imports)[len(imports) // 2]
        print(f"deid under test: {Path(imports[0][2]).parent.parent}")
        print(f"import deid.cli            {seconds:6.2f} s            heavy modules loaded: {imports[0][1]}")

        detect = [*deid, "detect", str(one), "-o", str(work / "one-out.jsonl")]
        cold = measure(detect, env, work)
        print(f"deid detect, 1 note, cold  {cold['wall']:6.2f} s  {cold['rss_mb']:6.0f} MB peak RSS"
              "   (empty lexicon cache: builds it)")
        warm = sorted((measure(detect, env, work) for _ in range(args.runs)), key=lambda r: r["wall"])
        mid = warm[len(warm) // 2]
        print(f"deid detect, 1 note, warm  {mid['wall']:6.2f} s  {max(r['rss_mb'] for r in warm):6.0f} MB peak RSS"
              f"   (median of {args.runs}; CPU {mid['cpu']:.2f} s)")

        if args.size:
            long = measure([*deid, "detect", str(big), "-o", str(work / "big-out.jsonl")], env, work)
            print(f"deid detect, {args.size:,}-char note  {long['wall']:6.1f} s  {long['rss_mb']:6.0f} MB peak RSS"
                  f" (largest process)   CPU {long['cpu']:.1f} s on {os.cpu_count()} cores")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
