"""One rule for every output: a file of another kind is replaced only with --force."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from govern.outputs import content_kind
from tests.conftest import REPO, CliResult

Run = Callable[..., CliResult]
AS_OF = ("--as-of", "2026-11-25")
EVIDENCE = '{"keep": "me"}\n'


def test_report_refuses_to_replace_a_json_file_with_a_pdf(
    run_cli: Run, system: Path, tmp_path: Path
) -> None:
    """Checked before rendering, so the refusal is fast and nothing is written."""
    precious = tmp_path / "some.json"
    precious.write_text(EVIDENCE)
    result = run_cli("report", system, *AS_OF, "--pdf", precious, "--html", tmp_path / "r.html")
    assert result.code == 2
    assert result.err.startswith(f"error: {precious}: already exists and holds json, not pdf")
    assert "--force" in result.err and len(result.err.strip().splitlines()) == 1
    assert precious.read_text() == EVIDENCE and not (tmp_path / "r.html").exists()


def test_check_replaces_its_own_earlier_output_but_not_another_kind(
    run_cli: Run, system: Path, tmp_path: Path
) -> None:
    sarif = tmp_path / "govern.sarif"
    assert run_cli("check", system, *AS_OF, "-o", f"sarif={sarif}").code == 0
    assert run_cli("check", system, *AS_OF, "-o", f"sarif={sarif}").code == 0  # same kind
    notes = tmp_path / "notes.md"
    notes.write_text("# my notes\n")
    refused = run_cli("check", system, *AS_OF, "-o", f"junit={notes}", "-o", f"json={sarif}")
    assert refused.code == 2 and "holds text, not xml" in refused.err
    assert notes.read_text() == "# my notes\n"
    forced = run_cli("check", system, *AS_OF, "-o", f"junit={notes}", "--force")
    assert forced.code == 0 and content_kind(notes) == "xml"


def test_card_export_follows_the_same_rule(run_cli: Run, tmp_path: Path) -> None:
    example = REPO / "examples" / "credit-scoring"
    bom = tmp_path / "model.cdx.json"
    assert run_cli("card", "export", example, "-o", bom).code == 0
    assert run_cli("card", "export", example, "-o", bom).code == 0  # its own earlier BOM
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.7\n...")
    refused = run_cli("card", "export", example, "-o", report)
    assert refused.code == 2 and "holds pdf, not json" in refused.err
    assert run_cli("card", "export", example, "-o", report, "--force").code == 0


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\n  <!DOCTYPE html><html>", "html"),
        (b'<?xml version="1.0"?><testsuites/>', "xml"),
        (b'\xef\xbb\xbf{"a": 1}', "json"),
        (b"[1, 2]", "json"),
        (b"# Title\n\ntext", "text"),
        # A character cut at the 512-byte sniffing limit is still text.
        (("a" + "\u00e9" * 300).encode("utf-8"), "text"),
        (b"\xff\xfe\x00 binary", "binary"),
    ],
)
def test_content_kind(tmp_path: Path, head: bytes, kind: str) -> None:
    path = tmp_path / "file"
    path.write_bytes(head)
    assert content_kind(path) == kind


def test_diff_follows_the_same_rule(run_cli: Run, system: Path, tmp_path: Path) -> None:
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    run_cli("check", system, *AS_OF, "-o", f"json={before}")
    run_cli("check", system, *AS_OF, "-o", f"json={after}")
    comment = tmp_path / "comment.md"
    args = ("diff", before, after, "--format", "markdown", "-o", comment)
    assert run_cli(*args).code == 0 and run_cli(*args).code == 0  # its own earlier comment
    refused = run_cli("diff", before, after, "--format", "markdown", "-o", before)
    assert refused.code == 2 and "holds json, not text" in refused.err
    assert content_kind(before) == "json"
