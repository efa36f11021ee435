"""Characters that no installed font covers are found, so that the user can be told about them."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult, edit

# Renders PDFs to find glyphs no font draws (~5 s).
pytestmark = pytest.mark.slow

# A private-use code point: no font a report machine has draws it.
UNCOVERED = "\U0010fffd"
DAY = dt.date(2026, 11, 25)


def test_render_pdf_lists_the_characters_it_drew_as_empty_boxes() -> None:
    from govern.report.html import RenderedHtml
    from govern.report.pdf import render_pdf

    result = render_pdf(RenderedHtml(f"<p>Scorer {UNCOVERED} {UNCOVERED}</p>", {}), DAY)
    assert result.missing_characters == (UNCOVERED,)
    clean = render_pdf(RenderedHtml("<p>Credit Risk Scorer, évalué</p>", {}), DAY)
    assert clean.missing_characters == ()


def no_font_for(language: str) -> bool:
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", f":lang={language}"], capture_output=True, text=True)
    return listed.returncode == 0 and not listed.stdout.strip()


@pytest.mark.skipif(not no_font_for("zh"), reason="a Chinese font is installed")
def test_chinese_text_without_a_chinese_font_is_reported(system: Path, tmp_path: Path) -> None:
    from govern.cli.report import _assess
    from govern.engine.evaluate import EngineOptions
    from govern.report.build import Outputs, render_report
    from govern.report.html import TemplateSet

    manifest = system / "govern.yaml"
    edit(manifest, "Score loan applications", "信用评分 Score loan applications")
    assessment, _ = _assess(system, EngineOptions(as_of=DAY), [])
    outputs = Outputs(pdf=tmp_path / "r.pdf")
    rendered = render_report(assessment, TemplateSet.load(), outputs)
    assert set("信用评分") <= set(rendered.missing_characters)
    warning = rendered.font_warning()
    assert warning is not None
    assert "信 (U+4FE1)" in warning and "fonts-noto-cjk" in warning


def test_a_report_in_covered_scripts_has_no_font_warning(system: Path, tmp_path: Path) -> None:
    from govern.cli.report import _assess
    from govern.engine.evaluate import EngineOptions
    from govern.report.build import Outputs, render_report
    from govern.report.html import TemplateSet

    assessment, _ = _assess(system, EngineOptions(as_of=DAY), [])
    rendered = render_report(assessment, TemplateSet.load(), Outputs(pdf=tmp_path / "r.pdf"))
    assert rendered.missing_characters == ()
    assert rendered.font_warning() is None


def test_report_command_warns_about_characters_without_a_font(
    system: Path, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    edit(system / "govern.yaml", "Score loan applications", f"Score {UNCOVERED} loan applications")
    result = run_cli("report", system, "--pdf", tmp_path / "r.pdf", "--as-of", DAY.isoformat())
    assert result.code == 0, result.err
    warnings = [line for line in result.err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and "U+10FFFD" in warnings[0]
