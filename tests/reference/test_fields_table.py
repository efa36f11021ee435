"""fields.yaml: in step with the catalogue, valid, and covering the built-in packs."""

from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from sync_fields import CATALOGUE, FIELDS, merged, parse_catalogue, render

from govern.engine.card_gaps import load_fields
from govern.load.choices import TIERS, TRANSPARENCY_TRIGGERS
from govern.load.manifest import TransparencyTrigger
from govern.reference import FRAMEWORKS, load_catalogue

REPO = Path(__file__).resolve().parents[2]
PROFILE_TAGS = {*TIERS, "gpai", "gpai_systemic", *TRANSPARENCY_TRIGGERS}


def test_cli_choices_match_the_manifest_model() -> None:
    assert typing.get_args(TransparencyTrigger) == TRANSPARENCY_TRIGGERS


@pytest.mark.shared
def test_fields_yaml_is_in_step_with_the_catalogue() -> None:
    current = yaml.safe_load(FIELDS.read_text(encoding="utf-8"))["fields"]
    expected = render(merged(parse_catalogue(CATALOGUE.read_text(encoding="utf-8")), current))
    assert FIELDS.read_text(encoding="utf-8") == expected, (
        "fields.yaml is out of date: run `python tests/reference/sync_fields.py`"
    )


def test_every_field_of_the_catalogue_is_there() -> None:
    keys = [spec.key for spec in load_fields()]
    assert len(keys) == len(set(keys)) == 57
    assert sum(k.startswith("mc.") for k in keys) == 28
    assert sum(k.startswith("dp.") for k in keys) == 18


def test_provisions_exist_in_the_reference_catalogues() -> None:
    for spec in load_fields():
        for framework in FRAMEWORKS:
            catalogue = load_catalogue(framework)
            unknown = [p for p in spec.provisions[framework] if p not in catalogue]
            assert not unknown, f"{spec.key}: unknown {framework} ids {unknown}"


def test_profiles_and_frameworks_are_known() -> None:
    data = yaml.safe_load(FIELDS.read_text(encoding="utf-8"))["fields"]
    for entry in data:
        tags = set(entry.get("required_for") or []) | set(entry.get("recommended_for") or [])
        for item in (entry.get("checks") or []) + (entry.get("weak") or []):
            tags |= set(item.get("when") or [])
            assert set(item.get("frameworks") or []) <= set(FRAMEWORKS), entry["key"]
        assert tags <= PROFILE_TAGS, f"{entry['key']}: unknown profile {tags - PROFILE_TAGS}"


_PATH = re.compile(
    r"^(model_card|datasets|fairness|system|classification|gpai)(\[[^\]]*\])?(\.[A-Za-z_0-9]+(\[[^\]]*\])?)*$"
)


def _paths(check: Any, base: str | None = None) -> set[str]:
    """Evidence paths a check reads, with `item.` spelled out and filters as [*]."""
    found: set[str] = set()
    if isinstance(check, dict):
        for key, value in check.items():
            if key == "each":
                each = re.sub(r"\[[^\]]*\]", "[*]", value["path"])
                found |= _paths(value.get("check"), each) | _paths(value.get("when"), each)
            elif key in ("present", "path") and isinstance(value, str):
                if value.startswith("item") and base:
                    value = base + value[len("item") :]
                found.add(re.sub(r"\[[^\]]*\]", "[*]", value))
            else:
                found |= _paths(value, base)
    elif isinstance(check, list):
        for item in check:
            found |= _paths(item, base)
    return found


