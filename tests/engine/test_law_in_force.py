"""The law in force (Regulation (EU) 2024/1689 as amended by 2026/1744) is what govern applies by
default: amended dates, the Art.5(1)(ba)/(bb) prohibitions from 2 December 2026, and every output
naming the legal text and the calendar it used."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from govern.cli.init import command as init_command
from govern.engine.assessment import Assessment
from govern.engine.classify import classify
from govern.engine.law import OMNIBUS_PROHIBITIONS_FROM, calendar_name
from govern.load.manifest import Manifest
from tests.conftest import CliResult, copy_example

Run = Callable[..., CliResult]
AMENDED = "Regulation (EU) 2024/1689 as amended by Regulation (EU) 2026/1744"


def _assessment(run_cli: Run, target: Path, *flags: str) -> tuple[CliResult, Assessment]:
    result = run_cli("check", target, "--format", "json", *flags)
    return result, Assessment.model_validate_json(result.out)


def test_annex_iii_art9_applies_from_2027_12_02_by_default(run_cli: Run, tmp_path: Path) -> None:
    system = copy_example("credit-scoring", tmp_path / "credit")
    card = system / "docs" / "model_card.yaml"
    data = yaml.safe_load(card.read_text(encoding="utf-8"))
    data["out_of_scope"]["foreseeable_misuse"] = []
    card.write_text(yaml.safe_dump(data), encoding="utf-8")
    _, assessment = _assessment(run_cli, system, "--as-of", "2026-12-05")
    assert assessment.options.calendar == "amended"
    assert assessment.options.legal_text == AMENDED
    risk = next(r for r in assessment.results if r.rule_id == "EUAIA-9-RISK-MANAGEMENT-PROCESS")
    assert risk.effective is not None and not risk.effective.in_force
    assert risk.effective.applies_from.isoformat() == "2027-12-02"
    assert risk.effective.amended_verified is False
    # A rule not yet in force keeps showing its failure, labelled with its date and basis.
    text = run_cli("check", system, "--as-of", "2026-12-05").out
    assert f"Law applied: {AMENDED} · calendar: amended (amended dates verified: false)" in text
    assert "applies   from 2027-12-02 (Art.113(3)(c)(i) as amended" in text
    assert "verified: false)" in text


def test_original_calendar_puts_art9_in_force(run_cli: Run, tmp_path: Path) -> None:
    system = copy_example("credit-scoring", tmp_path / "credit")
    _, assessment = _assessment(run_cli, system, "--as-of", "2026-12-05", "--calendar", "original")
    risk = next(r for r in assessment.results if r.rule_id == "EUAIA-9-RISK-MANAGEMENT-PROCESS")
    assert risk.effective is not None and risk.effective.in_force
    assert risk.effective.applies_from.isoformat() == "2026-08-02"
    assert assessment.options.calendar == "original"
    assert "superseded" in (assessment.options.legal_text or "")


def test_official_is_a_deprecated_name_for_original(run_cli: Run, tmp_path: Path) -> None:
    system = copy_example("credit-scoring", tmp_path / "credit")
    result, assessment = _assessment(
        run_cli, system, "--as-of", "2026-12-05", "--calendar", "official"
    )
    assert result.code == 0
    assert assessment.options.calendar == "original"
    notes = [line for line in result.err.splitlines() if "deprecated" in line]
    assert len(notes) == 1 and "--calendar original" in notes[0]


def test_sarif_junit_and_markdown_name_the_legal_text(run_cli: Run, tmp_path: Path) -> None:
    system = copy_example("credit-scoring", tmp_path / "credit")
    out = tmp_path / "out"
    result = run_cli(
        "check",
        system,
        "--as-of",
        "2026-12-06",
        "-o",
        f"sarif={out / 'a.sarif'}",
        "-o",
        f"junit={out / 'a.xml'}",
        "-o",
        f"markdown={out / 'a.md'}",
    )
    assert result.code == 0, result.err
    run = json.loads((out / "a.sarif").read_text(encoding="utf-8"))["runs"][0]
    assert run["properties"]["legalText"] == AMENDED
    assert run["properties"]["calendar"] == "amended"
    assert "verified: false" in run["properties"]["calendarNote"]
    assert f'name="legal_text" value="{AMENDED}"' in (out / "a.xml").read_text(encoding="utf-8")
    assert "calendar\\: amended (amended dates verified\\: false)" in (out / "a.md").read_text(
        encoding="utf-8"
    )


def _generative(tmp_path: Path, letters: str) -> Path:
    system = copy_example("support-chatbot", tmp_path / "bot")
    manifest = system / "govern.yaml"
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    assert data["classification"]["prohibited_practices"] == []
    text = manifest.read_text(encoding="utf-8")
    text = text.replace("prohibited_practices: []", f"prohibited_practices: {letters}", 1)
    if "synthetic_content" not in text:
        text = text.replace("transparency: [", "transparency: [synthetic_content, ", 1)
    manifest.write_text(text, encoding="utf-8")
    return system


def test_intimate_imagery_is_prohibited_from_2026_12_02_not_before(
    run_cli: Run, tmp_path: Path
) -> None:
    system = _generative(tmp_path, '["ba"]')
    on = json.loads(run_cli("classify", system, "--as-of", "2026-12-02", "--format", "json").out)
    before = json.loads(
        run_cli("classify", system, "--as-of", "2026-12-01", "--format", "json").out
    )
    assert on["tier"] == "prohibited"
    assert any("Art.5(1)(ba)" in r["provisions"] for r in on["reasons"])
    assert before["tier"] != "prohibited"
    assert any("prohibited from 2026-12-02" in w for w in before["warnings"])

    _, assessment = _assessment(run_cli, system, "--as-of", "2026-12-02")
    rule = next(r for r in assessment.results if r.rule_id == "EUAIA-5-NO-INTIMATE-IMAGERY-OR-CSAM")
    assert rule.status == "fail" and rule.gating
    assert assessment.classification.tier == "prohibited"
    _, earlier = _assessment(run_cli, system, "--as-of", "2026-12-01")
    rule = next(r for r in earlier.results if r.rule_id == "EUAIA-5-NO-INTIMATE-IMAGERY-OR-CSAM")
    assert rule.effective is not None and not rule.effective.in_force
    assert earlier.classification.tier != "prohibited"
    # The letters (a)-(h) rule is not tripped by the Omnibus letters.
    old = next(r for r in earlier.results if r.rule_id == "EUAIA-5-NO-PROHIBITED-PRACTICE")
    assert old.status == "pass"


def test_generative_provider_must_attest_its_safeguards(run_cli: Run, tmp_path: Path) -> None:
    system = _generative(tmp_path, "[]")
    _, assessment = _assessment(run_cli, system, "--as-of", "2026-12-06")
    rule = next(r for r in assessment.results if r.rule_id == "EUAIA-5-GENERATIVE-SAFEGUARDS")
    assert rule.status == "needs_attestation"
    assert rule.effective is not None and rule.effective.applies_from.isoformat() == "2026-12-02"


def test_coverage_lists_the_new_prohibitions_as_covered(run_cli: Run) -> None:
    result = run_cli("policies", "coverage", "--framework", "eu-ai-act", "--format", "json")
    provisions = {p["id"]: p for p in json.loads(result.out)[0]["provisions"]}
    for pid in ("Art.5(1)(ba)", "Art.5(1)(bb)"):
        assert provisions[pid]["status"] == "automated", provisions[pid]
        assert provisions[pid]["verified"] is False
        assert "EUAIA-5-NO-INTIMATE-IMAGERY-OR-CSAM" in provisions[pid]["automated_rules"]


def test_init_asks_a_generative_system_the_new_screening_questions(tmp_path: Path) -> None:
    answers = "\n".join(
        [
            "Image Studio",
            "",
            "1.0.0",
            "provider",
            "Generate marketing images from text prompts.",
            "limited",
            "synthetic_content",
            "y",  # Art.5(1)(ba)
            "n",  # Art.5(1)(bb)
            "eu-ai-act",
        ]
    )
    result = CliRunner().invoke(init_command, [str(tmp_path / "sys")], input=answers + "\n")
    assert result.exit_code == 0, result.output
    assert "Art.5(1)(ba)" in result.output and "Art.5(1)(bb)" in result.output
    manifest = yaml.safe_load((tmp_path / "sys" / "govern.yaml").read_text(encoding="utf-8"))
    assert manifest["classification"]["prohibited_practices"] == ["ba"]


def test_amended_articles_are_cited_first_and_original_ids_kept() -> None:
    from govern.policy.loader import load_packs

    packs = load_packs(["builtin:eu-ai-act"], Path.cwd())
    refs = {rule.id: rule.spec.refs["eu-ai-act"] for rule in packs.rules}
    assert refs["EUAIA-4-AI-LITERACY"][:2] == ["Art.4(1)", "Art.4"]
    for rule_id in (
        "EUAIA-10-SPECIAL-CATEGORY-NECESSITY",
        "EUAIA-10-SPECIAL-CATEGORY-SAFEGUARDS",
        "EUAIA-10-SPECIAL-CATEGORY-DELETION",
    ):
        assert refs[rule_id][0] == "Art.4a(1)"
        assert any(r.startswith("Art.10(5)") for r in refs[rule_id])
    size = next(rule for rule in packs.rules if rule.id == "EUAIA-99-PENALTY-SIZE-CLASS")
    assert refs[size.id] == ["Art.99(6a)", "Art.99(6)"] and not size.blocking
    # The consolidated text keeps Art.49(2) (registration of Art.6(3) systems): still required.
    assert "Art.49(2)" in refs["EUAIA-6-DEROGATION-DOCUMENTED"]


def test_report_cover_and_criteria_name_the_law_and_the_unverified_dates(
    run_cli: Run, tmp_path: Path
) -> None:
    system = copy_example("credit-scoring", tmp_path / "credit")
    card = system / "docs" / "model_card.yaml"
    data = yaml.safe_load(card.read_text(encoding="utf-8"))
    data["out_of_scope"]["foreseeable_misuse"] = []
    card.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "r.html"
    run_cli("report", system, "--html", out, "--as-of", "2026-12-05")
    html = out.read_text(encoding="utf-8")
    assert f"<th>Law applied</th><td>{AMENDED}<br>" in html
    assert "amended calendar: application dates as amended by Regulation (EU) 2026/1744" in html
    assert (
        "Applies from 2027-12-02 (Art.113(3)(c)(i) as amended by Regulation (EU) 2026/1744 "
        "(Digital Omnibus); verified: false)."
    ) in html


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2030, 12, 31)),
    letters=st.lists(st.sampled_from(["ba", "bb"]), min_size=1, max_size=2, unique=True),
)
def test_omnibus_prohibitions_count_exactly_from_their_date(
    day: dt.date, letters: list[str]
) -> None:
    answers = Manifest.model_validate(
        {
            "govern": 1,
            "system": {
                "id": "s",
                "name": "S",
                "version": "1",
                "role": "provider",
                "intended_purpose": "p",
            },
            "classification": {"prohibited_practices": letters, "transparency": ["deep_fake"]},
        }
    )
    result = classify(answers, None, day)
    assert (result.tier == "prohibited") == (day >= OMNIBUS_PROHIBITIONS_FROM)
    assert (not result.warnings) == (day >= OMNIBUS_PROHIBITIONS_FROM)
    # Without a date nothing is postponed: the stricter reading.
    assert classify(answers).tier == "prohibited"


@given(st.sampled_from(["amended", "original", "official", "OFFICIAL", "", "x"]))
def test_calendar_names_normalise_once(name: str) -> None:
    once = calendar_name(name)
    assert calendar_name(once) == once
    assert once != "official"
