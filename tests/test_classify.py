"""EU AI Act tier classification, and the constants it relies on against the reference catalogue."""

from __future__ import annotations

from typing import Any

import pytest

from govern.classify import classify
from govern.manifest import Manifest
from govern.reference import ANNEX_III_POINTS, PROHIBITED_PRACTICES, load_catalogue


def manifest(**classification: Any) -> Manifest:
    return Manifest.model_validate(
        {
            "govern": 1,
            "system": {
                "id": "s",
                "name": "S",
                "version": "1",
                "role": "provider",
                "intended_purpose": "p",
            },
            "classification": classification,
        }
    )


@pytest.mark.parametrize(
    ("answers", "tier", "provisions"),
    [
        ({}, "minimal", {"Art.6(2)"}),
        ({"prohibited_practices": ["c"]}, "prohibited", {"Art.5(1)(c)"}),
        ({"annex_iii": "5(b)"}, "high", {"Art.6(2)", "AnnexIII.5(b)"}),
        ({"annex_i": "Regulation (EU) 2017/745 (medical devices)"}, "high", {"Art.6(1)"}),
        (
            {
                "annex_iii": "4(a)",
                "art6_3_exception": {"conditions": ["d"], "justification": "prep"},
            },
            "minimal",
            {"Art.6(3)(d)", "Art.49(2)"},
        ),
        (
            {"transparency": ["interacts_with_persons", "synthetic_content"]},
            "limited",
            {"Art.50(1)", "Art.50(2)"},
        ),
    ],
)
def test_tiers_with_reasons(answers: dict[str, Any], tier: str, provisions: set[str]) -> None:
    result = classify(manifest(**answers))
    assert result.tier == tier
    cited = {p for reason in result.reasons for p in reason.provisions}
    assert provisions <= cited
    assert all(reason.answers for reason in result.reasons)


def test_profiling_voids_the_derogation() -> None:
    result = classify(
        manifest(
            annex_iii="4(a)",
            profiling=True,
            art6_3_exception={"conditions": ["a"], "justification": "x"},
        )
    )
    assert result.tier == "high"
    assert any("profile" in w for w in result.warnings)


def test_high_risk_with_transparency_stays_high() -> None:
    result = classify(manifest(annex_iii="1(c)", transparency=["emotion_recognition"]))
    assert result.tier == "high" and result.transparency == ["Art.50(3)"]


def test_gpai_flags() -> None:
    result = classify(manifest(gpai=True, gpai_systemic_risk=True))
    assert result.gpai and result.gpai_systemic_risk
    cited = {p for reason in result.reasons for p in reason.provisions}
    assert {"Art.53(1)(a)", "Art.55(1)(a)"} <= cited


def test_every_cited_provision_exists() -> None:
    catalogue = load_catalogue("eu-ai-act")
    for answers in ({"annex_iii": point} for point in ANNEX_III_POINTS):
        for reason in classify(manifest(**answers)).reasons:
            assert all(p in catalogue for p in reason.provisions), reason


def test_constants_match_the_catalogue() -> None:
    catalogue = load_catalogue("eu-ai-act")
    for point in ANNEX_III_POINTS:
        assert f"AnnexIII.{point}" in catalogue
    annex_iii = {
        p.removeprefix("AnnexIII.")
        for p in catalogue.provisions
        if (p.startswith("AnnexIII.") and "(" in p) or p == "AnnexIII.2"
    }
    assert annex_iii == set(ANNEX_III_POINTS)
    for letter in PROHIBITED_PRACTICES:
        assert f"Art.5(1)({letter})" in catalogue
