"""Output paths are checked before anything is written, and never replace an input of the run."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from govern.outputs import OutputError, check_outputs, write_atomic
from tests.conftest import REPO, CliResult, copy_example, write

Run = Callable[..., CliResult]
AS_OF = "2026-11-25"


@pytest.fixture
def credit(tmp_path: Path) -> Path:
    return copy_example("credit-scoring", tmp_path / "credit")


def _one_error(result: CliResult, *fragments: str) -> None:
    assert result.code == 2, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize("victim", ["govern.yaml", "docs/model_card.yaml", "reports/fairness.json"])
def test_check_refuses_to_overwrite_what_it_reads(credit: Path, run_cli: Run, victim: str) -> None:
    before = (credit / victim).read_bytes()
    result = run_cli("check", credit, "-o", f"json={credit / victim}", "--as-of", AS_OF)
    _one_error(result, victim, "this run reads that file")
    assert (credit / victim).read_bytes() == before


def test_report_refuses_to_overwrite_evidence(credit: Path, run_cli: Run) -> None:
    victim = credit / "governance" / "attestations.yaml"
    before = victim.read_bytes()
    result = run_cli("report", credit, "--html", victim, "--as-of", AS_OF)
    _one_error(result, "attestations.yaml")
    assert victim.read_bytes() == before


def test_an_organisation_pack_is_protected(credit: Path, run_cli: Run) -> None:
    pack = credit / "policies" / "acme"
    write(pack / "pack.yaml", "id: acme\ntitle: ACME\nversion: 1.0.0\n")
    manifest = credit / "govern.yaml"
    text = manifest.read_text()
    manifest.write_text(text.replace("policies: [", "policies: [./policies/acme, ", 1))
    assert "./policies/acme" in manifest.read_text()
    result = run_cli("check", credit, "-o", f"json={pack / 'pack.yaml'}", "--as-of", AS_OF)
    _one_error(result, "pack.yaml")
    # A new file in the pack's folder is not an input: writing it is fine.
    fresh = run_cli("check", credit, "-o", f"json={pack / 'result.json'}", "--as-of", AS_OF)
    assert fresh.code == 0, fresh.err


def test_one_bad_output_means_no_output_is_written(
    credit: Path, tmp_path: Path, run_cli: Run
) -> None:
    (tmp_path / "afile").write_text("a file, not a folder")
    good = tmp_path / "ok.sarif"
    result = run_cli(
        "check", credit, "-o", f"sarif={good}", "-o", f"json={tmp_path / 'afile' / 'x.json'}"
    )
    _one_error(result, "afile", "is a file")
    assert not good.exists()


def test_a_folder_is_not_an_output_file(credit: Path, tmp_path: Path, run_cli: Run) -> None:
    _one_error(run_cli("check", credit, "-o", f"json={tmp_path}"), "is a folder")


def test_missing_parent_folders_are_created(credit: Path, tmp_path: Path, run_cli: Run) -> None:
    target = tmp_path / "new" / "dir" / "result.json"
    assert run_cli("check", credit, "-o", f"json={target}", "--as-of", AS_OF).code == 0
    assert target.is_file()


def test_unwritable_place_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot write"):
        check_outputs([Path("/proc/govern-test.json")])
    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(Path("/proc/govern-test.json"), "{}")
    assert not list(tmp_path.iterdir())


def test_devices_are_accepted(credit: Path, run_cli: Run) -> None:
    assert run_cli("check", credit, "-o", "json=/dev/null", "--as-of", AS_OF).code == 0


def test_fairness_refuses_to_overwrite_its_predictions(tmp_path: Path, run_cli: Run) -> None:
    predictions = tmp_path / "predictions.csv"
    shutil.copyfile(REPO / "examples" / "credit-scoring" / "data" / "predictions.csv", predictions)
    before = predictions.read_bytes()
    result = run_cli(
        "fairness",
        predictions,
        "--y-true",
        "default",
        "--y-pred",
        "predicted_default",
        "--sensitive",
        "sex",
        "-o",
        predictions,
    )
    _one_error(result, "predictions.csv", "this run reads that file")
    assert predictions.read_bytes() == before
