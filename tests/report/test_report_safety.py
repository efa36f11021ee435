"""Hostile evidence: markup in evidence is shown as text and the renderer fetches nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from govern.report.html import Asset, AssetRegistry, TemplateError, TemplateSet
from tests.conftest import write
from tests.report.conftest import AS_OF, pdf_text

SCRIPT = "<script>alert('name')</script>"
PASSWD = '<img src="file:///etc/passwd">'
LINK = '<link href="http://127.0.0.1:9/x" rel="stylesheet">'
CSS = "<style>body{background:url('http://127.0.0.1:9/bg.png')}</style>"
DATA = "url(data:image/png;base64,AAAA)"

MANIFEST = f"""\
govern: 1
system:
  id: hostile
  name: {json.dumps(SCRIPT + " Scorer")}
  version: 1.0.0
  role: provider
  intended_purpose: {json.dumps(LINK + " Score loans.")}
classification:
  annex_iii: "5(b)"
evidence:
  model_card: docs/card.yaml
  attestations: docs/attestations.yaml
  fairness: [reports/fairness.json]
policies: [./pack]
waivers:
  - rule: DEMO-WAIVED
    reason: {json.dumps(PASSWD + " waived for now")}
    approved_by: "<b>Mallory</b>"
    expires: 2027-01-01
"""
CARD = f"""\
identity:
  name: {json.dumps(SCRIPT)}
  version: {json.dumps(PASSWD)}
provider:
  name: {json.dumps(LINK)}
intended_purpose:
  description: {json.dumps(CSS + " " + DATA)}
"""
ATTESTATIONS = f"""\
attestations:
  - control: qms
    statement: {json.dumps('<iframe src="data:text/html,x"></iframe> QMS in place. ' + DATA)}
    attested_by: {{name: "<svg onload=alert(1)>", role: Head of Quality}}
    date: 2026-06-01
"""
PACK = "id: demo\ntitle: Demo pack\nversion: 0.0.1\nframework: eu-ai-act\n"
RULES = """\
- id: DEMO-NAME
  title: Model name is the approved one
  refs: {eu-ai-act: ["Art.16(b)"]}
  severity: high
  check: {equals: {path: model_card.identity.name, value: "Approved Scorer"}}
  remediation: Use the approved name.
- id: DEMO-VERSION
  title: Version looks like a version
  refs: {eu-ai-act: ["Art.16(b)"]}
  severity: high
  check: {matches: {path: model_card.identity.version, pattern: "^[0-9.]+$"}}
  remediation: Use a semantic version.
- id: DEMO-PROVIDER
  title: Provider is the bank
  refs: {eu-ai-act: ["Art.16(b)"]}
  severity: high
  check: {one_of: {path: model_card.provider.name, values: ["Demo Bank"]}}
  remediation: Name the provider.
- id: DEMO-USE
  title: Intended use described plainly
  refs: {eu-ai-act: ["Art.13(3)(b)(i)"]}
  severity: high
  check: {equals: {path: model_card.intended_purpose.description, value: "Score loans."}}
  remediation: Describe the intended use.
- id: DEMO-WAIVED
  title: A waived control
  refs: {eu-ai-act: ["Art.17(1)"]}
  severity: high
  check: {present: model_card.logging.retention_days}
  remediation: Fill it in.
- id: DEMO-QMS
  title: Quality management system attested
  refs: {eu-ai-act: ["Art.17(1)"]}
  severity: high
  check: {attestation: {control: qms, max_age_days: 365}}
  remediation: Attest the QMS.
- id: DEMO-DP
  title: Selection-rate ratio
  refs: {eu-ai-act: ["Art.10(2)(f)"]}
  severity: high
  params: {min_ratio: 0.8}
  check:
    min:
      path: "fairness[*].features[*].disparities.demographic_parity_ratio.between_groups"
      value: {param: min_ratio}
  remediation: Mitigate.
"""
FAIRNESS = {
    "schema_version": 1,
    "generated_by": {"name": "govern", "version": "0.1.0"},
    "dataset": SCRIPT,
    "source": {"path": PASSWD + ".csv", "sha256": "0" * 64, "rows": 100},
    "parameters": {"y_true": "y", "y_pred": "p", "sensitive": ["<b>g</b>"]},
    "overall": {"selection_rate": {"value": 0.5}},
    "features": [
        {
            "name": "<b>g</b>",
            "columns": ["<b>g</b>"],
            "groups": [
                {
                    "group": SCRIPT,
                    "count": 50,
                    "metrics": {
                        "selection_rate": {"value": 0.6, "ci": {"lower": 0.5, "upper": 0.7}}
                    },
                },
                {
                    "group": "url(http://127.0.0.1:9/g.png)",
                    "count": 10,
                    "small": True,
                    "metrics": {"selection_rate": {"value": 0.4}},
                },
            ],
            "disparities": {"demographic_parity_ratio": {"between_groups": {"value": 0.6667}}},
        }
    ],
}
HOSTILE = (SCRIPT, PASSWD, LINK, "http://127.0.0.1:9/bg.png", DATA, "<svg onload=alert(1)>")


@pytest.fixture(scope="module")
def hostile_system(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "system"
    write(root / "govern.yaml", MANIFEST)
    write(root / "docs" / "card.yaml", CARD)
    write(root / "docs" / "attestations.yaml", ATTESTATIONS)
    write(root / "pack" / "pack.yaml", PACK)
    write(root / "pack" / "rules.yaml", RULES)
    write(root / "reports" / "fairness.json", json.dumps(FAIRNESS, indent=1))
    return root


@dataclass(frozen=True)
class HostileReport:
    html: str
    pdf: Path
    fetched: list[str]
    refused: list[str]


@pytest.fixture(scope="module")
def hostile(hostile_system: Path) -> HostileReport:
    """Rendered through the library with the fetcher's log kept, as `govern report` renders."""
    from govern.cli.report import _assess
    from govern.engine.evaluate import EngineOptions
    from govern.report.build import Outputs, render_report
    from govern.report.pdf import Attachment, render_pdf

    assessment, _ = _assess(hostile_system, EngineOptions(as_of=dt.date(2026, 11, 25)), [])
    out = hostile_system.parent / "out.pdf"
    rendered = render_report(assessment, TemplateSet.load(), Outputs(html=out))
    attachment = Attachment("assessment.json", rendered.json, "application/json", "assessment")
    result = render_pdf(rendered.html, assessment.options.as_of, (attachment,))
    out.write_bytes(result.data)
    return HostileReport(
        rendered.html.html,
        out,
        [r.url for r in result.fetches.served],
        [r.url for r in result.fetches.refused],
    )


