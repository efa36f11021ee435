"""GOVERN-COHERENCE-*: evidence copied from another system, or contradicting itself, fails with
messages naming both files and lines; the bundled examples keep their verdicts."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import string
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govern.engine.assessment import Assessment, RuleResult
from tests.conftest import REPO, CliResult, copy_example, edit, write

Run = Callable[..., CliResult]
AS_OF = "2026-11-25"
_NAME_CHARS = string.ascii_letters + string.digits + " -."


def check(run_cli: Run, root: Path, *extra: str) -> tuple[CliResult, Assessment]:
    result = run_cli("check", root, "--format", "json", "--as-of", AS_OF, *extra)
    assert result.code in (0, 1), result.err
    return result, Assessment.model_validate_json(result.out)


def coherence(assessment: Assessment) -> dict[str, RuleResult]:
    return {r.rule_id: r for r in assessment.results if r.rule_id.startswith("GOVERN-COHERENCE-")}


def copied_system(tmp_path: Path) -> Path:
    """support-chatbot's govern.yaml over credit-scoring's evidence: the scenario of issue 15."""
    root = copy_example("support-chatbot", tmp_path / "chatbot")
    shutil.rmtree(root / "docs")
    shutil.rmtree(root / "governance")
    credit = REPO / "examples" / "credit-scoring"
    for folder in ("docs", "governance", "reports"):
        shutil.copytree(credit / folder, root / folder)
    edit(
        root / "govern.yaml",
        "  datasets: [docs/data/help_centre_articles.yaml]",
        "  datasets: [docs/data/training.yaml, docs/data/validation.yaml, "
        "docs/data/testing.yaml]\n  fairness: [reports/fairness.json]",
    )
    return root


def test_copied_evidence_fails_naming_both_sides(run_cli: Run, tmp_path: Path) -> None:
    result, assessment = check(run_cli, copied_system(tmp_path))
    assert result.code == 1
    rules = coherence(assessment)
    identity = rules["GOVERN-COHERENCE-IDENTITY"]
    assert identity.status == "fail" and identity.gating
    assert identity.rule_id in assessment.summary.gating
    name, version = identity.findings
    assert name.location.file == "docs/model_card.yaml" and name.location.line == 4
    assert "'Credit Risk Scorer' (at docs/model_card.yaml:4 identity.name)" in name.found
    assert "'Ask Lumen support chatbot' (as govern.yaml:6 system.name)" in name.expected
    assert "'2.3.0'" in version.found and "govern.yaml:7 system.version" in version.expected

    purpose = rules["GOVERN-COHERENCE-PURPOSE"]
    assert purpose.status == "needs_attestation" and purpose.gating
    places = [(f.expected, f.found) for f in purpose.findings]
    assert any("govern.yaml:9 system.intended_purpose" in e for e, _ in places)
    assert any(
        "govern.yaml:17 classification.annex_iii" in e and "'credit'" in f for e, f in places
    )
    assert all("docs/model_card.yaml:17 intended_purpose.description" in f for _, f in places)

    text = run_cli("check", tmp_path / "chatbot", "--as-of", AS_OF)
    assert text.code == 1
    assert "GOVERN-COHERENCE-IDENTITY" in text.out
    assert "docs/model_card.yaml" in text.out


def test_examples_keep_their_verdicts(run_cli: Run) -> None:
    result, credit = check(run_cli, REPO / "examples" / "credit-scoring")
    assert result.code == 0
    assert {r.status for r in coherence(credit).values()} == {"pass"}
    assert len(coherence(credit)) == 6

    result, chatbot = check(run_cli, REPO / "examples" / "support-chatbot")
    assert result.code == 1
    rules = coherence(chatbot)
    assert not any(r.gating for r in rules.values())
    # The chatbot's card names an evaluation set no record documents: reported, not blocking.
    evaluation = rules["GOVERN-COHERENCE-EVALUATION-DATASETS"]
    assert evaluation.status == "fail" and not evaluation.blocking
    assert rules["GOVERN-COHERENCE-PURPOSE"].status == "pass"


def test_dataset_records_and_card_refer_to_each_other(run_cli: Run, system: Path) -> None:
    with (system / "docs" / "card.yaml").open("a", encoding="utf-8") as card:
        card.write(
            "datasets:\n"
            "  - {id: loans-train, role: training, version: '2'}\n"
            "  - {id: loans-test, role: testing}\n"
        )
    write(
        system / "docs" / "train.yaml",
        """\
        id: loans-train
        name: Loan applications
        version: '1'
        """,
    )
    write(system / "docs" / "other.yaml", "id: unrelated-set\nname: Something else\n")
    edit(
        system / "govern.yaml",
        "  model_card: docs/card.yaml\n",
        "  model_card: docs/card.yaml\n  datasets: [docs/train.yaml, docs/other.yaml]\n",
    )
    result, assessment = check(run_cli, system)
    assert result.code == 1
    rule = coherence(assessment)["GOVERN-COHERENCE-DATASETS"]
    assert rule.status == "fail" and rule.gating
    shown = [(f.location.file, f.expected, f.found) for f in rule.findings]
    assert (
        "docs/card.yaml",
        "version '1' (as docs/train.yaml:3 version)",
        "version '2' (at docs/card.yaml:9 datasets[0].version)",
    ) in shown
    assert any(
        file == "docs/card.yaml" and "'loans-test'" in e and "no such record" in f
        for file, e, f in shown
    )
    assert any(
        file == "docs/other.yaml" and "docs/card.yaml:8 datasets" in e for file, e, f in shown
    )


def test_fairness_report_of_another_release(run_cli: Run, tmp_path: Path) -> None:
    root = copy_example("credit-scoring", tmp_path / "credit")
    report = root / "reports" / "fairness.json"
    data = json.loads(report.read_text(encoding="utf-8"))
    data.update(model_version="2.2.1", dataset="credit-applications-test-2023")
    report.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result, assessment = check(run_cli, root)
    assert result.code == 1
    rule = coherence(assessment)["GOVERN-COHERENCE-FAIRNESS"]
    assert rule.status == "fail" and rule.gating
    version, dataset = rule.findings
    assert version.location.file == "reports/fairness.json"
    assert "'2.3.0' (as docs/model_card.yaml:5 identity.version)" in version.expected
    assert "'2.2.1'" in version.found
    assert "'credit-applications-test-2023'" in dataset.found


def test_predictions_changed_after_the_report(run_cli: Run, tmp_path: Path) -> None:
    root = copy_example("credit-scoring", tmp_path / "credit")
    shutil.copytree(REPO / "examples" / "credit-scoring" / "data", root / "data")
    _, assessment = check(run_cli, root)
    assert coherence(assessment)["GOVERN-COHERENCE-FAIRNESS"].status == "pass"
    with (root / "data" / "predictions.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    result, assessment = check(run_cli, root)
    assert result.code == 1
    (finding,) = coherence(assessment)["GOVERN-COHERENCE-FAIRNESS"].findings
    assert "data/predictions.csv hashes to" in finding.found
    assert "reports/fairness.json:" in finding.expected and "source.sha256" in finding.expected


def test_evidence_dated_after_release_or_stale(run_cli: Run, tmp_path: Path) -> None:
    root = copy_example("credit-scoring", tmp_path / "credit")
    card = root / "docs" / "model_card.yaml"
    edit(
        card,
        "    date: 2026-05-14\n    tester: Dr. Lena Voss",
        "    date: 2026-07-01\n    tester: X",
    )
    result, assessment = check(run_cli, root)
    assert result.code == 1
    rule = coherence(assessment)["GOVERN-COHERENCE-DATES"]
    assert rule.status == "fail" and rule.gating
    assert len(rule.findings) == 3  # the three test-set evaluations
    finding = rule.findings[0]
    assert "release 2026-06-15 (as docs/model_card.yaml:7 identity.release_date)" in (
        finding.expected
    )
    assert finding.found == "2026-07-01 (at docs/model_card.yaml:168 evaluation[0].date)"

    # A pack in the set may set a freshness limit; the smallest one applies.
    edit(card, "    date: 2026-07-01\n    tester: X", "    date: 2026-05-14\n    tester: X")
    write(root / "fresh" / "pack.yaml", "id: fresh\ntitle: Fresh\nversion: 1.0.0\n")
    edit(
        root / "fresh" / "pack.yaml",
        "version: 1.0.0\n",
        "version: 1.0.0\nevidence_max_age_days: 180\n",
    )
    edit(root / "govern.yaml", "builtin:nist-ai-rmf]", "builtin:nist-ai-rmf, ./fresh]")
    result, assessment = check(run_cli, root)
    rule = coherence(assessment)["GOVERN-COHERENCE-DATES"]
    assert rule.status == "fail"
    assert "180 days" in rule.title
    assert all("freshness limit is 180 days" in f.expected for f in rule.findings)
    # 180 days before 2026-11-25 is 2026-05-29: all four evaluations are stale.
    assert len(rule.findings) == 4
    assert rule.findings[3].found == "2026-04-28 (at docs/model_card.yaml:198 evaluation[3].date)"


def test_purpose_mismatch_is_settled_by_attestation(run_cli: Run, tmp_path: Path) -> None:
    root = copied_system(tmp_path)
    with (root / "governance" / "attestations.yaml").open("a", encoding="utf-8") as handle:
        handle.write(
            "  - control: purpose_coherence\n"
            "    statement: The card and govern.yaml describe one use.\n"
            "    attested_by: {name: Ada Lovelace, role: Head of Compliance}\n"
            "    date: 2026-11-01\n"
        )
    _, assessment = check(run_cli, root)
    purpose = coherence(assessment)["GOVERN-COHERENCE-PURPOSE"]
    assert purpose.status == "pass" and not purpose.gating
    assert purpose.attestations[0].attested_by == "Ada Lovelace"
    assert purpose.findings  # the mismatch stays visible beside the attestation

    _, unattested = check(run_cli, copied_system(tmp_path / "again"), "--allow-unattested")
    assert not coherence(unattested)["GOVERN-COHERENCE-PURPOSE"].gating


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ours=st.text(alphabet=_NAME_CHARS, min_size=1, max_size=24).filter(str.strip),
    theirs=st.text(alphabet=_NAME_CHARS, min_size=1, max_size=24).filter(str.strip),
    same=st.booleans(),
)
def test_identity_agrees_exactly_when_names_match_up_to_case_and_spacing(
    tmp_path_factory: pytest.TempPathFactory, ours: str, theirs: str, same: bool
) -> None:
    """Property: the card's name passes iff it is govern.yaml's name up to case and runs of
    spaces; any other difference fails, naming both files."""
    from govern.engine.coherence import coherence_results
    from govern.load.bundle import load_system

    if same:
        theirs = "  ".join(ours.upper().split())
    root = tmp_path_factory.mktemp("identity")
    write(
        root / "govern.yaml",
        "govern: 1\nsystem:\n  id: demo\n  name: " + json.dumps(ours) + "\n  version: 1.0.0\n"
        "  role: provider\n  intended_purpose: Demo.\nevidence:\n  model_card: card.yaml\n",
    )
    write(root / "card.yaml", "identity:\n  name: " + json.dumps(theirs) + "\n")
    bundle = load_system(root)
    (identity, *_) = coherence_results(
        bundle, dt.date(2026, 11, 25), None, lambda _: [], lambda *_: False
    )
    agree = " ".join(ours.casefold().split()) == " ".join(theirs.casefold().split())
    assert (identity.status == "pass") == agree
    if not agree:
        (finding,) = identity.findings
        assert "govern.yaml:4 system.name" in finding.expected
        assert "card.yaml:2 identity.name" in finding.found


@pytest.mark.parametrize(
    ("release", "model", "agree"),
    [
        ("a" * 64, "sha256:" + "a" * 64, True),
        ("A" * 64, "a" * 64, True),
        ("a" * 64, "b" * 64, False),
    ],
)
def test_released_weights_named_twice_must_be_one_model(
    tmp_path: Path, release: str, model: str, agree: bool
) -> None:
    """system.release.weights_digest (what evaluations are checked against) and system.model's
    digest (what the signature must cover) name the same weights, or the identity rule fails."""
    from govern.engine.coherence import coherence_results
    from govern.load.bundle import load_system

    write(
        tmp_path / "govern.yaml",
        "govern: 1\nsystem:\n  id: demo\n  name: Demo\n  version: 1.0.0\n  role: provider\n"
        "  intended_purpose: Demo.\n"
        f"  release: {{model_revision: 1.0.0, weights_digest: '{release}'}}\n"
        f"  model: {{digest: '{model}'}}\n"
        "evidence:\n  model_card: card.yaml\n",
    )
    write(tmp_path / "card.yaml", "identity:\n  name: Demo\n  version: 1.0.0\n")
    (identity, *_) = coherence_results(
        load_system(tmp_path), dt.date(2026, 11, 25), None, lambda _: [], lambda *_: False
    )
    assert identity.rule_id == "GOVERN-COHERENCE-IDENTITY"
    assert (identity.status == "pass") is agree
    if not agree:
        (finding,) = identity.findings
        assert finding.location.field == "system.model.digest"
        assert f"release weights digest {'a' * 64}" in finding.expected
        assert "govern.yaml:8 system.release.weights_digest" in finding.expected
        assert f"model digest {'b' * 64}" in finding.found
