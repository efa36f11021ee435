"""The Art.72 post-market monitoring plan read from its own document or from the model card."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult, copy_example, edit, write

Run = Callable[..., CliResult]
RULE = "EUAIA-72-MONITORING-PLAN"

PLAN = """\
reference: PMM-CRS-2026-01
owner: {name: Marco Bellini, role: Head of Model Risk}
data_sources:
  - Decision log of every deployer branch (crs_decision_log), monthly extract
  - Matured repayment outcomes, quarterly
metrics:
  - {name: AUC on matured outcomes, threshold: 0.75, source: quarterly outcomes}
  - {name: Demographic parity ratio by sex and age band, threshold: 0.8}
frequency: Monthly stability review; quarterly performance and fairness review
triggers:
  - AUC below 0.75
  - Demographic parity ratio below 0.8
incident_procedure: governance/incident-procedure.md (Art.73)
last_reviewed: 2026-10-01
"""


@pytest.fixture
def credit(tmp_path: Path) -> Path:
    """The credit-scoring example with its model card's post_market section taken out."""
    root = copy_example("credit-scoring", tmp_path / "credit")
    card = root / "docs" / "model_card.yaml"
    text = card.read_text(encoding="utf-8")
    card.write_text(re.sub(r"(?ms)^post_market:\n.*?(?=^conformity:)", "", text), "utf-8")
    return root


def _plan(root: Path, text: str) -> None:
    write(root / "governance" / "post-market.yaml", text)
    edit(
        root / "govern.yaml",
        "  attestations: governance/attestations.yaml\n",
        "  attestations: governance/attestations.yaml\n"
        "  post_market: governance/post-market.yaml\n",
    )


def _check(run_cli: Run, root: Path) -> dict[str, Any]:
    result = run_cli("check", root, "--as-of", "2026-12-06", "--format", "json")
    assert result.code in (0, 1), result.err
    document: dict[str, Any] = json.loads(result.out)
    return document


def _rule(document: dict[str, Any]) -> dict[str, Any]:
    (found,) = [r for r in document["results"] if r["rule_id"] == RULE]
    return found


def test_a_plan_document_meets_the_rule(credit: Path, run_cli: Run) -> None:
    _plan(credit, PLAN)
    document = _check(run_cli, credit)
    assert _rule(document)["status"] == "pass"
    kinds = {e["kind"]: e["path"] for e in document["evidence"]}
    assert kinds["post_market"] == "governance/post-market.yaml"


def test_a_plan_without_triggers_is_named_in_its_file(credit: Path, run_cli: Run) -> None:
    _plan(
        credit,
        PLAN.replace("triggers:\n  - AUC below 0.75\n  - Demographic parity ratio below 0.8\n", ""),
    )
    rule = _rule(_check(run_cli, credit))
    assert rule["status"] == "fail"
    first = rule["findings"][0]
    assert first["location"]["file"] == "governance/post-market.yaml"
    assert first["location"]["field"] == "post_market.triggers"
    assert first["found"] == "0 entries"


def test_no_plan_anywhere_fails(credit: Path, run_cli: Run) -> None:
    rule = _rule(_check(run_cli, credit))
    assert rule["status"] == "fail"
    # Without a plan document the model card's section is what is missing, and only that.
    fields = [f["location"]["field"] for f in rule["findings"]]
    assert fields and all(field.startswith("model_card.post_market") for field in fields)


def test_a_listed_plan_is_checked_even_with_the_card_section(tmp_path: Path, run_cli: Run) -> None:
    root = copy_example("credit-scoring", tmp_path / "credit")
    _plan(root, PLAN.replace("incident_procedure:", "incident_notes:"))
    result = run_cli("check", root, "--as-of", "2026-12-06")
    assert result.code == 2 and "incident_notes" in result.err  # unknown keys are errors
    _plan_text = PLAN.replace("incident_procedure: governance/incident-procedure.md (Art.73)\n", "")
    write(root / "governance" / "post-market.yaml", _plan_text)
    rule = _rule(_check(run_cli, root))
    assert rule["status"] == "fail"
    assert [f["location"]["field"] for f in rule["findings"]] == ["post_market.incident_procedure"]


def test_the_model_card_section_still_counts(tmp_path: Path, run_cli: Run) -> None:
    root = copy_example("credit-scoring", tmp_path / "credit")
    assert _rule(_check(run_cli, root))["status"] == "pass"
