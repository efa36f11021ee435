"""Report wording: "blocking" as the run judges it, readable field paths, remediation Markdown
rendered safely, headers that wrap between words, and no near-blank Waivers page."""

from __future__ import annotations

import re

import pytest

from govern.report.wording import readable_field, remediation_html
from tests.conftest import ATTESTATIONS, CARD, MANIFEST, PACK, RULES, write
from tests.report.conftest import Rendered, render

REMEDIATION = (
    "Set `logging.retention_days` to *183* or more; see [the guide](https://example.org/logs?a=1&b=2)."
    " <script>alert(1)</script>"
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """One small system, one PDF for the whole module (rendering is slow)."""
    root = tmp_path_factory.mktemp("wording") / "system"
    write(root / "govern.yaml", MANIFEST)
    write(root / "docs" / "card.yaml", CARD.replace("retention_days: 200", "retention_days: 30"))
    write(root / "docs" / "attestations.yaml", ATTESTATIONS)
    write(root / "pack" / "pack.yaml", PACK)
    rules = RULES.replace(
        "remediation: Keep logs for at least 183 days.", f"remediation: {REMEDIATION!r}"
    )
    # The provider rule fails at medium: shown, but it does not block at --fail-on high.
    rules = rules.replace(
        '  refs: {eu-ai-act: ["Art.16(b)"]}\n  severity: high',
        '  refs: {eu-ai-act: ["Art.16(b)"]}\n  severity: medium',
    )
    write(root / "pack" / "rules.yaml", rules)
    write(root / "docs" / "card.yaml", "logging:\n  retention_days: 30\n")
    return render(root, root.parent / "out")


def _finding_block(html: str, rule_id: str) -> str:
    anchor = f'id="rule-{rule_id.lower()}"'
    start = html.index(anchor)
    end = html.find("</section>", start)
    return html[start:end]


def test_blocking_only_where_the_rule_blocks_at_this_fail_on(report: Rendered) -> None:
    html = report.html.read_text(encoding="utf-8")
    high = _finding_block(html, "DEMO-12-LOG-RETENTION")
    medium = _finding_block(html, "DEMO-16-PROVIDER")
    assert 'class="blocking"' in high
    assert 'class="blocking"' not in medium and "Does not fail the assessment" in medium


def test_remediation_markdown_renders_as_safe_html(report: Rendered) -> None:
    html = report.html.read_text(encoding="utf-8")
    block = _finding_block(html, "DEMO-12-LOG-RETENTION")
    assert "<code>logging.retention_days</code>" in block and "<em>183</em>" in block
    assert "the guide (https://example.org/logs?a=1&amp;b=2)" in block
    assert "<a href" not in block and "<script>" not in block and "&lt;script&gt;" in block
    assert "`" not in block


def test_where_column_shows_a_readable_field_path(report: Rendered) -> None:
    block = _finding_block(report.html.read_text(encoding="utf-8"), "DEMO-12-LOG-RETENTION")
    assert "model card &gt; logging &gt; retention days" in block
    assert "model_card.logging.retention_days</span>" not in block


def test_table_headers_never_break_inside_a_word(report: Rendered) -> None:
    css = "".join(re.findall(r"<style>(.*?)</style>", report.html.read_text("utf-8"), re.S))
    rule = re.search(r"(?m)^th \{([^}]*)\}", css)
    assert rule, "no rule for th"
    declarations = {
        k.strip(): v.strip()
        for k, v in (d.split(":") for d in rule.group(1).split(";") if d.strip())
    }
    assert declarations == {"hyphens": "manual", "word-break": "normal", "overflow-wrap": "normal"}


def test_no_waivers_means_no_page_of_its_own(report: Rendered) -> None:
    from pypdf import PdfReader

    html = report.html.read_text(encoding="utf-8")
    assert '<section class="chapter-inline" id="waivers">' in html
    pages = [page.extract_text() for page in PdfReader(report.pdf).pages]
    (page,) = [p for p in pages if "No waivers are declared" in p]
    assert "Evidence" in page  # it shares the evidence inventory's page


@pytest.mark.parametrize(
    ("path", "labels", "expected"),
    [
        (
            "fairness[0].features[1].disparities.equalized_odds_difference",
            {"fairness[0]": "fairness report", "fairness[0].features[1]": "sex"},
            "fairness report > sex > disparities > equalized odds difference",
        ),
        ("model_card.io.inputs[0].format", {}, "model card > io > inputs 1 > format"),
        ("datasets[*].origin.sources", {}, "each dataset record > origin > sources"),
        ("classification.annex_i", {}, "classification > annex i"),
    ],
)
def test_readable_field(path: str, labels: dict[str, str], expected: str) -> None:
    assert readable_field(path, labels) == expected


def test_remediation_html_never_lets_markup_through() -> None:
    rendered = str(
        remediation_html('<img src=x onerror="alert(1)"> [x](javascript:alert(1)) **b**')
    )
    assert "<img" not in rendered and "<a " not in rendered and "<strong>b</strong>" in rendered
