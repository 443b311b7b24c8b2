"""A writer killed at any point leaves no folder that looks like a release, and a rerun completes.

Each case runs a real writer in a subprocess and SIGKILLs it: from outside while a Parquet part is half
written, or from inside at a chosen point of finalize (the process kills itself, so the timing is exact).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from release_helpers import PIPELINE, POLICY, USE, sample_tables

from deid.release import ReleaseWriter, verify_release
from deid.release.writer import QUARANTINE_DIR, RELEASES_DIR, STAGING_DIR

HERE = Path(__file__).resolve().parent

SCRIPT = textwrap.dedent(
    """
    import os, signal, sys, time
    from pathlib import Path
    import pyarrow as pa
    from cryptography.hazmat.primitives import serialization
    sys.path.insert(0, sys.argv[4])
    from release_helpers import PIPELINE, POLICY, USE
    import deid.release.writer as writer_module
    from deid.release import ReleaseWriter

    out, point = Path(sys.argv[1]), sys.argv[2]
    key = serialization.load_pem_private_key(Path(sys.argv[3]).read_bytes(), password=None)

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    real_write = writer_module.write_durable
    def write_durable(path, data):
        real_write(path, data)
        if point == "after " + path.name:
            die()
    writer_module.write_durable = write_durable
    if point == "before rename":
        writer_module.os.rename = lambda *a: die()

    def batches():
        for i in range(12):
            if point == "mid part" and i == 5:
                print("ready", flush=True)
                time.sleep(120)
            yield pa.record_batch({"person": [f"P-{i}-{j}" for j in range(3)], "year": [1950, 1960, 1970]})

    with ReleaseWriter.open(out, name=PIPELINE.name, policy=POLICY, pipeline=PIPELINE, allowed_use=USE,
                            rows_per_part=4) as writer:
        writer.write_table("people", batches())
        if point == "in a step":
            with writer.step("scrub") as step:
                step.count("rows", 3)
                die()
        writer.finalize("approved", ["ok"], key)
    print("finished", flush=True)
    """
)

POINTS = ["mid part", "in a step", "after manifest.json", "after manifest.sig", "before rename"]


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Ed25519PrivateKey, Path]:
    key = Ed25519PrivateKey.generate()
    path = tmp_path_factory.mktemp("key") / "signing.key"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return key, path


def _run(out: Path, point: str, key_path: Path, script: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(script), str(out), point, str(key_path), str(HERE)],
                            stdout=subprocess.PIPE, text=True)


def _looks_like_releases(out: Path, key: Ed25519PrivateKey) -> list[Path]:
    """Every folder under ``out`` that holds a manifest and passes verification."""
    folders = {p.parent for p in out.rglob("manifest.json")}
    return [f for f in folders if verify_release(f, key.public_key()).ok]


@pytest.mark.parametrize("point", POINTS)
def test_kill_leaves_no_release_and_rerun_completes(
    tmp_path: Path, key_file: tuple[Ed25519PrivateKey, Path], point: str
) -> None:
    key, key_path = key_file
    script = tmp_path / "writer.py"
    script.write_text(SCRIPT)
    out = tmp_path / "out"
    process = _run(out, point, key_path, script)
    if point == "mid part":
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        staged = list((out / STAGING_DIR).glob("*/data/people/part-*.parquet"))
        assert len(staged) >= 4, "a part should be open while the process is killed"
        process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL

    assert not any((out / RELEASES_DIR).glob("*")), "an approved release appeared"
    assert not any((out / QUARANTINE_DIR).glob("*")), "a quarantined release appeared"
    assert _looks_like_releases(out, key) == []
    (leftover,) = (out / STAGING_DIR).iterdir()

    with ReleaseWriter.open(out, name=PIPELINE.name, policy=POLICY, pipeline=PIPELINE, allowed_use=USE) as writer:
        assert not leftover.exists(), "the dead run's staging folder should be cleared"
        writer.write_table("people", [sample_tables(8)["people"]])
        release = writer.finalize("approved", ["ok"], key)
    assert verify_release(release, key.public_key()).ok
    assert _looks_like_releases(out, key) == [release]
    assert list((out / STAGING_DIR).iterdir()) == []


def test_unkilled_script_completes(tmp_path: Path, key_file: tuple[Ed25519PrivateKey, Path]) -> None:
    """The harness itself works: without a kill point the same script releases."""
    key, key_path = key_file
    script = tmp_path / "writer.py"
    script.write_text(SCRIPT)
    process = _run(tmp_path / "out", "nowhere", key_path, script)
    stdout, _ = process.communicate(timeout=60)
    assert process.returncode == 0 and stdout.strip() == "finished"
    (release,) = (tmp_path / "out" / RELEASES_DIR).iterdir()
    result = verify_release(release, key.public_key())
    assert result.ok, result.failures
    assert os.path.getsize(release / "manifest.sig") == 64
