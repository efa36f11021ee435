"""The report has the structure an auditor expects: an automated conformity self-assessment with
scope, criteria, management assertion, tests of controls with assurance levels, areas not
assessed, limitations and deployer duties, read back from the PDF with pypdfium2."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from govern.engine.assessment import Assessment, AttestationInfo
from govern.report.audit import assurance, audit_view
from tests.conftest import REPO, CliResult, copy_example, edit
from tests.report.conftest import AS_OF, Rendered

pytestmark = pytest.mark.slow
Run = Callable[..., CliResult]


def pages(pdf: Path) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return [
            re.sub(r"\s+", " ", document[i].get_textpage().get_text_range())
            for i in range(len(document))
        ]
    finally:
        document.close()


@pytest.fixture(scope="module")
def credit_pages(credit: Rendered) -> list[str]:
    return pages(credit.pdf)


def load(rendered: Rendered) -> Assessment:
    return Assessment.model_validate_json(rendered.json.read_bytes())


def test_cover_says_what_it_is_with_coverage_and_areas_not_assessed(
    credit_pages: list[str],
) -> None:
    cover = credit_pages[0]
    assert "AUTOMATED CONFORMITY SELF-ASSESSMENT" in cover.upper()
    assert re.search(
        r"Coverage EU AI Act \d+\.\d% \(\d+ unchecked\), ISO/IEC 42001 100%, NIST AI RMF 100%",
        cover,
    )
    assert re.search(
        r"Not assessed \d+ obligations no rule checks; \d+ controls not applicable", cover
    )
    assert "Evidence coherence" not in cover  # not a framework
    assert "Management assertion not provided" in cover


def test_scope_and_criteria_name_digests_versions_and_legal_text(
    credit: Rendered, credit_pages: list[str]
) -> None:
    assessment = load(credit)
    start = next(i for i, p in enumerate(credit_pages) if p.startswith("Scope and criteria"))
    text = " ".join(credit_pages[start : start + 3])
    card = next(e for e in assessment.evidence if e.kind == "model_card")
    assert "System Credit Risk Scorer (credit-risk-scorer)" in text
    assert "Version 2.3.0" in text and "Role provider" in text
    assert f"model card docs/model_card.yaml, sha256 {card.sha256}" in text
    assert "Jurisdiction European Union" in text
    assert f"Point in time as of {AS_OF} (amended application dates)" in text
    for pack in assessment.packs:
        assert f"{pack.id} " in text and pack.version in text
        # digests wrap in narrow columns: compare with the spaces taken out
        assert pack.files[0].sha256 in text.replace(" ", "")
    assert "Regulation (EU) 2024/1689 as amended by Regulation (EU) 2026/1744" in text
    assert "ISO/IEC 42001:2023" in text
    assert "Management assertion: not provided" in text
    assert "Limitations" in text and "not a third-party audit" in text
    assert "Duties left to the deployer" in text and "Art.26(6)" in text
    assert "No ledger was given to this report" in text


def test_tests_of_controls_register_has_procedure_evidence_result_exceptions_waiver(
    credit_pages: list[str],
) -> None:
    text = " ".join(credit_pages)
    assert "Control Test procedure: expected · found · evidence read Result" in text
    # one compact row per rule: what it expected, what it found and the file it read, with its
    # SHA-256 prefix (the full values and places are in the attached assessment JSON)
    flat = " ".join(text.split())
    assert "EUAIA-14-STOP" in flat
    assert "Expected model_card.human_oversight.stop_mechanism = true." in flat
    assert "Found model_card.human_oversight.stop_mechanism: true." in flat
    assert "Evidence docs/ model_card.yaml" in flat or "Evidence docs/model_card.yaml" in flat
    assert "automated test of evidence" in text
    assert "recorded attestation (unsigned)" in text
    # the test procedure is the rule's check in words (an attestation-only rule's names its control)
    assert "an attestation of control" in text
    # the built-in coherence controls appear with their own procedure
    assert "GOVERN-COHERENCE-IDENTITY" in text


def test_a_recorded_assertion_is_not_called_signed(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from govern.cli.report import command

    root = copy_example("credit-scoring", tmp_path / "credit")
    with (root / "governance" / "attestations.yaml").open("a", encoding="utf-8") as handle:
        handle.write(
            "  - control: management_assertion\n"
            "    statement: Management asserts the system meets the criteria listed.\n"
            "    attested_by: {name: Ana Costa, role: Chief Risk Officer}\n"
            "    date: 2026-11-20\n"
        )
    html = tmp_path / "r.html"
    result = CliRunner().invoke(command, [str(root), "--html", str(html), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    text = re.sub(r"<[^>]+>|\s+", " ", html.read_text(encoding="utf-8"))
    text = re.sub(r"\s+", " ", text)
    assert "Management assertion: not provided (a recorded, unsigned statement" in text
    assert "Recorded statement by Ana Costa, Chief Risk Officer, 2026-11-20" in text
    assert "(signed attestation)" not in text


def test_signed_assertion_and_changes_since_the_last_approved_run(run_cli: Run) -> None:
    result = run_cli("check", REPO / "examples" / "credit-scoring", "--format", "json")
    assessment = Assessment.model_validate_json(result.out)
    # Signed attestations (issue 15 point 1) add `assurance`; a stand-in carries it here.
    signed = cast(
        AttestationInfo,
        SimpleNamespace(
            control="management_assertion",
            attested_by="Ana Costa",
            role="Chief Risk Officer",
            date=None,
            statement="We assert it.",
            problem=None,
            assurance="signed",
        ),
    )
    view = audit_view(assessment, signed, ["EUAIA-19-LOG-RETENTION: fail -> pass"])
    assert view.assertion.provided and view.assertion.role == "Chief Risk Officer"
    assert view.changes == ("EUAIA-19-LOG-RETENTION: fail -> pass",)
    assert audit_view(assessment, None, None).changes is None
    levels = {assurance(r) for r in assessment.results}
    assert levels == {
        "automated test of evidence",
        "recorded attestation (unsigned)",
        "not assessed",
    }


def test_a_ledger_gives_the_changes_since_the_last_approved_run(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    """With a ledger, the report compares the run with the newest passing run recorded there."""
    system = copy_example("credit-scoring", tmp_path / "credit")
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    recorded = run_cli("check", system, "--as-of", "2026-11-25", "--record", "--db", db)
    assert recorded.code == 0, recorded.err
    edit(system / "govern.yaml", "version: 2.3.0", "version: 2.4.0")
    edit(system / "docs" / "model_card.yaml", "version: 2.3.0", "version: 2.4.0")
    html = tmp_path / "r.html"
    result = run_cli("report", system, "--as-of", "2026-11-25", "--html", html, "--db", db)
    assert result.code == 0, result.err
    text = html.read_text()
    assert "compared with run 1 (2.3.0, as of 2026-11-25)" in text
    without = tmp_path / "plain.html"
    run_cli("report", system, "--as-of", "2026-11-25", "--html", without)
    assert "No ledger was given to this report" in without.read_text()
