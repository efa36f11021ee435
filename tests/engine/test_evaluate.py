"""Engine behaviour users rely on: dates, attestations, applicability, tightening, the verdict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from govern.engine.assessment import Assessment, RuleResult
from govern.engine.evaluate import EngineOptions, assess
from govern.errors import InputError
from govern.load.bundle import load_system
from govern.policy.loader import load_packs
from tests.conftest import CliResult, edit, write

TODAY = dt.date(2026, 11, 25)
SHORT_RETENTION = "provider:\n  name: Demo Bank\nlogging:\n  retention_days: 30\n"


def run(system: Path, **options: object) -> Assessment:
    bundle = load_system(system)
    packs = load_packs(bundle.manifest.policy_sources(), bundle.root, bundle.manifest_document)
    as_of = options.pop("as_of", TODAY)
    return assess(bundle, packs, EngineOptions(as_of=as_of, **options))  # type: ignore[arg-type]


def rule(assessment: Assessment, rule_id: str) -> RuleResult:
    return next(r for r in assessment.results if r.rule_id == rule_id)


def test_all_pass_and_evidence_is_hashed(system: Path) -> None:
    assessment = run(system)
    assert assessment.summary.verdict == "pass"
    # Coherence rules with nothing to compare (no datasets, no fairness report) do not apply.
    assert {r.status for r in assessment.results} == {"pass", "not_applicable"}
    assert all(
        r.rule_id.startswith("GOVERN-COHERENCE-")
        for r in assessment.results
        if r.status == "not_applicable"
    )
    import hashlib

    card = next(e for e in assessment.evidence if e.kind == "model_card")
    assert card.sha256 == hashlib.sha256((system / "docs/card.yaml").read_bytes()).hexdigest()
    assert assessment.manifest.path == "govern.yaml"
    assert assessment.packs[0].files[0].sha256


def test_failure_has_expected_found_and_location(system: Path) -> None:
    write(system / "docs" / "card.yaml", SHORT_RETENTION)
    result = rule(run(system), "DEMO-12-LOG-RETENTION")
    assert result.status == "fail" and result.gating
    finding = result.findings[0]
    assert finding.expected == "model_card.logging.retention_days >= 183"
    assert finding.found == "30"
    assert (finding.location.file, finding.location.line) == ("docs/card.yaml", 4)
    assert finding.location.column == 3
    assert finding.location.sha256 is not None
    assert result.refs == {"eu-ai-act": ["Art.19(1)"], "nist-ai-rmf": ["MEASURE 2.4"]}


def test_obligation_not_yet_in_force_is_shown_and_blocks_by_default(system: Path) -> None:
    write(system / "docs" / "card.yaml", SHORT_RETENTION)
    assessment = run(system, as_of=dt.date(2026, 5, 1), calendar="original")
    result = rule(assessment, "DEMO-12-LOG-RETENTION")
    assert result.status == "fail"
    assert result.effective is not None and not result.effective.in_force
    assert result.effective.applies_from == dt.date(2026, 8, 2)
    assert "applies from 2026-08-02" in result.message
    assert result.gating and assessment.summary.verdict == "fail"
    assert assessment.summary.not_in_force_failures == ["DEMO-12-LOG-RETENTION"]


def test_only_in_force_stops_blocking_but_still_shows(system: Path) -> None:
    write(system / "docs" / "card.yaml", SHORT_RETENTION)
    assessment = run(system, as_of=dt.date(2026, 7, 1), only_in_force=True)
    result = rule(assessment, "DEMO-12-LOG-RETENTION")
    assert result.status == "fail" and not result.gating
    assert assessment.summary.verdict == "pass"


def test_the_law_in_force_is_the_default_and_the_original_calendar_stays(system: Path) -> None:
    default = run(system)
    amended = rule(default, "DEMO-12-LOG-RETENTION").effective
    original = rule(run(system, calendar="original"), "DEMO-12-LOG-RETENTION").effective
    assert original is not None and amended is not None
    assert original.in_force and original.applies_from == dt.date(2026, 8, 2)
    assert not amended.in_force and amended.applies_from == dt.date(2027, 12, 2)
    assert amended.amended_verified is False and amended.calendar == "amended"
    assert default.options.calendar == "amended"
    assert default.options.legal_text == (
        "Regulation (EU) 2024/1689 as amended by Regulation (EU) 2026/1744"
    )


def test_missing_attestation_needs_attestation_and_blocks(system: Path) -> None:
    write(system / "docs" / "attestations.yaml", "attestations: []\n")
    assessment = run(system)
    result = rule(assessment, "DEMO-17-QMS")
    assert result.status == "needs_attestation" and result.gating
    assert not result.automated
    assert not rule(run(system, allow_unattested=True), "DEMO-17-QMS").gating


@pytest.mark.parametrize(
    ("date", "expires", "problem"),
    [
        ("2024-01-01", None, "older than 365 days"),
        ("2026-12-01", None, "after the assessment date"),
        ("2026-01-01", "2026-06-30", "expired on 2026-06-30"),
    ],
)
def test_stale_attestations_do_not_count(
    system: Path, date: str, expires: str | None, problem: str
) -> None:
    extra = f"\n    expires: {expires}" if expires else ""
    write(
        system / "docs" / "attestations.yaml",
        "attestations:\n  - control: qms\n    statement: QMS exists.\n"
        f"    attested_by: {{name: Bo, role: CTO}}\n    date: {date}{extra}\n",
    )
    result = rule(run(system), "DEMO-17-QMS")
    assert result.status == "needs_attestation"
    assert problem in result.message


def test_attested_control_names_the_person(system: Path) -> None:
    result = rule(run(system), "DEMO-17-QMS")
    assert result.status == "pass"
    assert "Ada Lovelace (Head of Quality)" in result.message
    assert result.attestations[0].statement == "A documented QMS covers this system."


def test_not_applicable_says_why(system: Path) -> None:
    edit(
        system / "govern.yaml",
        '  annex_iii: "5(b)"\n',
        "  transparency: [interacts_with_persons]\n",
    )
    result = rule(run(system), "DEMO-12-LOG-RETENTION")
    assert result.status == "not_applicable" and not result.gating
    assert result.message == "applies to risk tier high; this system is limited"


def test_wrong_type_is_an_error_not_a_pass(system: Path) -> None:
    edit(
        system / "pack" / "rules.yaml",
        "{present: model_card.provider.name}",
        "{min: {path: model_card.provider.name, value: 3}}",
    )
    result = rule(run(system), "DEMO-16-PROVIDER")
    assert result.status == "error" and result.gating
    assert "not a number" in result.findings[0].found


def test_fail_on_threshold(system: Path) -> None:
    write(system / "docs" / "card.yaml", SHORT_RETENTION)
    assert run(system, fail_on="critical").summary.verdict == "pass"
    assert run(system, fail_on="high").summary.verdict == "fail"


ORG_PACK = """\
id: acme
title: ACME house rules
version: 1.0.0
overrides:
  - rule: DEMO-12-LOG-RETENTION
    params: {min_days: 365}
    severity: critical
    reason: Group policy keeps logs a year.
