"""Report fixtures: the two examples rendered once per session, read back with pypdf."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import copy_example

AS_OF = "2026-11-25"


@dataclass(frozen=True)
class Rendered:
    system: Path
    pdf: Path
    html: Path
    json: Path
    output: str


def render(system: Path, out: Path, *extra: str) -> Rendered:
    """`govern report` through its click command, as the CLI would run it."""
    from govern.cli.report import command

    out.mkdir(parents=True, exist_ok=True)
    pdf, html, js = out / "report.pdf", out / "report.html", out / "assessment.json"
    args = [str(system), "--pdf", str(pdf), "--html", str(html), "--json", str(js)]
    result = CliRunner().invoke(command, [*args, "--as-of", AS_OF, *extra])
    assert result.exit_code == 0, (result.output, result.exception)
    return Rendered(system, pdf, html, js, result.output)


@pytest.fixture(scope="session")
def credit(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    root = tmp_path_factory.mktemp("credit")
    return render(copy_example("credit-scoring", root / "credit-scoring"), root / "out")


@pytest.fixture(scope="session")
def chatbot(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    root = tmp_path_factory.mktemp("chatbot")
    return render(copy_example("support-chatbot", root / "support-chatbot"), root / "out")


def pdf_text(path: Path) -> str:
    """All page text, whitespace collapsed, so assertions do not depend on line breaks."""
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="session")
def text_of() -> Callable[[Path], str]:
    cache: dict[Path, str] = {}

    def get(path: Path) -> str:
        if path not in cache:
            cache[path] = pdf_text(path)
        return cache[path]

    return get
