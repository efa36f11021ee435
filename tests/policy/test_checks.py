"""Paths and operators: wildcards, filters, placeholders and the combinators, on plain data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govern.policy.checks import (
    CheckSyntaxError,
    Context,
    compile_check,
    evaluate,
    is_placeholder,
    is_present,
)
from govern.policy.paths import MISSING, PathSyntaxError, parse_path, resolve

VIEW: dict[str, Any] = {
    "model_card": {
        "evaluation": [
            {"metric": "auc", "value": 0.81, "threshold": 0.75},
            {"metric": "brier", "value": 0.12},
        ],
        "logging": {"retention_days": 365, "events": ["input", "output"]},
        "limitations": {"known_limitations": ["TODO"]},
    },
    "datasets": [{"id": "a", "bias_examination": {"method": "audit"}}, {"id": "b"}],
    "fairness": [],
    "attestations": [],
    "system": {"role": "provider"},
    "classification": {"tier": "high"},
}


def status(check: dict[str, Any], params: dict[str, Any] | None = None) -> str:
    ctx = Context(VIEW, params or {}, lambda control: [], dt.date(2026, 11, 25))
    return evaluate(compile_check(check), ctx).status


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        ({"present": "model_card.logging.events"}, "pass"),
        ({"present": "model_card.logging.nope"}, "fail"),
        ({"present": "model_card.limitations.known_limitations[*]"}, "fail"),  # placeholder
        ({"present": "datasets[*].bias_examination.method"}, "fail"),  # dataset b lacks it
        ({"present": "datasets[0].bias_examination.method"}, "pass"),
        ({"present": "fairness[*].features"}, "fail"),  # an empty list is missing evidence
        ({"min": {"path": "model_card.evaluation[metric=auc].value", "value": 0.8}}, "pass"),
        ({"min": {"path": "model_card.evaluation[metric=auc].value", "value": 0.9}}, "fail"),
        ({"max": {"path": "model_card.evaluation[metric=brier].value", "value": 0.2}}, "pass"),
        ({"min": {"path": "model_card.evaluation[metric=f1].value", "value": 0.1}}, "fail"),
        ({"equals": {"path": "system.role", "value": "provider"}}, "pass"),
        ({"one_of": {"path": "classification.tier", "values": ["limited", "minimal"]}}, "fail"),
        ({"matches": {"path": "datasets[*].id", "pattern": "^[a-z]$"}}, "pass"),
        ({"matches": {"path": "model_card.logging.retention_days", "pattern": "x"}}, "error"),
        ({"count": {"path": "model_card.evaluation[*]", "min": 2}}, "pass"),
        ({"count": {"path": "model_card.evaluation[*]", "min": 3}}, "fail"),
        ({"count": {"path": "fairness[*]", "max": 0}}, "pass"),
        ({"not": {"present": "model_card.logging.nope"}}, "pass"),
        ({"any": [{"present": "model_card.x"}, {"present": "model_card.logging"}]}, "pass"),
        ({"all": [{"present": "model_card.x"}, {"present": "model_card.logging"}]}, "fail"),
        ({"attestation": {"control": "qms"}}, "needs_attestation"),
    ],
)
def test_operators(check: dict[str, Any], expected: str) -> None:
    assert status(check) == expected


def test_params_are_used() -> None:
    check = {"min": {"path": "model_card.logging.retention_days", "value": {"param": "days"}}}
    assert status(check, {"days": 183}) == "pass"
    assert status(check, {"days": 400}) == "fail"


@pytest.mark.parametrize(
    "bad",
    [
        {"exists": "model_card.x"},
        {"present": "model_card.x", "min": {}},
        {"min": {"path": "model_card.x"}},
        {"min": {"path": "model_card.x", "value": "ten"}},
        {"matches": {"path": "model_card.x", "pattern": "(["}},
        {"all": []},
        {"count": {"path": "model_card.x"}},
        {"present": "evidence.x"},
    ],
)
def test_compile_errors(bad: dict[str, Any]) -> None:
    with pytest.raises(CheckSyntaxError):
        compile_check(bad)


@pytest.mark.parametrize(
    "text",
    ["", "model_card.", ".x", "model_card..x", "model_card[x", "unknown_root.x", "model_card x"],
)
def test_path_syntax_errors(text: str) -> None:
    with pytest.raises(PathSyntaxError):
        parse_path(text)


def test_resolve_reports_broken_branches() -> None:
    leaves = resolve(parse_path("datasets[*].bias_examination.method"), VIEW)
    assert [(leaf.path, leaf.value) for leaf in leaves] == [
        (("datasets", 0, "bias_examination", "method"), "audit"),
        (("datasets", 1, "bias_examination"), MISSING),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "TODO",
        "todo: fill in",
        "TBD",
        "[More Information Needed]",
        "N/A",
        "  ",
        "<describe the data>",
        "...",
    ],
)
def test_placeholders_are_not_present(text: str) -> None:
    assert not is_present(text)


@given(
    st.text(min_size=1).filter(
        lambda s: (
            s.strip()
            and s.strip()[0].isalpha()
            and not s.strip().lower().startswith(("todo", "tbd", "fixme", "n/a", "na", "lorem"))
        )
    )
)
def test_real_text_is_present(text: str) -> None:
    assert is_present(text)


@given(
    st.lists(st.integers(min_value=0, max_value=1000), max_size=20),
    st.integers(min_value=0, max_value=1000),
)
def test_min_over_wildcard_means_every_value(values: list[int], limit: int) -> None:
    view = {"model_card": {"evaluation": [{"value": v} for v in values]}}
    check = compile_check({"min": {"path": "model_card.evaluation[*].value", "value": limit}})
    outcome = evaluate(check, Context(view, {}, lambda c: [], dt.date(2026, 1, 1)))
    expected = "pass" if values and all(v >= limit for v in values) else "fail"
    assert outcome.status == expected


METRIC_VIEW: dict[str, Any] = {
    "fairness": [
        {"ratio": {"value": 0.83, "ci": {"lower": 0.76, "upper": 0.9}}},
        {"ratio": {"value": 0.9, "ci": None}},
        {"ratio": {"value": None, "ci": None}},
    ]
}


def metric_outcome(index: int, mode: str, limit: float) -> tuple[str, list[str]]:
    check = compile_check({"min": {"path": f"fairness[{index}].ratio", "value": limit, "ci": mode}})
    outcome = evaluate(check, Context(METRIC_VIEW, {}, lambda c: [], dt.date(2026, 1, 1)))
    return outcome.status, [w.found for w in outcome.warnings]


@pytest.mark.parametrize(
    ("mode", "limit", "status", "warned"),
    [
        ("point", 0.8, "pass", False),
        ("point", 0.85, "fail", False),
        ("interval", 0.8, "pass", True),  # straddles: warn, do not fail
        ("interval", 0.7, "pass", False),  # whole interval above
        ("interval", 0.95, "fail", False),  # whole interval below
        ("conservative", 0.8, "fail", False),
        ("conservative", 0.7, "pass", False),
    ],
)
def test_confidence_interval_gates(mode: str, limit: float, status: str, warned: bool) -> None:
    got_status, warnings = metric_outcome(0, mode, limit)
    assert got_status == status
    assert bool(warnings) == warned
    if warned:
        assert "straddles" in warnings[0]


def test_interval_gate_without_interval_warns_and_uses_point() -> None:
    status_, warnings = metric_outcome(1, "interval", 0.8)
    assert status_ == "pass" and "no confidence interval" in warnings[0]


def test_undefined_metric_is_insufficient_evidence() -> None:
    assert metric_outcome(2, "interval", 0.8)[0] == "insufficient_evidence"


def test_bad_ci_mode() -> None:
    with pytest.raises(CheckSyntaxError):
        compile_check({"min": {"path": "fairness[0].ratio", "value": 1, "ci": "loose"}})


EACH_VIEW: dict[str, Any] = {
    "datasets": [
        {"id": "a", "personal_data": {"contains_personal_data": True, "legal_basis": "6(1)(b)"}},
        {"id": "b", "personal_data": {"contains_personal_data": False}},
        {"id": "c", "personal_data": {"contains_personal_data": True}},
    ],
    "model_card": {
        "evaluation": [
            {"metric": "auc", "value": 0.8, "threshold": 0.75, "comparison": ">="},
            {"metric": "brier", "value": 0.2, "threshold": 0.15, "comparison": "<="},
            {"metric": "ks", "value": 0.4},
        ],
        "cybersecurity": {"threats_addressed": ["data_poisoning", "model_flaws"]},
    },
}


def each_outcome(check: dict[str, Any]) -> Any:
    return evaluate(compile_check(check), Context(EACH_VIEW, {}, lambda c: [], dt.date(2026, 1, 1)))


def test_each_with_when_checks_only_matching_entries() -> None:
    outcome = each_outcome(
        {
            "each": {
                "path": "datasets[*]",
                "when": {
                    "equals": {"path": "item.personal_data.contains_personal_data", "value": True}
                },
                "check": {"present": "item.personal_data.legal_basis"},
            }
        }
    )
    assert outcome.status == "fail"
    assert [f.path for f in outcome.findings] == [("datasets", 2, "personal_data", "legal_basis")]


def test_each_over_nothing_is_vacuously_true() -> None:
    outcome = each_outcome({"each": {"path": "fairness[*]", "check": {"present": "item.x"}}})
    assert outcome.status == "pass"


def test_threshold_from_the_entry_itself() -> None:
    outcome = each_outcome(
        {
            "each": {
                "path": "model_card.evaluation[*]",
                "when": {"equals": {"path": "item.comparison", "value": "<="}},
                "check": {"max": {"path": "item.value", "value": {"path": "item.threshold"}}},
            }
        }
    )
    assert outcome.status == "fail"
    assert outcome.findings[0].path == ("model_card", "evaluation", 1, "value")
    assert outcome.findings[0].expected == "item.value <= the value of item.threshold"
    passing = each_outcome(
        {
            "each": {
                "path": "model_card.evaluation[*]",
                "when": {"equals": {"path": "item.comparison", "value": ">="}},
                "check": {"min": {"path": "item.value", "value": {"path": "item.threshold"}}},
            }
        }
    )
    assert passing.status == "pass"


def test_missing_threshold_fails() -> None:
    outcome = each_outcome(
        {
            "each": {
                "path": "model_card.evaluation[metric=ks]",
                "check": {"min": {"path": "item.value", "value": {"path": "item.threshold"}}},
            }
        }
    )
    assert outcome.status == "fail" and "no threshold" in outcome.findings[0].found


def test_contains() -> None:
    path = "model_card.cybersecurity.threats_addressed"
    assert each_outcome({"contains": {"path": path, "value": "model_flaws"}}).status == "pass"
    outcome = each_outcome({"contains": {"path": path, "value": "adversarial_examples"}})
    assert outcome.status == "fail"
    assert outcome.findings[0].found == "['data_poisoning', 'model_flaws']"


@pytest.mark.parametrize(
    "bad",
    [
        {"present": "item.x"},
        {"each": {"path": "datasets[*]"}},
        {"min": {"path": "model_card.x", "value": {"path": "datasets[*].size"}}},
        {"attestation": {"control": "qms", "max_age_days": {"path": "model_card.x"}}},
    ],
)
def test_each_and_path_threshold_compile_errors(bad: dict[str, Any]) -> None:
    with pytest.raises(CheckSyntaxError):
        compile_check(bad)


def test_booleans_read_like_yaml() -> None:
    outcome = each_outcome(
        {"equals": {"path": "datasets[1].personal_data.contains_personal_data", "value": True}}
    )
    assert outcome.findings[0].found == "false"
    assert outcome.findings[0].expected.endswith("= true")


# A failed `not` points at what made its inner check hold, and shows the value found there.
NOT_VIEW: dict[str, Any] = {
    "classification": {
        "transparency": ["interacts_with_persons"],
        "annex_i": "TODO: the Annex I product legislation",
        "gpai": False,
    },
    "model_card": {
        "logging": {"retention_days": 365},
        "metric": {"value": 0.8, "ci": {"lower": 0.75, "upper": 0.85}},
    },
    "datasets": [{"id": "a", "synthetic": {"share": 0}}, {"id": "b", "synthetic": {"share": 0}}],
    "fairness": [],
}


def not_findings(check: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    ctx = Context(NOT_VIEW, {}, lambda control: [], dt.date(2026, 11, 25))
    outcome = evaluate(compile_check({"not": check}), ctx)
    assert outcome.status == "fail"
    assert all(f.expected.startswith("not (") and f.held for f in outcome.findings)
    return [(f.path, f.found) for f in outcome.findings]


@pytest.mark.parametrize(
    ("check", "findings"),
    [
        (
            {
                "contains": {
                    "path": "classification.transparency",
                    "value": "interacts_with_persons",
                }
            },
            [(("classification", "transparency"), "['interacts_with_persons']")],
        ),
        (
            {"matches": {"path": "classification.annex_i", "pattern": r"^\s*TODO"}},
            [
                (
                    ("classification", "annex_i"),
                    "placeholder 'TODO: the Annex I product legislation'",
                )
            ],
        ),
        (
            {"equals": {"path": "classification.gpai", "value": False}},
            [(("classification", "gpai"), "false")],
        ),
        (
            {"max": {"path": "datasets[*].synthetic.share", "value": 0}},
            [
                (("datasets", 0, "synthetic", "share"), "0"),
                (("datasets", 1, "synthetic", "share"), "0"),
            ],
        ),
        (
            {"count": {"path": "fairness[*]", "max": 0}},
            [(("fairness",), "0 entries")],
        ),
        (
            {
                "all": [
                    {"present": "model_card.logging.retention_days"},
                    {"equals": {"path": "classification.gpai", "value": False}},
                ]
            },
            [(("model_card", "logging", "retention_days"), "365")],
        ),
        (
            {
                "any": [
                    {"present": "model_card.nothing_here"},
                    {"equals": {"path": "classification.gpai", "value": False}},
                ]
            },
            [(("classification", "gpai"), "false")],
        ),
        (
            {"not": {"present": "model_card.nothing_here"}},
            [(("model_card", "nothing_here"), "missing")],
        ),
        (
            {"each": {"path": "datasets[*]", "check": {"present": "item.id"}}},
            [(("datasets", 0, "id"), "'a'"), (("datasets", 1, "id"), "'b'")],
        ),
        (
            {"each": {"path": "fairness[*]", "check": {"present": "item.id"}}},
            [(("fairness",), "no entries")],
        ),
        (
            {"min": {"path": "model_card.metric", "value": 0.5}},
            [(("model_card", "metric"), "0.8 [0.75, 0.85]")],
        ),
    ],
)
def test_failed_not_points_at_what_holds(
    check: dict[str, Any], findings: list[tuple[tuple[str | int, ...], str]]
) -> None:
    assert not_findings(check) == findings


def test_not_over_an_unresolved_check_keeps_its_status() -> None:
    ctx = Context(NOT_VIEW, {}, lambda control: [], dt.date(2026, 11, 25))
    outcome = evaluate(compile_check({"not": {"attestation": {"control": "qms"}}}), ctx)
    assert outcome.status == "needs_attestation"


@pytest.mark.parametrize(
    ("text", "placeholder"),
    [("TODO", True), ("  ", True), ("", True), ("N/A", True), ("5(b)", False), (None, False)],
)
def test_is_placeholder(text: str | None, placeholder: bool) -> None:
    assert is_placeholder(text) is placeholder
