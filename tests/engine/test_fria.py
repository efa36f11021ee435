"""Art.27 fundamental-rights impact assessment: the questionnaire in YAML, signed by an attestation,
required of public bodies, private entities providing public services and Annex III 5(b)/(c)
deployers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from govern.evidence.fria import ELEMENTS, Fria
from govern.reference import load_catalogue
from tests.conftest import CliResult, copy_example, edit, write

Run = Callable[..., CliResult]
AS_OF = "2026-12-06"

FRIA = """\
deployer: Meridian Consumer Finance S.p.A.
completed_on: 2026-07-15
process: >-
  Consumer-loan origination: the score and reason codes support the loan officer's
  creditworthiness assessment before an offer is made.
period: From 2026-08-01 for the life of system version 2.x, reviewed yearly.
frequency: About 1,200 applications a working day.
affected_persons:
  - category: Consumer-loan applicants in Italy and Spain
    groups: [applicants over 70, applicants with thin credit files]
    estimated_number: 300000
risks:
  - affected: Consumer-loan applicants in Italy and Spain
    right: Non-discrimination (Charter Art.21)
    harm: Higher decline rates for older applicants with thin files.
    likelihood: possible
    severity: significant
human_oversight: >-
  Loan officers trained on the instructions for use review every decline recommendation and
  sign each decision.
measures:
  actions: [Suspend automated recommendations for the affected segment, Inform the provider]
  internal_governance: Model risk committee reviews incidents monthly.
  complaints: Complaints office and the banking ombudsman (ABF).
notification:
  authority: Banca d'Italia
  sent_on: 2026-07-20
"""

SIGNED = """\
  - control: fria
    statement: The FRIA in governance/fria.yaml was carried out before first use.
    attested_by: {name: Giulia Conti, role: Head of Compliance}
    date: 2026-07-15
    evidence: governance/fria.yaml