"""


def test_organisation_pack_tightens_and_says_so(system: Path) -> None:
    write(system / "acme" / "pack.yaml", ORG_PACK)
    write(
        system / "acme" / "rules.yaml",
        """\
        - id: ACME-1-OWNER
          title: Model owner named
          refs: {iso-42001: ["A.3.2"]}
          severity: medium
          check: {present: model_card.provider.contact}
          remediation: Name a contact.
        """,
    )
    edit(system / "govern.yaml", "[./pack]", "[./pack, ./acme]")
    assessment = run(system)
    result = rule(assessment, "DEMO-12-LOG-RETENTION")
    assert result.status == "fail"  # 200 days no longer enough
    assert result.severity == "critical"
    assert [(t.what, t.before, t.after, t.pack) for t in result.tightened] == [
        ("severity", "high", "critical", "acme"),
        ("param min_days", 183.0, 365.0, "acme"),
    ]
    assert rule(assessment, "ACME-1-OWNER").status == "fail"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("params: {min_days: 90}", "would loosen"),
        ("severity: low", "cannot lower severity"),
        ("blocking: false", "cannot make a blocking rule non-blocking"),
        ("params: {nope: 1}", "no parameter"),
    ],
)
def test_organisation_pack_cannot_loosen(system: Path, override: str, message: str) -> None:
    write(
        system / "acme" / "pack.yaml",
        "id: acme\ntitle: t\nversion: '1'\noverrides:\n  - rule: DEMO-12-LOG-RETENTION\n"
        f"    {override}\n",
    )
    edit(system / "govern.yaml", "[./pack]", "[./pack, ./acme]")
    with pytest.raises(InputError) as caught:
        run(system)
    assert message in str(caught.value)
    assert "acme/pack.yaml:5" in caught.value.diagnostics()[0]


def test_profiling_condition(system: Path) -> None:
    edit(
        system / "pack" / "rules.yaml",
        "  applies_when: {risk_tier: [high]}\n",
        "  applies_when: {profiling: true}\n",
    )
    result = rule(run(system), "DEMO-12-LOG-RETENTION")
    assert result.status == "not_applicable"
    assert result.message == "applies to systems that profile natural persons"
    edit(
        system / "govern.yaml", '  annex_iii: "5(b)"\n', '  annex_iii: "5(b)"\n  profiling: true\n'
    )
    assert rule(run(system), "DEMO-12-LOG-RETENTION").status == "pass"


def test_failed_not_is_located_at_the_value_that_holds(system: Path) -> None:
    edit(
        system / "govern.yaml",
        '  annex_iii: "5(b)"\n',
        '  annex_iii: "5(b)"\n  transparency: [interacts_with_persons]\n',
    )
    rules = system / "pack" / "rules.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8")
        + "- id: DEMO-NO-CHAT\n"
        + "  title: Not a chatbot\n"
        + '  refs: {eu-ai-act: ["Art.50(1)"]}\n'
        + "  severity: high\n"
        + "  check:\n"
        + "    not:\n"
        + "      contains: {path: classification.transparency, value: interacts_with_persons}\n"
        + "  remediation: Do not chat.\n",
        encoding="utf-8",
    )
    (finding,) = rule(run(system), "DEMO-NO-CHAT").findings
    assert finding.found == "['interacts_with_persons']"
    location = finding.location
    assert (location.file, location.line, location.column) == ("govern.yaml", 10, 3)
    assert location.field == "classification.transparency"


@pytest.mark.parametrize("fail_on", ["critical", "high", "low"])
def test_placeholder_classification_fails_closed(system: Path, fail_on: str) -> None:
    edit(
        system / "govern.yaml",
        '  annex_iii: "5(b)"\n',
        '  annex_iii: null\n  annex_i: "TODO: the Annex I act"\n',
    )
    assessment = run(system, fail_on=fail_on)
    assert assessment.classification.tier == "high" and assessment.classification.assumed
    # Every rule of the pack passes; the placeholder alone fails the run, pointing at itself.
    assert rule(assessment, "DEMO-12-LOG-RETENTION").status == "pass"
    result = rule(assessment, "GOVERN-CLASSIFICATION-ANSWERED")
    assert result.status == "fail" and result.gating
    assert assessment.summary.verdict == "fail"
    (finding,) = result.findings
    assert finding.found == "placeholder 'TODO: the Annex I act'"
    location = finding.location
    assert (location.file, location.line, location.field) == (
        "govern.yaml",
        10,
        "classification.annex_i",
    )
    assert any("classification.annex_i is unanswered" in w for w in assessment.warnings)


def test_answered_classification_adds_no_result(system: Path) -> None:
    assessment = run(system)
    assert not assessment.classification.incomplete
    assert all(r.rule_id != "GOVERN-CLASSIFICATION-ANSWERED" for r in assessment.results)


def test_every_result_of_the_credit_example_says_what_it_expected_and_found(
    run_cli: Callable[..., CliResult],
) -> None:
    """A pass is as defensible as a failure: expected and found, and the evidence it read."""
    import json

    from tests.conftest import REPO

    result = run_cli("check", REPO / "examples" / "credit-scoring", "-o", "json")
    results = json.loads(result.out)["results"]
    passes = [r for r in results if r["status"] == "pass"]
    assert len(passes) > 100
    for r in passes:
        assert r["expected"] and r["found"] and r["found"] != "nothing to compare", r["rule_id"]
        assert r["check"]
    automated = [r for r in passes if r["automated"] and not r["rule_id"].startswith("GOVERN-")]
    assert all(r["observations"] for r in automated)
    # Rules over evidence the example does not have (incident records) read no file.
    unread = {r["rule_id"] for r in automated if not r["evidence_read"]}
    assert unread <= {
        "EUAIA-73-REPORT-2-DAYS",
        "EUAIA-73-REPORT-10-DAYS",
        "EUAIA-73-REPORT-15-DAYS",
    }
    for r in automated:
        for seen in r["observations"]:
            assert seen["status"] == "pass" and len(seen["location"]["sha256"]) == 64
