"""EU AI Act tier classification, and the constants it relies on against the reference catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from govern.engine.classify import classify
from govern.load.documents import load_document
from govern.load.manifest import Manifest
from govern.load.validation import load_validate
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


# A placeholder (what `govern init` writes) is not an answer: the classification is incomplete and
# the tier is the stricter one, labelled as assumed, never a silent "minimal".
ANNEX_I_TODO = "TODO: the Annex I product legislation, or replace with annex_iii: a point"


@pytest.mark.parametrize("placeholder", [ANNEX_I_TODO, "TBD", "N/A", "[More Information Needed]"])
def test_placeholder_annex_i_is_unanswered_and_high_risk_is_assumed(placeholder: str) -> None:
    result = classify(manifest(annex_i=placeholder))
    assert result.incomplete and result.assumed
    assert result.tier == "high" and result.high_risk and result.route is None
    assert result.label == "high-risk (assumed until answered)"
    assert [u.field for u in result.unanswered] == ["classification.annex_i"]
    assert not any(placeholder in reason.conclusion for reason in result.reasons)
    assert any("assumed until answered" in reason.conclusion for reason in result.reasons)
    assert any("classification.annex_i is unanswered" in w for w in result.warnings)


def test_unanswered_names_the_line_when_given_the_manifest(tmp_path: Path) -> None:
    path = tmp_path / "govern.yaml"
    path.write_text(
        "govern: 1\n"
        "system: {id: s, name: S, version: '1', role: provider, intended_purpose: p}\n"
        "classification:\n"
        "  annex_iii: null\n"
        f"  annex_i: {ANNEX_I_TODO!r}\n",
        encoding="utf-8",
    )
    document = load_document(path, "govern.yaml")
    result = classify(load_validate(Manifest, document), document)
    (item,) = result.unanswered
    assert (item.file, item.line, item.column) == ("govern.yaml", 5, 3)
    assert item.value == ANNEX_I_TODO
    assert "govern.yaml:5:3: classification.annex_i is unanswered" in result.warnings[0]


def test_real_answers_keep_their_tier_when_another_is_a_placeholder() -> None:
    result = classify(manifest(annex_iii="5(b)", annex_i="TODO"))
    assert result.tier == "high" and result.route == "annex_iii"
    assert result.incomplete and not result.assumed
    assert result.label == "high-risk"
    prohibited = classify(manifest(prohibited_practices=["c"], annex_i="TODO"))
    assert prohibited.tier == "prohibited" and prohibited.incomplete and not prohibited.assumed


def test_placeholder_derogation_is_not_applied() -> None:
    result = classify(
        manifest(
            annex_iii="4(a)",
            art6_3_exception={"conditions": ["d"], "justification": "TODO: why"},
        )
    )
    assert result.tier == "high" and result.assumed and result.route == "annex_iii"
    assert [u.field for u in result.unanswered] == ["classification.art6_3_exception.justification"]


def test_complete_answers_are_not_incomplete() -> None:
    result = classify(manifest(annex_i="Regulation (EU) 2017/745 (medical devices)"))
    assert not result.incomplete and not result.assumed and result.unanswered == []
    assert result.label == "high-risk" and result.route == "annex_i"
    assert classify(manifest()).tier == "minimal"
