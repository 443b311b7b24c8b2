"""Train, evaluate and package the learned PHI tagger (``make model``; ``python -m deid.training.train``).

Steps, all deterministic for the seeds given:

1. generate ``--train-docs`` synthetic documents (seed ``--seed``) and ``--dev-docs`` more (seed + 1) with
   :mod:`deid.training.synth`, and convert them to spaCy ``DocBin`` files (spans that do not fall on token
   boundaries are widened to the tokens that hold them);
2. train ``config.cfg`` with spaCy's trainer (its own seed in the config);
3. score the best model on a third generated set (seed + 2) that neither training nor model selection saw;
4. write the pipeline to ``deid/text/models/phi_ner`` with ``meta.json`` (recipe, seeds, sizes, scores) and
   pin its content hash in ``deid/text/models/phi_ner.sha256``, which the loader checks.

Nothing is read from ``../shared``: the evaluation corpora never train or tune the model.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from deid.text.model import folder_sha256
from deid.training import synth

CONFIG = Path(__file__).with_name("config.cfg")
MODELS = Path(__file__).resolve().parents[1] / "text" / "models"


def to_docbin(records: list[dict], out: Path) -> dict[str, int]:  # type: ignore[type-arg]
    """Write gold records as a spaCy DocBin; returns counts of entities per label."""
    import spacy
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    nlp = spacy.blank("en")
    db = DocBin(store_user_data=False)
    counts: dict[str, int] = {}
    for record in records:
        doc = nlp.make_doc(record["text"])
        ents = []
        for span in record["spans"]:
            ent = doc.char_span(span["start"], span["end"], label=span["label"], alignment_mode="expand")
            if ent is not None:
                ents.append(ent)
        doc.ents = filter_spans(ents)
        for ent in doc.ents:
            counts[ent.label_] = counts.get(ent.label_, 0) + 1
        db.add(doc)
    db.to_disk(out)
    return counts


def evaluate(model_dir: Path, records: list[dict]) -> dict[str, object]:  # type: ignore[type-arg]
    """Token-level recall and entity precision of a trained pipeline on gold records (label-blind)."""
    import spacy

    nlp = spacy.load(model_dir)
    gold_chars = found_chars = predicted = correct = 0
    for record, doc in zip(records, nlp.pipe(r["text"] for r in records)):
        gold = set()
        for span in record["spans"]:
            gold.update(i for i in range(span["start"], span["end"]) if record["text"][i].isalnum())
        pred = set()
        for ent in doc.ents:
            chars = {i for i in range(ent.start_char, ent.end_char) if record["text"][i].isalnum()}
            pred |= chars
            predicted += 1
            correct += bool(chars & gold)
        gold_chars += len(gold)
        found_chars += len(gold & pred)
    return {"documents": len(records), "char_recall": round(found_chars / max(gold_chars, 1), 4),
            "precision": round(correct / max(predicted, 1), 4), "predicted": predicted}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train-docs", type=int, default=8000)
    parser.add_argument("--dev-docs", type=int, default=800)
    parser.add_argument("--test-docs", type=int, default=800)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--max-steps", type=int, default=None, help="Override the config's training.max_steps.")
    parser.add_argument("--out", type=Path, default=MODELS / "phi_ner")
    args = parser.parse_args(argv)

    from spacy.cli.train import train

    started = time.time()
    with tempfile.TemporaryDirectory(prefix="deid-train-") as tmp_name:
        tmp = Path(tmp_name)
        sets = {}
        for name, count, seed in (("train", args.train_docs, args.seed), ("dev", args.dev_docs, args.seed + 1),
                                  ("test", args.test_docs, args.seed + 2)):
            sets[name] = list(synth.generate(count, seed))
        counts = to_docbin(sets["train"], tmp / "train.spacy")
        to_docbin(sets["dev"], tmp / "dev.spacy")
        print(f"generated {args.train_docs} training documents: {counts}", flush=True)
        overrides = {"paths.train": str(tmp / "train.spacy"), "paths.dev": str(tmp / "dev.spacy")}
        if args.max_steps is not None:
            overrides["training.max_steps"] = args.max_steps
        train(CONFIG, tmp / "out", overrides=overrides)
        best = tmp / "out" / "model-best"
        scores = evaluate(best, sets["test"])
        print(f"held-out generated test set: {scores}", flush=True)
        meta_path = best / "meta.json"
        meta = json.loads(meta_path.read_text())
        meta.update({
            "name": "deid_phi_ner", "version": "1.0.0",
            "description": "deid's learned PHI tagger (NAME, LOCATION, FACILITY, ADDRESS), trained only on "
                           "text generated by deid.training.synth.",
            "deid_recipe": {"config": "deid/training/config.cfg", "generator": "deid/training/synth.py",
                            "train_docs": args.train_docs, "dev_docs": args.dev_docs, "test_docs": args.test_docs,
                            "seed": args.seed, "entity_counts": counts, "held_out_test": scores,
                            "minutes": round((time.time() - started) / 60, 1)},
        })
        meta.pop("performance", None)
        meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
        if args.out.exists():
            shutil.rmtree(args.out)
        shutil.copytree(best, args.out)
    digest = folder_sha256(args.out)
    args.out.with_suffix(".sha256").write_text(digest + "\n")
    print(f"wrote {args.out} (sha256 {digest})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
