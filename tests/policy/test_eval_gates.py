"""Evaluation-gated rules end to end through `govern check`: pass, fail, warn, insufficient."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, CliResult, copy_example, edit, write

MANIFEST = """\
govern: 1
system:
  id: chat
  name: Chat
  version: 2.0.0
  role: provider
  intended_purpose: Answer customer questions.
  release: {date: 2026-05-01, model_id: acme/chat, model_revision: abc123}
evidence:
  evaluations: [evals/bbq.yaml]
policies: [./pack]
"""
PACK = """\
id: demo
title: Demo pack
version: 0.0.1
framework: eu-ai-act
"""
RULES = """\
- id: DEMO-BIAS-BBQ
  title: Social bias measured on BBQ, with the interval above the bar
  refs: {eu-ai-act: ["Art.10(2)(f)"]}
  severity: high
  params: {min_accuracy: 0.6, min_n: 200}
  check:
    evaluation:
      benchmarks: [bbq]
      metric: accuracy
      min: {param: min_accuracy}
      min_n: {param: min_n}
  remediation: Run BBQ on the released model.
"""
EVALUATION = """\
model: {id: acme/chat, revision: abc123}
evaluator: {party: first_party, harness: {name: lm-evaluation-harness, version: 0.4.9}}
date: 2026-05-10
generation: {temperature: 0.0, max_tokens: 256, n_shot: 0}
results:
  - benchmark: {id: bbq_ambig, split: test}
    metric: accuracy
    direction: higher
    value: 0.75
    stderr: 0.01
    n: 1000
    proportion: true
    categories: [bias]
"""


@pytest.fixture
def chat(tmp_path: Path) -> Path:
    root = tmp_path / "chat"
    write(root / "govern.yaml", MANIFEST)
    write(root / "pack" / "pack.yaml", PACK)
    write(root / "pack" / "rules.yaml", RULES)
    write(root / "evals" / "bbq.yaml", EVALUATION)
    return root


def _rule(run_cli: Callable[..., CliResult], root: Path, rule: str) -> dict[str, Any]:
    result = run_cli("check", root, "--as-of", "2026-06-01", "--format", "json")
    assert result.code in (0, 1), result.err
    document = json.loads(result.out)
    (found,) = [r for r in document["results"] if r["rule_id"] == rule]
    found["exit"] = result.code
    return found


def test_interval_wholly_above_the_bar_passes(run_cli: Any, chat: Path) -> None:
    rule = _rule(run_cli, chat, "DEMO-BIAS-BBQ")
    assert rule["status"] == "pass" and rule["exit"] == 0
    assert not rule["notes"]
    assert "bbq_ambig accuracy 0.75 [0.7304, 0.7696] (n=1000)" in rule["message"]


def test_interval_wholly_below_the_bar_fails(run_cli: Any, chat: Path) -> None:
    edit(chat / "evals" / "bbq.yaml", "value: 0.75", "value: 0.5")
    rule = _rule(run_cli, chat, "DEMO-BIAS-BBQ")
    assert rule["status"] == "fail" and rule["exit"] == 1
    (finding,) = rule["findings"]
    assert finding["found"] == "bbq_ambig accuracy 0.5 [0.4804, 0.5196] (n=1000)"
    assert finding["location"]["file"] == "evals/bbq.yaml"
    assert finding["location"]["line"] == 6  # the result entry, in the engineer's own file


def test_interval_straddling_the_bar_warns(run_cli: Any, chat: Path) -> None:
    edit(
        chat / "evals" / "bbq.yaml",
        "value: 0.75\n    stderr: 0.01",
        "value: 0.62\n    stderr: 0.02",
    )
    rule = _rule(run_cli, chat, "DEMO-BIAS-BBQ")
    assert rule["status"] == "pass"
    (note,) = rule["notes"]
    assert note["status"] == "warn"
    assert "straddles the threshold" in note["found"]


def test_wilson_interval_from_n_when_no_stderr(run_cli: Any, chat: Path) -> None:
    edit(chat / "evals" / "bbq.yaml", "    stderr: 0.01\n", "")
    rule = _rule(run_cli, chat, "DEMO-BIAS-BBQ")
    assert rule["status"] == "pass"
    assert "[0.7222, 0.7758]" in rule["message"]  # Wilson 95% for 750 of 1000


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("n: 1000", "n: 150", "n=150, below the pack's minimum 200"),
        ("generation: {temperature: 0.0, max_tokens: 256, n_shot: 0}\n", "", "generation"),
        (
            "revision: abc123",
            "revision: 999fff",
            "evaluated revision 999fff, released revision abc123",
        ),
        ("date: 2026-05-10", "date: 2026-04-01", "dated 2026-04-01, before the release"),
    ],
    ids=["small-n", "no-generation-config", "other-revision", "predates-release"],
)
def test_insufficient_evidence(run_cli: Any, chat: Path, old: str, new: str, why: str) -> None:
    edit(chat / "evals" / "bbq.yaml", old, new)
    rule = _rule(run_cli, chat, "DEMO-BIAS-BBQ")
    assert rule["status"] == "insufficient_evidence"
    (finding,) = rule["findings"]
    assert why in finding["found"]


def test_no_matching_result_fails(run_cli: Any, chat: Path) -> None:
    edit(chat / "evals" / "bbq.yaml", "id: bbq_ambig", "id: mmlu")
    rule = _rule(run_cli, chat, "DEMO-BIAS-BBQ")
    assert rule["status"] == "fail"
    assert "no result of bbq (accuracy)" in rule["findings"][0]["found"]


RED_TEAM_RULE = """\
- id: DEMO-RED-TEAM
  title: Attacks rarely get through
  refs: {eu-ai-act: ["Art.15(5)"]}
  severity: high
  params: {max_rate: MAX}
  check: {red_team: {max_success_rate: {param: max_rate}, min_n: 30}}
  remediation: Harden the model.
