"""A check path that names a field its evidence kind does not have is a lint error and, when a
system is checked, that rule's error: `each`, `count` or `present` over a misspelt path never passes
as "nothing to check"."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from govern.policy.checks import compile_check
from govern.policy.schema_paths import unknown_paths
from tests.conftest import REPO, CliResult, copy_example, edit

Run = Callable[..., CliResult]

# (misspelt path, what the message must say) under every root an evidence path can start from.
MISSPELT = [
    ("model_card.logging.retention_day", "did you mean 'retention_days'"),
    ("model_card.evaluations[*].value", "did you mean 'evaluation'"),
    ("model_card.evaluation[metrik=auc].value", "no field 'metrik' to filter on"),
    ("model_card.identity.name.first", "single value"),
    ("model_card.risk_management.register_ref", "no field 'register_ref'"),
    ("datasets[*].bias_examinaton.method", "did you mean 'bias_examination'"),
    ("datasets.id", "is a list: write datasets[*].id"),
    ("datasets[*].personal_data.legal_basis.text", "single value"),
    ("fairness[*].overall.accuracy.ci.lowr", "did you mean 'lower'"),
    ("fairness[*].parameter.bootstrap", "did you mean 'parameters'"),
    ("attestations[*].attested_by.nam", "did you mean 'name'"),
    ("attestations[*].signed_by", "no field 'signed_by'"),
    ("system.nme", "did you mean 'name'"),
    ("classification.teir", "did you mean 'tier'"),
    ("model_card.identity[0]", "not a list"),
]
# Paths the schema has, including keys of free-form maps (metric names, hyperparameters).
KNOWN = [
    "model_card.logging.retention_days",
    "model_card.risk_management.register",
    "model_card.evaluation[metric=auc].value",
    "model_card.evaluation[*].confidence_interval[0]",
    "model_card.training.hyperparameters.learning_rate",
    "model_card.training.hyperparameters.anything.below.any",
    "datasets[*].representativeness.groups[*].shares.female",
    "fairness[*].overall.selection_rate.ci.lower",
    "fairness[*].features[*].disparities.demographic_parity_difference.between_groups.value",
    "fairness[*].features[*].groups[group=female].metrics.recall.value",
    "attestations[*].attested_by.role",
    "classification.tier",
    "classification.high_risk",
    "system.public_authority",
]


@pytest.mark.parametrize(("path", "message"), MISSPELT)
@pytest.mark.parametrize("operator", ["present", "each", "count", "min", "matches"])
def test_misspelt_paths_are_reported_for_every_operator(
    path: str, message: str, operator: str
) -> None:
    data = {
        "present": {"present": path},
        "each": {"each": {"path": path, "check": {"present": "item"}}},
        "count": {"count": {"path": path, "min": 1}},
        "min": {"min": {"path": path, "value": 1}},
        "matches": {"matches": {"path": path, "pattern": "x"}},
    }[operator]
    (problem,) = unknown_paths(compile_check(data))
    assert message in problem and path in problem


@pytest.mark.parametrize("path", KNOWN)
def test_known_paths_and_free_form_keys_pass(path: str) -> None:
    assert unknown_paths(compile_check({"present": path})) == []


def test_item_paths_are_checked_against_the_entry_of_each() -> None:
    check = compile_check(
        {
            "each": {
                "path": "datasets[*]",
                "when": {"present": "item.personal_data.contains_personal_date"},
                "check": {
                    "each": {
                        "path": "item.splits[*]",
                        "check": {"min": {"path": "item.record", "value": 1}},
                    }
                },
            }
        }
    )
    problems = unknown_paths(check)
    assert len(problems) == 2
    assert (
        "item (an entry of datasets[*])" in problems[0] and "contains_personal_data" in problems[0]
    )
    assert "item (an entry of item.splits[*])" in problems[1] and "'records'" in problems[1]


def test_a_threshold_path_is_checked_too() -> None:
    check = compile_check(
        {
            "each": {
                "path": "model_card.evaluation[*]",
                "check": {"min": {"path": "item.value", "value": {"path": "item.treshold"}}},
            }
        }
    )
    (problem,) = unknown_paths(check)
    assert "did you mean 'threshold'" in problem


def test_messages_stay_short_for_long_names() -> None:
    (problem,) = unknown_paths(compile_check({"present": "model_card." + "x" * 5000}))
    assert len(problem) < 300


# ---------------------------------------------------------------------------------------------
# Through the CLI


def _misspell(system: Path, check: str) -> None:
    edit(system / "pack" / "rules.yaml", "{present: model_card.provider.name}", check)


@pytest.mark.parametrize(
    "check",
    [
        "{each: {path: 'model_card.componets[*]', check: {present: item.licence}}}",
        "{each: {path: 'model_card.components[*]', check: {present: item.licnce}}}",
        "{count: {path: 'datasets[*].splts[*]', max: 100}}",
        "{not: {present: model_card.provider.nam}}",
        "{any: [{present: model_card.provider.nam}, {present: model_card.provider.name}]}",
    ],
)
def test_a_misspelt_path_is_a_rule_error_at_run_time(
    system: Path, run_cli: Run, check: str
) -> None:
    _misspell(system, check)
    result = run_cli("check", system, "--as-of", "2026-11-25", "-o", "json")
    assert result.code == 1, result.err
    data = json.loads(result.out)
    rule = next(r for r in data["results"] if r["rule_id"] == "DEMO-16-PROVIDER")
    assert rule["status"] == "error" and rule["gating"]
    (finding,) = rule["findings"]
    assert finding["status"] == "error" and "has no field" in finding["found"]
    assert finding["location"]["file"] == "pack/rules.yaml"
    assert "DEMO-16-PROVIDER" in data["summary"]["gating"]


def test_a_misspelt_path_is_a_lint_error_naming_the_rule(system: Path, run_cli: Run) -> None:
    _misspell(system, "{each: {path: 'datasets[*]', check: {present: item.bias_examinaton}}}")
    result = run_cli("policies", "lint", system / "pack")
    assert result.code == 1
    (line,) = [x for x in result.err.splitlines() if x.startswith("error:")]
    assert "pack/rules.yaml:" in line and "DEMO-16-PROVIDER" in line
    assert "did you mean 'bias_examination'" in line


def test_built_in_packs_lint_clean(run_cli: Run) -> None:
    result = run_cli("policies", "lint", REPO / "policies")
    assert result.code == 0, result.err
    assert "0 problem(s)" in result.out


@pytest.mark.parametrize(("example", "code"), [("credit-scoring", 0), ("support-chatbot", 1)])
def test_examples_keep_their_verdicts(
    tmp_path: Path, run_cli: Run, example: str, code: int
) -> None:
    system = copy_example(example, tmp_path / example)
    result = run_cli("check", system, "-o", "json")
    assert result.code == code, result.err
    statuses = [r["status"] for r in json.loads(result.out)["results"]]
    assert all(s != "error" for s in statuses)
