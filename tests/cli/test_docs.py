"""`govern docs annex-iv` and `govern docs declaration`: drafts marking every gap, claiming none."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import copy_example

pytestmark = pytest.mark.slow  # about ten assessments of real systems

AS_OF = "2026-12-06"
NINE = [str(n) for n in range(1, 10)]


@pytest.fixture(scope="module")
def credit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example("credit-scoring", tmp_path_factory.mktemp("docs") / "credit-scoring")


@pytest.fixture
def scaffold(run_cli: Callable[..., Any], tmp_path: Path) -> Path:
    target = tmp_path / "new-system"
    assert run_cli("init", target, "--no-input").code == 0
    return target


def _draft(kind: str, target: Path) -> Any:
    """The draft as the engine builds it (the same run the command makes)."""
    from govern.cli.run import engine_options_from, load_system_and_packs
    from govern.engine.evaluate import assess
    from govern.engine.technical_docs import annex_iv, declaration

    bundle, packs = load_system_and_packs(target)
    options = engine_options_from(dt.date.fromisoformat(AS_OF), "high", False, "amended", False)
    assessment = assess(bundle, packs, options)
    if kind == "annex-iv":
        return annex_iv(assessment, bundle, packs)
    return declaration(assessment, bundle)


def _sections(markdown: str) -> list[str]:
    return re.findall(r"^## (\d)\. ", markdown, flags=re.MULTILINE)


def test_credit_scoring_annex_iv_has_nine_documented_sections_and_no_gap(
    run_cli: Callable[..., Any], credit: Path
) -> None:
    result = run_cli("docs", "annex-iv", credit, "--as-of", AS_OF)
    assert result.code == 0, result.err
    assert _sections(result.out) == NINE
    assert "**GAP**" not in result.out and "Status: documented." in result.out
    assert "no gap in 9 sections" in result.err
    draft = _draft("annex-iv", credit)
    evidence = {source.path for source in draft.sources}
    for section in draft.sections:
        assert section.applicable and not section.gaps, section.number
        quotes = [q for p in section.points for q in p.quotes]
        assert quotes, f"section {section.number} quotes no evidence"
        for quote in quotes:  # every claim traces to a file, a line and its digest
            assert quote.file in evidence and quote.line > 0 and len(quote.sha256) == 64, quote


def test_a_fresh_scaffold_names_what_is_missing_in_every_section(
    run_cli: Callable[..., Any], scaffold: Path
) -> None:
    result = run_cli("docs", "annex-iv", scaffold, "--as-of", AS_OF)
    assert result.code == 1, result.err
    assert _sections(result.out) == NINE
    assert "in 9 of 9 sections" in result.err
    draft = _draft("annex-iv", scaffold)
    for section in draft.sections:
        assert section.gaps, f"section {section.number} shows no gap on an empty scaffold"
        for point in section.gaps:
            assert point.missing, (section.number, point.rule_id)
            for missing in point.missing:
                assert missing.expected and missing.found and missing.file and missing.line
    # The gap cites the TODO line of the file where the value belongs.
    risk = next(s for s in draft.sections if s.number == "5").gaps[0].missing[0]
    line = (scaffold / risk.file).read_text(encoding="utf-8").splitlines()[risk.line - 1]
    assert "register" in line and "TODO" in line


def test_annex_iv_of_a_system_that_is_not_high_risk_is_not_applicable(
    run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    chatbot = copy_example("support-chatbot", tmp_path / "chatbot")
    result = run_cli("docs", "annex-iv", chatbot, "--as-of", AS_OF)
    assert result.code == 0, result.err
    statuses = re.findall(r"^\*Annex IV point .* Status: (.*)\.$", result.out, re.MULTILINE)
    assert statuses == ["not applicable"] * 9


def test_the_declaration_never_states_conformity(
    run_cli: Callable[..., Any], credit: Path, scaffold: Path
) -> None:
    result = run_cli("docs", "declaration", credit, "--as-of", AS_OF)
    assert result.code == 0, result.err
    assert re.findall(r"^## (\d)\. ", result.out, flags=re.MULTILINE) == NINE[:8]
    assert "DRAFT" in result.out and "unsigned" in result.out
    statement = _draft("declaration", credit).sections[3].points[0]
    assert statement.status == "to_complete" and "not a conformity assessment" in statement.note
    assert not re.search(r"hereby declare|is in conformity", result.out, flags=re.IGNORECASE)

    unmet = run_cli("docs", "declaration", scaffold, "--as-of", AS_OF)
    assert unmet.code == 1
    point = _draft("declaration", scaffold).sections[3].points[0]
    assert point.status == "gap" and "conformity cannot be declared" in point.note
    assert any("EUAIA-11-IV5-RISK-MANAGEMENT" in m.expected for m in point.missing)


def test_evidence_text_is_escaped_in_markdown_and_html(
    run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    from govern.report.drafts import render_html

    system = copy_example("credit-scoring", tmp_path / "credit")
    card_path = system / "docs" / "model_card.yaml"
    card = yaml.safe_load(card_path.read_text(encoding="utf-8"))
    card["provider"]["name"] = "<script>alert(1)</script> [click](https://evil.example) ![x](y)"
    card_path.write_text(yaml.safe_dump(card, sort_keys=False), encoding="utf-8")
    result = run_cli("docs", "declaration", system, "--as-of", AS_OF)
    assert "<script>" not in result.out and "[click](https" not in result.out
    assert r"\<script\>" in result.out and r"\[click\]" in result.out
    html = render_html(_draft("declaration", system)).html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pdf_needs_an_output_file(run_cli: Callable[..., Any], credit: Path) -> None:
    result = run_cli("docs", "annex-iv", credit, "--format", "pdf")
    assert result.code == 2
    assert result.err.strip().count("\n") == 0 and "--output" in result.err


def test_the_draft_never_replaces_an_input(run_cli: Callable[..., Any], credit: Path) -> None:
    card = credit / "docs" / "model_card.yaml"
    before = card.read_bytes()
    result = run_cli("docs", "annex-iv", credit, "-o", card)
    assert result.code == 2 and "reads that file as input" in result.err
    assert card.read_bytes() == before


def test_markdown_to_a_file(run_cli: Callable[..., Any], credit: Path, tmp_path: Path) -> None:
    out = tmp_path / "annex-iv.md"
    result = run_cli("docs", "annex-iv", credit, "--as-of", AS_OF, "-o", out)
    assert result.code == 0 and result.out == ""
    assert _sections(out.read_text(encoding="utf-8")) == NINE


def test_a_gap_not_yet_in_force_keeps_showing_with_its_date(
    run_cli: Callable[..., Any], scaffold: Path
) -> None:
    """Under the amended calendar Annex III duties apply from 2027-12-02: still a gap, dated."""
    result = run_cli("docs", "annex-iv", scaffold, "--as-of", AS_OF, "--calendar", "amended")
    assert result.code == 1
    assert "**GAP**" in result.out
    assert r"not yet in force\: applies from 2027-12-02" in result.out
