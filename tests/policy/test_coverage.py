"""Coverage lists every provision of every framework; the crosswalk is validated like the packs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from govern.policy.crosswalk import crosswalk_problems
from govern.reference import FRAMEWORKS, build_index, index_path, load_catalogue, reference_path
from tests.conftest import CliResult, edit

Run = Callable[..., CliResult]


def test_index_matches_the_reference_yaml() -> None:
    """index.json is derived data: regenerate with `python -m govern.reference`."""
    assert json.loads(index_path().read_text()) == build_index()


def test_coverage_lists_every_reference_id(run_cli: Run) -> None:
    result = run_cli("policies", "coverage", "--format", "json")
    assert result.code == 0, result.err
    listed = {c["framework"]: {p["id"]: p for p in c["provisions"]} for c in json.loads(result.out)}
    for framework in FRAMEWORKS:
        catalogue = load_catalogue(framework)
        assert set(listed[framework]) == set(catalogue.provisions)
        for provision in listed[framework].values():
            assert provision["status"] in ("automated", "attestation", "via_points", "not_covered")
            if provision["status"] == "automated":
                assert provision["automated_rules"]


def test_coverage_text_has_percentages(run_cli: Run) -> None:
    result = run_cli("policies", "coverage", "--framework", "eu-ai-act")
    assert result.code == 0
    first = result.out.splitlines()[0]
    assert first.startswith("EU AI Act: ") and "% covered" in first
    assert "Art.10(2)(f)" in result.out


def test_coverage_of_an_own_pack(system: Path, run_cli: Run) -> None:
    result = run_cli("policies", "coverage", "--policy", system / "pack", "--format", "json")
    eu = next(c for c in json.loads(result.out) if c["framework"] == "eu-ai-act")
    by_id = {p["id"]: p for p in eu["provisions"]}
    assert by_id["Art.19(1)"]["automated_rules"] == ["DEMO-12-LOG-RETENTION"]
    assert by_id["Art.17(1)"]["attestation_rules"] == ["DEMO-17-QMS"]
    assert by_id["Art.10(2)(f)"]["status"] == "not_covered"


def test_check_reports_coverage_per_framework(system: Path, run_cli: Run) -> None:
    result = run_cli("check", system, "--format", "json", "--as-of", "2026-11-25")
    summary = json.loads(result.out)["summary"]["frameworks"][0]
    assert summary["framework"] == "eu-ai-act"
    assert summary["coverage"]["automated"] == 2 and summary["coverage"]["attestation"] == 1


def test_shipped_crosswalk_is_valid() -> None:
    assert crosswalk_problems(reference_path("eu-ai-act").parent / "crosswalk.yaml") == []


def test_crosswalk_row_with_unknown_id_is_rejected(
    tmp_path: Path, run_cli: Run, system: Path
) -> None:
    crosswalk = tmp_path / "crosswalk.yaml"
    crosswalk.write_bytes((reference_path("eu-ai-act").parent / "crosswalk.yaml").read_bytes())
    edit(crosswalk, "- nist: GOVERN 1.1\n", "- nist: GOVERN 1.99\n")
    result = run_cli("policies", "lint", system / "pack", "--crosswalk", crosswalk)
    assert result.code == 1
    assert "'GOVERN 1.99' is not a nist-ai-rmf id" in result.err
    assert "crosswalk.yaml:" in result.err


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_container_ids_have_children(framework: str) -> None:
    catalogue = load_catalogue(framework)
    headings = [p for p in catalogue.provisions.values() if p.kind == "heading"]
    assert all(catalogue.children(h.id) for h in headings)
