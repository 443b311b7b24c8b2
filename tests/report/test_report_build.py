"""The report model: built from the manifest and audit only; every figure carries its sentence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from report_helpers import build_tiny_release, fixture_release

from deid.errors import InputError
from deid.keys import public_key_pem
from deid.release import Manifest, verify_release
from deid.report import build_report, parse_risk_figures, render_json
from deid.report.explain import num, one_in, pct, people_below, smallest_safe_size


@pytest.mark.parametrize(("share", "shown"), [
    (0.0, "0 %"), (1.0, "100 %"), (0.031, "3.1 %"), (0.46486, "46.5 %"), (0.00012, "0.012 %"), (None, "n/a"),
])
def test_pct(share: float | None, shown: str) -> None:
    assert pct(share) == shown


@pytest.mark.parametrize(("value", "shown"), [
    (30162, "30,162"), (5.0, "5"), (0.600391, "0.6004"), (None, "n/a"), (True, "yes"), (float("inf"), "infinite"),
])
def test_num(value: float | None, shown: str) -> None:
    assert num(value) == shown


@pytest.mark.parametrize(("threshold", "size"), [(0.5, 2), (0.33, 4), (0.2, 5), (0.09, 12), (0.05, 20), (1 / 11, 11)])
def test_groups_at_risk_are_those_below_the_safe_size(threshold: float, size: int) -> None:
    # A group is at risk when 1/size is strictly above the threshold (ARX's records at risk).
    assert smallest_safe_size(threshold) == size
    assert 1 / size <= threshold + 1e-12 < 1 / (size - 1)


@pytest.mark.parametrize(("risk", "shown"), [(1.0, "1 in 1"), (0.2, "1 in 5"), (0.0909, "1 in 11"), (0.0, "0")])
def test_one_in(risk: float, shown: str) -> None:
    assert one_in(risk) == shown


@pytest.mark.parametrize(("sizes", "k", "share"), [
    ({1: 3, 2: 1, 10: 2}, 11, 1.0),          # everyone is in a group smaller than 11
    ({1: 3, 2: 1, 10: 2}, 3, 5 / 25),        # 3 people alone + 2 in a pair, of 25
    ({5: 4}, 5, 0.0),
])
def test_people_below_k(sizes: dict[int, int], k: int, share: float) -> None:
    risk = parse_risk_figures(Manifest.model_validate_json((fixture_release() / "manifest.json").read_bytes())
                              .risk["visits"])
    assert risk is not None
    assert people_below(risk.model_copy(update={"class_sizes": sizes}), k) == pytest.approx(share)


def test_every_figure_explains_itself() -> None:
    report = build_report(fixture_release())
    section = report.risk[0]
    keys = {s.key for s in section.statements}
    for key in ("check.k-anonymity", "check.max prosecutor risk", "people_below_k", "k", "classes",
                "sample_uniques", "suppressed", "prosecutor.max", "prosecutor.avg",
                "prosecutor.records_at_risk.0.09", "journalist.max", "journalist.avg", "marketer",
                "population.dankar", "l_diversity.ward", "t_closeness.ward", "anonymization.loss",
                "anonymization.suppressed"):
        assert key in keys, key
    for statement in section.statements:
        assert statement.sentence.endswith(".") and len(statement.sentence) > 30, statement
    assert next(d.column for d in section.drivers) == "age"          # age singles people out more than sex
    assert {lv.column: lv.level for lv in section.levels} == {"age": 1, "sex": 0}
    assert report.verdict.decision == "approved" and report.release.signed is True
    assert report.residual_scan.checks[0].name == "residual_phi_scan"
    assert [c.name for c in report.validation.checks] == ["no_direct_identifier_columns", "row_count"]
    assert next(s.step for s in report.pipeline.steps) == "open release"


def test_report_reads_no_data(tmp_path: Path) -> None:
    release = shutil.copytree(fixture_release(), tmp_path / fixture_release().name)
    shutil.rmtree(release / "data")
    assert render_json(build_report(release)) == render_json(build_report(fixture_release()))


def test_rejected_release(tmp_path: Path) -> None:
    release = build_tiny_release(tmp_path, Ed25519PrivateKey.generate(), verdict="rejected", attach=True)
    assert release.parent.name == "quarantine"
    report = build_report(release)
    assert report.verdict.decision == "rejected" and report.release.signed is False
    assert report.verdict.reasons == ["row_count failed on visits"]
    assert "rejected" in report.verdict.headline and report.validation.failed == 1


@pytest.mark.parametrize("damage", ["missing", "not json", "unknown key"])
def test_unreadable_manifest_is_an_input_error(tmp_path: Path, damage: str) -> None:
    release = shutil.copytree(fixture_release(), tmp_path / "r")
    manifest = release / "manifest.json"
    if damage == "missing":
        manifest.unlink()
    elif damage == "not json":
        manifest.write_text("{")
    else:
        data = json.loads(manifest.read_text())
        data["surprise"] = 1
        manifest.write_text(json.dumps(data))
    with pytest.raises(InputError, match=str(release)):
        build_report(release)


def test_run_attaches_the_report_before_signing(tiny_release: Path, tmp_path: Path,
                                                signing_key: Ed25519PrivateKey) -> None:
    key_file = tmp_path / "signing.pub"
    key_file.write_bytes(public_key_pem(signing_key.public_key()))
    result = verify_release(tiny_release, key_file)
    assert result.ok, result.failures                               # attached files are listed and signed
    manifest = Manifest.model_validate_json((tiny_release / "manifest.json").read_bytes())
    assert [a.path for a in manifest.attachments] == ["reports/report.html", "reports/report.md",
                                                      "reports/report.json"]
    attached = json.loads((tiny_release / "reports" / "report.json").read_text())
    final = json.loads(render_json(build_report(tiny_release)))
    assert attached["release"]["draft"] is True and attached["release"]["signed"] is None
    for section in ("verdict", "risk", "phi", "validation", "residual_scan", "canaries", "tables", "policy"):
        if section == "verdict":
            assert attached[section]["decision"] == final[section]["decision"]
            assert attached[section]["reasons"] == final[section]["reasons"]
        else:
            assert attached[section] == final[section], section
    assert "report" in [s["step"] for s in final["pipeline"]["steps"]]


def test_draft_of_a_run_with_a_failed_step_is_rejected(tmp_path: Path) -> None:
    from deid.release import AllowedUse, PipelineRef, PolicyRef, ReleaseWriter
    from deid.report import draft_manifest

    writer = ReleaseWriter.open(tmp_path, name="t", policy=PolicyRef(name="p", version="1", profile="custom",
                                                                     sha256="a" * 64),
                                pipeline=PipelineRef(name="t", version="1", sha256="b" * 64),
                                allowed_use=AllowedUse(purposes=["research"], consumers=["x"],
                                                       expires="2030-01-01"))
    with writer:
        with pytest.raises(ValueError), writer.step("validate"):
            raise ValueError("boom")
        draft = draft_manifest(writer, "approved", ["all good"])
        writer.abort()
    assert draft.verdict.decision == "rejected"
    assert draft.verdict.reasons == ["all good", "audit step 'validate' failed"]