"""


@pytest.fixture
def deployer(tmp_path: Path) -> Path:
    """The credit-scoring system as its deployer (a bank) sees it: Annex III 5(b)."""
    root = copy_example("credit-scoring", tmp_path / "credit")
    edit(root / "govern.yaml", "role: provider", "role: deployer")
    return root


def _use_fria(root: Path, text: str = FRIA, signed: bool = True) -> None:
    write(root / "governance" / "fria.yaml", text)
    edit(
        root / "govern.yaml",
        "  attestations: governance/attestations.yaml\n",
        "  attestations: governance/attestations.yaml\n  fria: governance/fria.yaml\n",
    )
    if signed:
        attestations = root / "governance" / "attestations.yaml"
        text = attestations.read_text(encoding="utf-8").rstrip("\n") + "\n" + SIGNED
        attestations.write_text(text, encoding="utf-8")


def _results(run_cli: Run, root: Path) -> dict[str, dict[str, Any]]:
    result = run_cli("check", root, "--as-of", AS_OF, "--format", "json")
    assert result.code in (0, 1), result.err
    return {r["rule_id"]: r for r in json.loads(result.out)["results"]}


def test_answered_and_signed_fria_passes(deployer: Path, run_cli: Run) -> None:
    _use_fria(deployer)
    results = _results(run_cli, deployer)
    fria = results["EUAIA-27-FRIA"]
    assert fria["status"] == "pass", fria["message"]
    assert fria["attestations"][0]["attested_by"] == "Giulia Conti"
    assert results["EUAIA-27-FRIA-NOTIFICATION"]["status"] == "pass"


def test_unsigned_answers_need_the_attestation(deployer: Path, run_cli: Run) -> None:
    _use_fria(deployer, signed=False)
    fria = _results(run_cli, deployer)["EUAIA-27-FRIA"]
    assert fria["status"] == "needs_attestation"
    assert "control 'fria'" in fria["message"]


def test_a_missing_element_is_named_with_its_file(deployer: Path, run_cli: Run) -> None:
    text = FRIA.replace("human_oversight: >-", "human_oversight_later: >-").replace(
        "human_oversight_later: >-\n  Loan officers trained on the instructions for use review "
        "every decline recommendation and\n  sign each decision.\n",
        "",
    )
    assert "human_oversight" not in text
    _use_fria(deployer, text)
    fria = _results(run_cli, deployer)["EUAIA-27-FRIA"]
    assert fria["status"] == "fail"
    (finding,) = fria["findings"]
    assert finding["location"]["field"] == "fria.human_oversight"
    assert finding["location"]["file"] == "governance/fria.yaml"


def test_without_a_fria_the_rule_says_where_to_list_it(deployer: Path, run_cli: Run) -> None:
    fria = _results(run_cli, deployer)["EUAIA-27-FRIA"]
    assert fria["status"] == "fail"
    assert "govern.yaml lists no fria file under evidence.fria" in fria["findings"][0]["found"]


@pytest.mark.parametrize(
    ("annex_iii", "public_authority", "public_service", "applies"),
    [
        ("5(b)", "false", "false", True),  # credit scoring: any deployer
        ("5(a)", "false", "false", False),  # public benefits, but a private deployer
        ("5(a)", "true", "false", True),  # a public body
        ("5(a)", "false", "true", True),  # a private entity providing a public service
        ("2", "true", "false", False),  # critical infrastructure is exempt
    ],
)
def test_who_owes_a_fria(
    deployer: Path,
    run_cli: Run,
    annex_iii: str,
    public_authority: str,
    public_service: str,
    applies: bool,
) -> None:
    manifest = deployer / "govern.yaml"
    edit(manifest, 'annex_iii: "5(b)"', f'annex_iii: "{annex_iii}"')
    edit(
        manifest,
        "  public_authority: false\n",
        f"  public_authority: {public_authority}\n  public_service: {public_service}\n",
    )
    results = _results(run_cli, deployer)
    for rule in ("EUAIA-27-FRIA", "EUAIA-27-FRIA-NOTIFICATION"):
        assert (results[rule]["status"] != "not_applicable") is applies, results[rule]["message"]


def test_providers_owe_no_fria(tmp_path: Path, run_cli: Run) -> None:
    root = copy_example("credit-scoring", tmp_path / "credit")
    assert _results(run_cli, root)["EUAIA-27-FRIA"]["status"] == "not_applicable"


def test_elements_cite_ids_of_the_reference_catalogue() -> None:
    eu, iso = load_catalogue("eu-ai-act"), load_catalogue("iso-42001")
    for field, (article, clauses) in ELEMENTS.items():
        assert field in Fria.model_fields
        assert article in eu
        assert all(clause in iso for clause in clauses)
    assert "6.1.4" in {c for _, clauses in ELEMENTS.values() for c in clauses}


@pytest.mark.parametrize("name", ["fria", "incident", "post-market"])
def test_schemas_of_the_new_evidence(run_cli: Run, name: str) -> None:
    result = run_cli("schema", name)
    assert result.code == 0, result.err
    schema = json.loads(result.out)
    assert schema["$id"].endswith(f"/{name}.json")
    assert schema["additionalProperties"] is False


def test_init_scaffolds_the_questionnaire_for_a_high_risk_deployer(
    tmp_path: Path, run_cli: Run
) -> None:
    from govern.scaffold import FRIA, Answers, render

    files = render(
        Answers(name="Bank Scorer", system_id="bank-scorer", role="deployer", annex_iii="5(b)")
    )
    assert FRIA in files and f"fria: {FRIA}" in files["govern.yaml"]
    assert FRIA not in render(Answers(name="Scorer", system_id="scorer", annex_iii="5(b)"))
    for path, text in files.items():
        write(tmp_path / "s" / path, text)
    fria = _results(run_cli, tmp_path / "s")["EUAIA-27-FRIA"]
    assert fria["status"] == "fail"
    fields = {f["location"]["field"] for f in fria["findings"]}
    assert {"fria.process", "fria.risks", "fria.human_oversight"} <= fields
    assert all(
        f["location"]["file"] == FRIA for f in fria["findings"] if "fria." in f["location"]["field"]
    )
