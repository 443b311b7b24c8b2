"""``deid detect`` and ``deid scrub`` (free-text notes)."""

from __future__ import annotations

from pathlib import Path

import typer

from deid.cli._common import handle_errors, out, progress

DEFAULT_POLICY = Path("policies/safe-harbor.yaml")


def register(app: typer.Typer) -> None:
    """Add `detect` and `scrub` to ``app``."""

    @app.command("detect")
    @handle_errors
    def detect_cli(
        input_path: Path = typer.Argument(..., help="JSONL, CSV or Parquet file of documents."),
        output: Path = typer.Option(..., "-o", "--output", help="Where to write the spans (JSONL)."),
        policy: Path | None = typer.Option(None, "--policy", help="Policy whose text section configures detection."),
        id_column: str = typer.Option("doc_id", help="Column (or key) with the document id."),
        text_column: str = typer.Option("text", help="Column (or key) with the text."),
        workers: int = typer.Option(0, help="Processes to use; 0: every core for inputs over 2 MB, else one."),
    ) -> None:
        """Find PHI spans in notes and write one JSON line per document: doc_id and spans."""
        from deid.policy import load_policy
        from deid.text import Detector
        from deid.text.jobs import detect_file, worker_count

        detector = Detector.from_policy(load_policy(policy)) if policy else Detector.default()
        with progress("detecting") as advance:
            summary = detect_file(input_path, output, detector, id_column=id_column, text_column=text_column,
                                  on_batch=advance, workers=worker_count(input_path, workers))
        found = ", ".join(f"{k} {v}" for k, v in summary.spans.most_common()) or "none"
        out.print(f"{summary.documents} documents, {sum(summary.spans.values())} spans ({found}) -> {output}",
                  highlight=False)

    @app.command("scrub")
    @handle_errors
    def scrub_cli(
        input_path: Path = typer.Argument(..., help="JSONL, CSV or Parquet file of documents."),
        output: Path = typer.Option(..., "-o", "--output", help="Where to write the scrubbed documents (JSONL)."),
        policy: Path = typer.Option(..., "--policy", help="Policy that says what replaces each category."),
        key_dir: Path | None = typer.Option(None, "--key-dir", help="Folder from `deid keys generate`."),
        demo_keys: bool = typer.Option(False, "--demo-keys", help="Throw-away keys: for trying the tool only."),
        id_column: str = typer.Option("doc_id", help="Column (or key) with the document id."),
        text_column: str = typer.Option("text", help="Column (or key) with the text."),
        person_column: str = typer.Option("group_id", help="Column with the patient id (same patient, same surrogates)."),
        workers: int = typer.Option(0, help="Processes to use; 0: every core for inputs over 2 MB, else one."),
    ) -> None:
        """Replace PHI in notes as the policy says (tag, surrogate, pseudonym, date shift, year only)."""
        from deid.keys import KeySet, load_keys
        from deid.policy import load_policy
        from deid.text import Detector
        from deid.text.jobs import scrub_file, worker_count

        loaded = load_policy(policy)
        keys = KeySet.demo_keys() if demo_keys else load_keys(key_dir, need_signing=False)
        with progress("scrubbing") as advance:
            summary = scrub_file(input_path, output, Detector.from_policy(loaded), loaded, keys.pseudonym_key,
                                 id_column=id_column, text_column=text_column, person_column=person_column,
                                 on_batch=advance, workers=worker_count(input_path, workers))
        done = ", ".join(f"{k} {v}" for k, v in summary.spans.most_common()) or "none"
        out.print(f"{summary.documents} documents scrubbed, {sum(summary.spans.values())} replacements ({done}) "
                  f"-> {output}", highlight=False)
