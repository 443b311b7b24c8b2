"""Plans: a pipeline resolves against its inputs and policy without reading data, or names what is wrong."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from pipeline_helpers import DEMO_COLUMNS, ROOT, pipeline_doc, write_inputs, write_pipeline, write_table
from typer.testing import CliRunner

from deid.cli import app
from deid.errors import KeyMaterialError, PipelineError
from deid.keys import generate_keys
from deid.pipeline import exclude_persons, load_exclusions, resolve_plan
from deid.release import InputRecord, verify_release

runner = CliRunner()
TODAY = date(2027, 1, 1)
NO_KEYS: dict[str, str] = {}


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    write_inputs(tmp_path)
    write_pipeline(tmp_path, pipeline_doc())
    return tmp_path


def _plan(folder: Path, **kwargs: Any) -> Any:
    return resolve_plan(folder / "pipeline.yaml", demo_keys=True, today=TODAY, **kwargs)


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_plan_resolves_every_format(tmp_path: Path, fmt: str) -> None:
    write_inputs(tmp_path, fmt)
    write_pipeline(tmp_path, pipeline_doc(fmt))
    plan = _plan(tmp_path)
    assert [i.table for i in plan.inputs] == list(DEMO_COLUMNS)
    assert [c.name for c in plan.input("patients").columns] == DEMO_COLUMNS["patients"]
    assert plan.input("notes").text_columns == ["text"]
    assert plan.policy.name == "safe-harbor" and plan.policy.sha256 == plan.policy_config.sha256
    assert plan.output == str(tmp_path.resolve() / "out")
    assert plan.keys.demo and plan.keys.signing
    assert plan.exclusions == str(tmp_path.resolve() / "hospital" / "declined.txt")


def test_plan_prints_without_data_values(workspace: Path) -> None:
    plan = _plan(workspace)
    text = plan.render()
    as_json = plan.model_dump_json()
    for needle in ["patients: parquet, 1 file(s)", "zip zip3", "expires 2030-06-30", "canaries    on, 5",
                   "DEMO: not for production"]:
        assert needle in text
    for value in ["02130", "name-0", "ssn-1"]:  # values in the input files
        assert value not in text and value not in as_json
    assert "pseudonym_key" not in as_json and "signing_key" not in as_json


def test_plan_reads_only_the_header(tmp_path: Path) -> None:
    """Rows after the header are never read: bytes that are not even UTF-8 do not disturb a plan."""
    write_inputs(tmp_path, "csv")
    for table in DEMO_COLUMNS:
        path = tmp_path / "hospital" / f"{table}.csv"
        path.write_bytes(path.read_bytes() + b"\xff\xfe garbage, not, csv \x00\n")
    write_pipeline(tmp_path, pipeline_doc("csv"))
    assert len(_plan(tmp_path).inputs) == 4


Doc = dict[str, Any]
Breakage = Callable[[Path, Doc], None]


def _extra_column(folder: Path, doc: Doc) -> None:
    write_table(folder / "hospital" / "patients.parquet", "parquet", [*DEMO_COLUMNS["patients"], "nickname"])


def _missing_column(folder: Path, doc: Doc) -> None:
    write_table(folder / "hospital" / "patients.parquet", "parquet",
                [c for c in DEMO_COLUMNS["patients"] if c != "ssn"])


def _unknown_table(folder: Path, doc: Doc) -> None:
    doc["inputs"]["billing"] = dict(doc["inputs"]["labs"])


def _table_without_input(folder: Path, doc: Doc) -> None:
    del doc["inputs"]["labs"]


def _wrong_person_key(folder: Path, doc: Doc) -> None:
    doc["inputs"]["labs"]["person_key"] = "lab_id"


def _text_column_kept(folder: Path, doc: Doc) -> None:
    doc["inputs"]["notes"]["text_columns"] = ["text", "note_type"]


def _scrubbed_column_unlisted(folder: Path, doc: Doc) -> None:
    doc["inputs"]["notes"]["text_columns"] = []


def _missing_file(folder: Path, doc: Doc) -> None:
    (folder / "hospital" / "labs.parquet").unlink()


def _empty_folder(folder: Path, doc: Doc) -> None:
    (folder / "hospital" / "labs").mkdir()
    (folder / "hospital" / "labs" / "README.txt").write_text("no data yet")
    doc["inputs"]["labs"]["path"] = "hospital/labs"


def _missing_exclusions(folder: Path, doc: Doc) -> None:
    (folder / "hospital" / "declined.txt").unlink()


def _expired(folder: Path, doc: Doc) -> None:
    doc["allowed_use"]["expires"] = "2026-12-31"


def _corrupt_parquet(folder: Path, doc: Doc) -> None:
    (folder / "hospital" / "labs.parquet").write_bytes(b"PAR1 this is not parquet")


def _missing_policy(folder: Path, doc: Doc) -> None:
    doc["policy"] = "policies/none.yaml"


def _folder_with_mismatched_part(folder: Path, doc: Doc) -> None:
    write_table(folder / "hospital" / "labs" / "part-0.parquet", "parquet", DEMO_COLUMNS["labs"])
    write_table(folder / "hospital" / "labs" / "part-1.parquet", "parquet", DEMO_COLUMNS["labs"][:-1])
    doc["inputs"]["labs"]["path"] = "hospital/labs"


MISMATCHES: list[tuple[str, Breakage, list[str]]] = [
    ("an input column the policy lacks", _extra_column,
     ["[inputs.patients]", "column nickname is not in policy safe-harbor table patients"]),
    ("a policy column the input lacks", _missing_column,
     ["[inputs.patients]", "table patients has column ssn, which the input lacks"]),
    ("a table the policy lacks", _unknown_table, ["[inputs.billing] table billing is not in policy"]),
    ("a policy table without input", _table_without_input, ["[inputs] policy safe-harbor has table labs"]),
    ("another person key", _wrong_person_key, ["[inputs.labs] person_key is lab_id", "person_key patient_id"]),
    ("a text column the policy keeps", _text_column_kept, ["[inputs.notes] text column note_type has action keep"]),
    ("a scrubbed column not listed as text", _scrubbed_column_unlisted,
     ["[inputs.notes] policy scrubs column text"]),
    ("a missing input file", _missing_file, ["[inputs.labs]", "labs.parquet: no such file or folder"]),
    ("a folder without parquet files", _empty_folder, ["[inputs.labs]", "holds no parquet file"]),
    ("a folder with one mismatched part", _folder_with_mismatched_part,
     ["[inputs.labs]", "part-1.parquet: policy safe-harbor table labs has column taken_at"]),
    ("a missing exclusion list", _missing_exclusions, ["[exclusions] exclusion list not found"]),
    ("an expired allowed use", _expired, ["[allowed_use.expires] expired on 2026-12-31"]),
    ("a corrupt parquet file", _corrupt_parquet, ["[inputs.labs]", "cannot read the parquet schema"]),
    ("a missing policy", _missing_policy, ["[policy] policy file not found"]),
]


@pytest.mark.parametrize(("label", "breakage", "expected"), MISMATCHES, ids=[m[0] for m in MISMATCHES])
def test_mismatches_name_table_and_column(
    workspace: Path, label: str, breakage: Breakage, expected: list[str]
) -> None:
    doc = copy.deepcopy(pipeline_doc())
    breakage(workspace, doc)
    path = write_pipeline(workspace, doc)
    with pytest.raises(PipelineError) as caught:
        resolve_plan(path, demo_keys=True, today=TODAY)
    matching = [p for p in caught.value.problems if all(e in p for e in expected)]
    assert matching, caught.value.problems
    assert all(p.startswith(f"{path}: [") for p in caught.value.problems)


def test_headerless_csv_withholds_its_first_row(tmp_path: Path) -> None:
    write_inputs(tmp_path, "csv")
    patients = tmp_path / "hospital" / "patients.csv"
    patients.write_text("\n".join(patients.read_text().splitlines()[1:]) + "\n")  # header removed
    write_pipeline(tmp_path, pipeline_doc("csv"))
    with pytest.raises(PipelineError) as caught:
        _plan(tmp_path)
    text = "\n".join(caught.value.problems)
    assert "names withheld" in text and "[inputs.patients]" in text
    assert "name-0" not in text and "02130" not in text


def test_every_problem_is_listed_together(workspace: Path) -> None:
    doc = pipeline_doc()
    _extra_column(workspace, doc)
    _missing_file(workspace, doc)
    _expired(workspace, doc)
    with pytest.raises(PipelineError) as caught:
        resolve_plan(write_pipeline(workspace, doc), demo_keys=True, today=TODAY)
    assert len(caught.value.problems) == 3 and "3 problems" in str(caught.value)


def test_data_root_override(tmp_path: Path) -> None:
    data = tmp_path / "elsewhere"
    write_inputs(data)
    doc = pipeline_doc()
    doc["data_root"] = "missing"
    write_pipeline(tmp_path / "pipe", doc)
    with pytest.raises(PipelineError, match="data_root"):
        _plan(tmp_path / "pipe")
    plan = _plan(tmp_path / "pipe", data_root=data)
    assert plan.data_root == str(data.resolve()) and plan.output == str(data.resolve() / "out")


@pytest.mark.parametrize(
    ("pipeline_population", "policy_population", "expected"),
    [(None, None, (None, "none")), (5000, None, (5000, "pipeline")), (None, 700, (700, "policy")),
     (5000, 700, (5000, "pipeline"))],
)
def test_population_source(
    tmp_path: Path, pipeline_population: int | None, policy_population: int | None, expected: tuple[Any, str]
) -> None:
    policy_text = (ROOT / "policies" / "safe-harbor.yaml").read_text()
    policy = tmp_path / "policy.yaml"
    policy.write_text(policy_text.replace("population: null", f"population: {policy_population or 'null'}"))
    write_inputs(tmp_path)
    doc = pipeline_doc(policy=policy)
    doc["risk_population"] = pipeline_population
    write_pipeline(tmp_path, doc)
    plan = _plan(tmp_path)
    assert (plan.risk.population, plan.risk.population_from) == expected


def test_keys_are_required_unless_demo(workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    with pytest.raises(KeyMaterialError, match="no pseudonymization key"):
        resolve_plan(workspace / "pipeline.yaml", env=NO_KEYS, today=TODAY)
    keys = tmp_path_factory.mktemp("keys")
    generate_keys(keys)
    plan = resolve_plan(workspace / "pipeline.yaml", key_dir=keys, env=NO_KEYS, today=TODAY)
    assert not plan.keys.demo and plan.keys.signing and str(keys.resolve()) in plan.keys.source
    from_env = resolve_plan(workspace / "pipeline.yaml", env={"DEID_KEY_DIR": str(keys)}, today=TODAY)
    assert "DEID_KEY_DIR" in from_env.keys.source
    assert plan.key_set.pseudonym_key == from_env.key_set.pseudonym_key


def test_cli_plan(workspace: Path) -> None:
    ok = runner.invoke(app, ["plan", str(workspace / "pipeline.yaml"), "--demo-keys"])
    assert ok.exit_code == 0, ok.output
    assert "policy      safe-harbor 1.0.0" in ok.output
    as_json = runner.invoke(app, ["plan", str(workspace / "pipeline.yaml"), "--demo-keys", "--json"])
    assert json.loads(as_json.output)["inputs"][0]["table"] == "patients"
    _missing_column(workspace, {})
    bad = runner.invoke(app, ["plan", str(workspace / "pipeline.yaml"), "--demo-keys"])
    assert bad.exit_code == 3
    assert "[inputs.patients]" in bad.output and "column ssn" in bad.output


def test_cli_plan_without_keys(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DEID_KEY_DIR", "DEID_PSEUDONYM_KEY", "DEID_PSEUDONYM_KEY_FILE", "DEID_SIGNING_KEY_FILE"):
        monkeypatch.delenv(var, raising=False)
    result = runner.invoke(app, ["plan", str(workspace / "pipeline.yaml")])
    assert result.exit_code == 5 and "no pseudonymization key" in result.output


def test_cli_pipeline_schema() -> None:
    result = runner.invoke(app, ["pipeline", "schema"])
    assert result.exit_code == 0 and json.loads(result.output)["title"] == "deid pipeline"


def test_demo_pipeline_matches_the_generated_hospital(tmp_path: Path) -> None:
    """pipelines/demo.yaml resolves against what the corpus generator writes (its tables, its columns)."""
    from deid.corpus.generate import generate_corpus

    generate_corpus(tmp_path / "hospital", patients=3, notes_per_patient=1, seed=1)
    (tmp_path / "hospital" / "declined.txt").write_text("")
    plan = resolve_plan(ROOT / "pipelines" / "demo.yaml", demo_keys=True, data_root=tmp_path)
    assert sorted(i.table for i in plan.inputs) == sorted(DEMO_COLUMNS)
    assert plan.releases_dir == str(tmp_path.resolve() / "release" / "releases")


def test_plan_to_verified_release(workspace: Path) -> None:
    """The thin layer a run adds: read each planned input, drop excluded persons, write, sign, verify."""
    plan = _plan(workspace)
    excluded = load_exclusions(Path(plan.exclusions))
    with plan.open_writer() as writer:
        removed: dict[str, int] = {}
        for planned in plan.inputs:

            def kept(table: str = planned.table) -> Any:
                for batch in plan.input(table).batches(batch_rows=2):
                    batch, gone = exclude_persons(batch, "patient_id", excluded)
                    removed[table] = removed.get(table, 0) + gone
                    yield batch

            out = writer.write_table(planned.table, kept())
            writer.facts.inputs = {**writer.facts.inputs, planned.table: InputRecord(
                format=planned.format, files=len(planned.files), fingerprint=planned.fingerprint(),
                rows=out.rows + removed[planned.table])}
        release = writer.finalize("approved", ["test"], plan.key_set.signing_key)
    result = verify_release(release, plan.key_set.public_key)
    assert result.ok, result.failures
    assert result.manifest is not None and result.manifest.demo_keys
    assert result.manifest.pipeline.sha256 == plan.pipeline.sha256
    assert removed == {t: 1 for t in DEMO_COLUMNS}
    assert result.manifest.inputs["labs"].rows == 3 and result.manifest.outputs["labs"].rows == 2
    assert result.manifest.inputs["labs"].fingerprint == plan.input("labs").fingerprint()
    people = pq.read_table(release / "data" / "patients" / "part-00000.parquet")
    assert "P1" not in people.column("patient_id").to_pylist()
    assert people.num_rows == 2
    assert pq.read_metadata(release / "data" / "patients" / "part-00000.parquet").metadata[
        b"deid.policy_sha256"].decode() == plan.policy.sha256
