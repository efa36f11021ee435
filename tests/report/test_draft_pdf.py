"""The Annex IV draft as PDF/A: rendered once, labelled a draft on every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import copy_example

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    from govern.cli import main

    folder = tmp_path_factory.mktemp("draft")
    system = copy_example("credit-scoring", folder / "credit-scoring")
    out = folder / "annex-iv.pdf"
    try:
        main(["docs", "annex-iv", str(system), "--as-of", "2026-12-06", "-o", str(out)])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return out, code


def test_annex_iv_pdf_is_a_labelled_draft(pdf: tuple[Path, Any]) -> None:
    import pypdfium2 as pdfium

    path, code = pdf
    assert code == 0
    assert path.read_bytes().startswith(b"%PDF-")
    document = pdfium.PdfDocument(str(path))
    pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    assert len(pages) > 1
    assert all("DRAFT - unsigned - not a statement of conformity" in page for page in pages)
    text = "\n".join(pages)
    for number in range(1, 10):
        assert f"\n{number}. " in text or text.startswith(f"{number}. "), number
    assert "GAP:" not in text
    assert "docs/model_card.yaml" in text