def test_lint_covers_every_evidence_path_the_builtin_packs_check() -> None:
    """A field a built-in rule fails on is a field `card lint` names (`govern init`'s promise)."""
    fields = yaml.safe_load(FIELDS.read_text(encoding="utf-8"))["fields"]
    covered: set[str] = set()
    for entry in fields:
        for item in (entry.get("checks") or []) + (entry.get("weak") or []):
            covered |= {p.removesuffix("[*]") for p in _paths(item["check"])}

    def is_covered(path: str) -> bool:
        # Reading `a.b.c` also tells whether `a.b` is there.
        return any(c == path or c.startswith((path + ".", path + "[")) for c in covered)

    missing: dict[str, set[str]] = {}
    for rule_file in sorted((REPO / "policies").glob("*/*.yaml")):
        rules = yaml.safe_load(rule_file.read_text(encoding="utf-8"))
        if not isinstance(rules, list):
            continue
        for rule in rules:
            for path in _paths(rule["check"]):
                if not path.startswith(("model_card", "datasets", "fairness", "gpai")):
                    continue  # manifest answers and attestations are not card fields
                path = path.removesuffix("[*]")  # counting entries: the list itself
                if not is_covered(path):
                    missing.setdefault(path, set()).add(rule["id"])
    assert not missing, f"evidence paths no lint check reads: {missing}"


def test_every_check_path_is_well_formed() -> None:
    fields = yaml.safe_load(FIELDS.read_text(encoding="utf-8"))["fields"]
    for entry in fields:
        for item in entry.get("checks") or []:
            for path in _paths(item["check"]):
                assert _PATH.match(path), f"{entry['key']}: {path}"


# Words that state an expectation in the direction of each comparison: the message is printed
# after "expected", so it says what passes, never what fails.
_DIRECTION = {"min": ("at or above", "at least"), "max": ("at or below", "at most")}
_OPPOSITE = {"min": ("below", "at most", "under"), "max": ("above", "at least", "over")}


def _comparisons(check: Any) -> list[tuple[str, float]]:
    if not isinstance(check, dict):
        return []
    found = [(op, check[op]["value"]) for op in _DIRECTION if isinstance(check.get(op), dict)]
    for nested in check.values():
        for item in nested if isinstance(nested, list) else [nested]:
            found.extend(_comparisons(item))
    return found


def test_every_lint_message_states_its_comparison_the_right_way_round() -> None:
    """A min check's message says "at or above" its number, a max check's "at or below"."""
    entries = yaml.safe_load(FIELDS.read_text(encoding="utf-8"))["fields"]
    compared = 0
    for entry in entries:
        for item in [*(entry.get("checks") or ()), *(entry.get("weak") or ())]:
            message = item.get("message")
            for op, value in _comparisons(item["check"]) if message else []:
                compared += 1
                stripped = message
                for phrase in _DIRECTION[op]:
                    stripped = stripped.replace(phrase, "")
                assert stripped != message, f"{entry['key']}: {op} check, message {message!r}"
                assert not any(re.search(rf"\b{w}\b", stripped) for w in _OPPOSITE[op]), message
                if isinstance(value, (int, float)):  # else a threshold read from the evidence
                    number = f"{value * 100:g}%" if "%" in message else f"{value:g}"
                    assert number in message, f"{entry['key']}: {message!r} lacks {value}"
    assert compared >= 4  # the fairness gates, data quality and log retention


def test_card_lint_prints_the_gate_the_value_must_meet() -> None:
    """The message a failing fairness value gets reads as the expectation it missed."""
    from govern.engine.card_gaps import LintTarget, lint
    from govern.load.documents import Position

    ratio = {"value": 0.5, "ci": {"lower": 0.4, "upper": 0.6}}
    view = {
        "fairness": [
            {"features": [{"disparities": {"demographic_parity_ratio": {"between_groups": ratio}}}]}
        ]
    }
    target = LintTarget("fairness.json", view, lambda path: ("fairness.json", Position(1, 1)))
    report = lint(target, frozenset({"high"}), ("eu-ai-act",))
    messages = [g.expected for g in report.gaps if g.field == "bm.disparity" and g.kind == "weak"]
    assert any(m.startswith("demographic parity ratio at or above") for m in messages), messages