def test_evidence_markup_is_escaped_in_the_html(hostile: HostileReport) -> None:
    body = hostile.html.split("</style>", 1)[1]
    for raw in (SCRIPT, PASSWD, LINK, "<svg onload", "<iframe", "<b>Mallory</b>", "<b>g</b>"):
        assert raw not in body, raw
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in body
    assert not re.search(r"<(script|iframe|link|img)\b", body)


def test_evidence_markup_is_shown_as_text_in_the_pdf(hostile: HostileReport) -> None:
    text = re.sub(r"\s+", "", pdf_text(hostile.pdf))  # wrapped lines joined for the comparison
    for raw in HOSTILE:
        assert re.sub(r"\s+", "", raw) in text, raw


def test_the_renderer_fetched_nothing(hostile: HostileReport) -> None:
    """Evidence text is text: WeasyPrint never even asks for its URLs, so the log is empty."""
    assert hostile.fetched == []
    assert hostile.refused == []


def test_chart_labels_are_escaped(hostile: HostileReport) -> None:
    charts = re.findall(r"<svg [^>]*class=\"chart\".*?</svg>", hostile.html, flags=re.S)
    fairness = [c for c in charts if "Selection rate" in c]
    assert fairness
    assert "&lt;script&gt;" in fairness[0] and "<script" not in fairness[0]


def test_the_report_command_succeeds_on_hostile_evidence(
    hostile_system: Path, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from govern.cli.report import command

    result = CliRunner().invoke(
        command, [str(hostile_system), "--pdf", str(tmp_path / "r.pdf"), "--as-of", AS_OF]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")


def fetch(url: str, assets: dict[str, Asset] | None = None) -> tuple[bytes | None, list[str]]:
    from govern.report.pdf import AssetFetcher, FetchLog

    log = FetchLog()
    fetcher = AssetFetcher(assets or {}, log)
    try:
        data = fetcher(url).read()
    except ValueError:
        data = None
    return data, [f"{r.decision} {r.url}" for r in log.records]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        "data:image/png;base64,AAAA",
        "ftp://example.com/x",
        "relative.png",
    ],
)
def test_the_fetcher_refuses_everything_but_template_assets(url: str) -> None:
    data, log = fetch(url)
    assert data is None
    assert log == [f"refused {url}"]


def test_the_fetcher_serves_registered_assets_byte_for_byte() -> None:
    asset = Asset("logo.svg", "image/svg+xml", b"<svg/>")
    data, log = fetch(
        "data:image/svg+xml;base64,PHN2Zy8+", {"data:image/svg+xml;base64,PHN2Zy8+": asset}
    )
    assert data == b"<svg/>"
    assert log == ["served data:image/svg+xml;base64,PHN2Zy8+"]


def test_a_hostile_url_in_a_template_is_refused_and_logged(tmp_path: Path) -> None:
    """Even a template that asks for external resources gets none of them."""
    from govern.report.html import RenderedHtml
    from govern.report.pdf import render_pdf

    html = textwrap.dedent(
        """\
        <html><head><link rel="stylesheet" href="http://127.0.0.1:9/x.css">
        <style>body { background: url("file:///etc/passwd"); }</style></head>
        <body><img src="file:///etc/passwd"><img src="data:image/png;base64,iVBORw0KGgo=">
        <p>text</p></body></html>"""
    )
    result = render_pdf(RenderedHtml(html, {}), dt.date(2026, 11, 25))
    assert result.fetches.served == []
    refused = {r.url.split(":", 1)[0] for r in result.fetches.refused}
    assert refused == {"http", "file", "data"}
    assert result.data.startswith(b"%PDF-")


@pytest.mark.parametrize("name", ["../secret.png", "/etc/passwd", "a/../../b.svg"])
def test_assets_cannot_leave_the_template_folder(name: str) -> None:
    registry = AssetRegistry(TemplateSet.load())
    with pytest.raises(TemplateError):
        registry.url(name)