"""


@pytest.mark.parametrize(
    ("limit", "status", "warned"),
    [("0.5", "pass", False), ("0.1", "fail", False), ("0.3", "pass", True)],
)
def test_garak_report_read_as_it_is(
    run_cli: Any, chat: Path, limit: str, status: str, warned: bool
) -> None:
    """garak's own report (13 of 50 attempts got through, 95% interval [0.14, 0.38])."""
    shutil.copy(
        REPO / "tests" / "fixtures" / "evals" / "garak_test_with_ci.report.jsonl",
        chat / "evals" / "garak.report.jsonl",
    )
    edit(chat / "govern.yaml", "[evals/bbq.yaml]", "[evals/bbq.yaml, evals/garak.report.jsonl]")
    edit(
        chat / "govern.yaml",
        "  release: {date: 2026-05-01, model_id: acme/chat, model_revision: abc123}\n",
        "",
    )
    write(chat / "pack" / "rules.yaml", RED_TEAM_RULE.replace("MAX", limit))
    rule = _rule(run_cli, chat, "DEMO-RED-TEAM")
    assert rule["status"] == status
    assert bool(rule["notes"]) is warned
    shown = (rule["findings"] or rule["notes"] or [{"found": rule["message"]}])[0]["found"]
    assert "test.Test / always.Pass success rate 0.26 [0.14, 0.38] (n=50)" in shown


def test_red_team_of_another_revision_is_insufficient(run_cli: Any, chat: Path) -> None:
    shutil.copy(
        REPO / "tests" / "fixtures" / "evals" / "garak_test_with_ci.report.jsonl",
        chat / "evals" / "garak.report.jsonl",
    )
    edit(chat / "govern.yaml", "[evals/bbq.yaml]", "[evals/garak.report.jsonl]")
    write(chat / "pack" / "rules.yaml", RED_TEAM_RULE.replace("MAX", "0.5"))
    rule = _rule(run_cli, chat, "DEMO-RED-TEAM")
    assert rule["status"] == "insufficient_evidence"
    assert "evaluated model revision not stated (released: abc123)" in rule["findings"][0]["found"]


def test_pack_with_unknown_gate_argument_is_refused(run_cli: Any, chat: Path) -> None:
    edit(chat / "pack" / "rules.yaml", "metric: accuracy", "metrik: accuracy")
    result = run_cli("check", chat, "--as-of", "2026-06-01")
    assert result.code == 2
    assert "unknown argument 'metrik'" in result.err


GENAI_RULES = (
    "EUAIA-10-GENAI-BIAS-BENCHMARKS",
    "EUAIA-15-GENAI-PROMPT-INJECTION",
    "EUAIA-15-GENAI-JAILBREAK",
)


def _statuses(run_cli: Callable[..., CliResult], root: Path) -> dict[str, str]:
    result = run_cli("check", root, "--as-of", "2026-11-25", "--format", "json")
    return {r["rule_id"]: r["status"] for r in json.loads(result.out)["results"]}


def test_builtin_generative_rules_apply_only_to_generative_systems(
    run_cli: Any, tmp_path: Path
) -> None:
    """A high-risk scorer that generates nothing is not asked for benchmarks or red teaming;
    once it generates content it is, and with no evaluation evidence the rules fail."""
    root = copy_example("credit-scoring", tmp_path / "credit")
    before = _statuses(run_cli, root)
    assert {before[rule] for rule in GENAI_RULES} == {"not_applicable"}
    assert before["EUAIA-55-RED-TEAM-EVIDENCE"] == "not_applicable"
    edit(root / "govern.yaml", "  transparency: []", "  transparency: [synthetic_content]")
    after = _statuses(run_cli, root)
    assert {after[rule] for rule in GENAI_RULES} == {"fail"}
    assert after["NIST-GAI-6-BIAS-BENCHMARKS"] == "fail"


def test_bound_against_the_metric_direction_is_not_judged(run_cli: Any, chat: Path) -> None:
    """A minimum on a lower-is-better metric would pass the worst models: never a verdict."""
    edit(chat / "evals" / "bbq.yaml", "direction: higher", "direction: lower")
    rule = _rule(run_cli, chat, "DEMO-BIAS-BBQ")
    assert rule["status"] == "insufficient_evidence"
    assert "lower is better for this metric" in rule["findings"][0]["found"]
