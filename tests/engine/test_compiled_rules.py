"""Results built from a compiled rule's template are exactly what validating them would give."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from govern.engine.assessment import RuleResult
from govern.engine.compiled_rules import compiled_rules
from govern.engine.evaluate import EngineOptions, assess
from govern.load.bundle import load_system
from govern.policy.loader import load_packs
from tests.conftest import REPO, edit


def _assessed(system: Path, as_of: dt.date) -> list[RuleResult]:
    bundle = load_system(system)
    packs = load_packs(bundle.manifest.policy_sources(), bundle.root, bundle.manifest_document)
    return assess(bundle, packs, EngineOptions(as_of=as_of)).results


@pytest.mark.parametrize("as_of", [dt.date(2026, 1, 1), dt.date(2028, 9, 1)])
def test_results_validate_to_themselves(as_of: dt.date) -> None:
    results = _assessed(REPO / "examples" / "credit-scoring", as_of)
    assert {r.status for r in results} >= {"pass", "not_applicable"}
    for result in results:
        validated = RuleResult.model_validate(result.model_dump())
        assert validated == result
        assert validated.model_dump_json() == result.model_dump_json()


def test_failing_results_validate_to_themselves(system: Path) -> None:
    edit(system / "docs" / "card.yaml", "retention_days: 200", "retention_days: 30")
    results = _assessed(system, dt.date(2026, 11, 25))
    assert any(r.status == "fail" and r.findings for r in results)
    for result in results:
        assert RuleResult.model_validate(result.model_dump()) == result


def test_a_pack_set_is_compiled_once(system: Path) -> None:
    bundle = load_system(system)
    packs = load_packs(bundle.manifest.policy_sources(), bundle.root, bundle.manifest_document)
    first = compiled_rules(packs)
    assert compiled_rules(packs) is first
    assert [c.rule for c in first] == list(packs.rules)


def _json(system: Path, as_of: dt.date) -> str:
    bundle = load_system(system)
    packs = load_packs(bundle.manifest.policy_sources(), bundle.root, bundle.manifest_document)
    return assess(bundle, packs, EngineOptions(as_of=as_of)).model_dump_json()


@pytest.mark.parametrize("example", ["credit-scoring", "support-chatbot"])
def test_outcomes_answered_once_change_nothing(
    example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An assessment whose rules share their checks' outcomes is the one that evaluates each."""
    import shutil

    import govern.engine.evaluate as evaluate_module

    system = tmp_path / example
    shutil.copytree(REPO / "examples" / example, system)
    if example == "credit-scoring":  # failing and missing values, cited by several rules
        edit(system / "docs" / "model_card.yaml", "  contact: ai-compliance", "  contact: TODO")
    as_of = dt.date(2026, 12, 6)
    shared = _json(system, as_of)
    real = evaluate_module.Context

    def unshared(*args: object) -> object:
        return real(*args[:7])  # type: ignore[arg-type]

    monkeypatch.setattr(evaluate_module, "Context", unshared)
    assert _json(system, as_of) == shared


def test_outcome_keys_tell_apart_values_and_parameters() -> None:
    from types import SimpleNamespace

    from govern.engine.compiled_rules import check_keys
    from govern.policy.checks import compile_check

    def key(check: dict[str, object], params: dict[str, object], interned: dict[str, int]) -> int:
        compiled = compile_check(check)
        rule = SimpleNamespace(check=compiled, params=params)
        return check_keys(rule, interned)[id(compiled)]  # type: ignore[arg-type]

    interned: dict[str, int] = {}
    one = key({"equals": {"path": "system.role", "value": 1}}, {}, interned)
    assert one == key({"equals": {"path": "system.role", "value": 1}}, {"x": 1}, interned)
    assert one != key({"equals": {"path": "system.role", "value": True}}, {}, interned)
    assert one != key({"equals": {"path": "system.role", "value": 1.0}}, {}, interned)
    low = key({"min": {"path": "system.version", "value": {"param": "n"}}}, {"n": 1}, interned)
    bound = {"min": {"path": "system.version", "value": {"param": "n"}}}
    assert low == key(bound, {"n": 1, "other": 3}, interned)
    assert low != key(bound, {"n": 2}, interned)


def test_a_result_is_the_template_copied_with_the_system_fields(system: Path) -> None:
    bundle = load_system(system)
    packs = load_packs(bundle.manifest.policy_sources(), bundle.root, bundle.manifest_document)
    fields: dict[str, object] = {
        "status": "pass",
        "gating": False,
        "message": "all checks met",
        "found": "nothing to compare",
        "effective": None,
        "findings": [],
        "notes": [],
        "waiver": None,
        "attestations": [],
        "observations": [],
        "evidence_read": [],
    }
    for compiled in compiled_rules(packs):
        made = compiled.result(**fields)  # type: ignore[arg-type]
        copied = compiled.template.model_copy(update=fields)
        assert list(made.__dict__.items()) == list(copied.__dict__.items())
        assert made.__pydantic_fields_set__ == copied.__pydantic_fields_set__
        assert made.__pydantic_extra__ == copied.__pydantic_extra__
        assert made.__pydantic_private__ == copied.__pydantic_private__
        assert made.model_dump_json() == copied.model_dump_json()
        assert made.__pydantic_fields_set__ is not compiled.template.__pydantic_fields_set__


@pytest.mark.parametrize("example", ["credit-scoring", "support-chatbot"])
def test_cited_places_and_values_are_what_validation_makes(example: str) -> None:
    """Findings, their locations, the evidence read and the attestations cited are made without
    validating: each is the model validation makes of the same fields, field for field, type for
    type."""
    results = _assessed(REPO / "examples" / example, dt.date(2026, 12, 6))
    findings = [f for r in results for f in (*r.findings, *r.notes, *r.observations)]
    reads = [read for r in results for read in r.evidence_read]
    attestations = [a for r in results for a in r.attestations if a.attested_by is not None]
    assert findings and reads and attestations
    for finding in [*findings, *reads, *attestations]:
        for made in (finding, getattr(finding, "location", finding)):
            validated = type(made).model_validate(dict(made.__dict__))
            assert [(k, type(v), v) for k, v in made.__dict__.items()] == [
                (k, type(v), v) for k, v in validated.__dict__.items()
            ]
            assert made.__pydantic_fields_set__ == validated.__pydantic_fields_set__
            assert made.__pydantic_extra__ is None and made.__pydantic_private__ is None
