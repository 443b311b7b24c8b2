"""``deid demo``: the whole job, from raw records to a verifiable release, on a synthetic hospital.

:func:`run_demo` generates a hospital with planted PHI (:mod:`deid.corpus`) under ``OUT/hospital``, writes
a small exclusion list (two patients who declined research use), and runs ``pipelines/demo.yaml`` with
``data_root = OUT`` and throw-away demo keys (:meth:`deid.keys.KeySet.demo_keys`). Everything stays under
``OUT``: the release goes to ``OUT/release/releases/<id>`` (or ``quarantine/`` when rejected) and the demo
public key to ``OUT/demo-signing.pub``, so that ``deid verify RELEASE --public-key OUT/demo-signing.pub``
checks it. Nothing printed contains a value from the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from deid.corpus.generate import CorpusSummary, generate_corpus
from deid.pipeline.run import RunResult, StepListener, render_result, run_pipeline_file

PROJECT = Path(__file__).resolve().parent.parent
DEMO_PIPELINE = PROJECT / "pipelines" / "demo.yaml"
#: Where the demo writes its public key, under the output folder.
PUBLIC_KEY_FILE = "demo-signing.pub"
#: Which generated patients (by number) decline research use in the demo.
DECLINED = (3, 17)


@dataclass(frozen=True)
class DemoResult:
    """What the demo did: the generated hospital and the run's result."""

    out_dir: Path
    hospital_dir: Path
    corpus: CorpusSummary
    excluded: int
    run: RunResult

    def lines(self) -> list[str]:
        """The summary the CLI prints; the release path is the last line."""
        rows = ", ".join(f"{name} {count}" for name, count in self.corpus.rows.items())
        head = [(f"synthetic hospital: {rows} rows, {self.corpus.gold_spans} planted PHI spans -> "
                f"{self.hospital_dir} ({self.excluded} patients declined research use)")]
        verify = (f"check it: deid verify {self.run.path} --public-key {self.run.public_key}"
                  if self.run.decision == "approved" else None)
        body = render_result(self.run)
        return [*head, *body[:-1], *([verify] if verify else []), body[-1]]


def write_exclusions(hospital: Path, patient_ids: list[str]) -> Path:
    """The demo's exclusion list: one person key per line, with a comment saying what it is."""
    path = hospital / "declined.txt"
    path.write_text("# patients who declined research use of their records (demo)\n"
                    + "".join(f"{pid}\n" for pid in patient_ids), encoding="utf-8")
    return path


def run_demo(
    out_dir: str | Path = "demo-output",
    *,
    patients: int = 40,
    notes_per_patient: int = 3,
    seed: int = 7,
    pipeline: str | Path = DEMO_PIPELINE,
    on_step: StepListener | None = None,
) -> DemoResult:
    """Generate the demo hospital under ``out_dir`` and run the demo pipeline on it with demo keys.

    Returns the result whatever the verdict; call ``result.run.raise_if_rejected()`` to fail on a rejection.
    """
    out = Path(out_dir).resolve()
    hospital = out / "hospital"
    corpus = generate_corpus(hospital, patients=patients, notes_per_patient=notes_per_patient, seed=seed)
    declined = [f"P{n:06d}" for n in DECLINED if n <= patients]
    write_exclusions(hospital, declined)
    result = run_pipeline_file(pipeline, demo_keys=True, data_root=out, public_key_out=out / PUBLIC_KEY_FILE,
                               on_step=on_step)
    return DemoResult(out_dir=out, hospital_dir=hospital, corpus=corpus, excluded=len(declined), run=result)


__all__ = ["DECLINED", "DEMO_PIPELINE", "PUBLIC_KEY_FILE", "DemoResult", "run_demo", "write_exclusions"]
