"""The PDF read back: cover, summary, findings, fairness, inventory, PDF/A-3b and its attachment."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from govern.engine.assessment import Assessment
from govern.reference import FRAMEWORK_TITLES
from tests.conftest import REPO, copy_example, edit
from tests.report.conftest import AS_OF, Rendered, render

# Renders and rasterises real PDFs (~30 s in all).
pytestmark = pytest.mark.slow

Text = Callable[[Path], str]


def load(rendered: Rendered) -> Assessment:
    return Assessment.model_validate_json(rendered.json.read_bytes())


def flat(text: str) -> str:
    """Undo line breaks inside hyphenated ids and digests, which narrow columns wrap."""
    return re.sub(r"(?<=[-/_.])\s+", "", text)


def page_texts(path: Path) -> list[str]:
    return [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(path).pages]


def test_cover_names_system_version_verdict_date_and_signature_state(credit: Rendered) -> None:
    assessment = load(credit)
    cover = page_texts(credit.pdf)[0]
    assert assessment.system.name in cover
    assert f"Version {assessment.system.version}" in cover
    assert assessment.summary.verdict.upper() in cover
    assert f"Assessment date {AS_OF}" in cover
    assert "Unsigned: no signing key was given" in cover
    assert assessment.classification.label in cover


def test_attached_json_is_the_assessment_written_beside_it(credit: Rendered) -> None:
    reader = PdfReader(credit.pdf)
    attached = reader.attachments["assessment.json"][0]
    assert attached == credit.json.read_bytes()
    assessment = Assessment.model_validate_json(attached)
    assert assessment.options.as_of.isoformat() == AS_OF


def test_pdf_is_identified_as_pdf_a_3b_with_an_associated_source_file(credit: Rendered) -> None:
    reader = PdfReader(credit.pdf)
    raw = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in raw and 'pdfaid:conformance="B"' in raw
    root = reader.trailer["/Root"]
    intents = root["/OutputIntents"]
    assert intents[0].get_object()["/S"] == "/GTS_PDFA1"
    (spec,) = [ref.get_object() for ref in root["/AF"]]
    assert spec["/AFRelationship"] == "/Source"
    assert spec["/F"] == "assessment.json"
    assert reader.metadata is not None
    assert reader.metadata["/CreationDate"] == "D:20261125000000Z"
    assert reader.metadata["/ModDate"] == "D:20261125000000Z"
    assert len(reader.trailer["/ID"]) == 2


def test_contents_page_numbers_and_running_header(credit: Rendered) -> None:
    pages = page_texts(credit.pdf)
    total = len(pages)
    assert "Contents" in pages[1]
    for entry in (
        "Executive summary",
        "EU AI Act classification",
        "Evidence inventory",
        "Waivers",
        "Attestations",
        "How to verify this report",
        "Fairness",
    ):
        assert re.search(re.escape(entry) + r" \d+", pages[1]), entry
    name = load(credit).system.name
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {total}" in text
        assert name in text.split(f"Page {number} of")[0][-300:]  # in the running header
    # The contents give the page on which each chapter really starts.
    start = int(re.search(r"Evidence inventory (\d+)", pages[1]).group(1))  # type: ignore[union-attr]
    assert pages[start - 1].split("Evidence inventory")[1].startswith(" Every file")


def test_executive_summary_gives_per_framework_counts_and_coverage(credit: Rendered) -> None:
    assessment = load(credit)
    summary = next(p for p in page_texts(credit.pdf) if p.startswith("Executive summary"))
    for framework in assessment.summary.frameworks:
        assert framework.title in summary
        assert f"{framework.title} {framework.rules} " in summary
        if framework.coverage is not None:
            coverage = framework.coverage
            assert f"{coverage.covered_percent:.0f}% of {coverage.obligations}" in summary
    for label in ("Pass", "Attested", "Fail", "Waived", "Needs attestation", "Not covered"):
        assert label in summary


def test_classification_section_shows_tier_and_reasons(credit: Rendered, text_of: Text) -> None:
    assessment = load(credit)
    text = text_of(credit.pdf)
    section = text.split("EU AI Act classification Risk tier")[1][:1500]
    assert assessment.classification.label in section
    for reason in assessment.classification.reasons:
        assert reason.conclusion[:40] in section
        for provision in reason.provisions:
            assert provision in section


def test_every_rule_appears_with_its_status(credit: Rendered, text_of: Text) -> None:
    text = flat(text_of(credit.pdf))
    for result in load(credit).results:
        assert result.rule_id in text, result.rule_id


def test_failures_show_expected_found_location_and_remediation(
    chatbot: Rendered, text_of: Text
) -> None:
    assessment = load(chatbot)
    text = flat(text_of(chatbot.pdf))
    failures = [r for r in assessment.results if r.status == "fail"]
    assert failures, "the chatbot example fails on purpose"
    assert "FAIL" in page_texts(chatbot.pdf)[0]
    for result in failures:
        finding = result.findings[0]
        assert f"{finding.location.file}:{finding.location.line}" in text
        assert flat(finding.expected[:30]) in text
        assert flat(" ".join(result.remediation.split()[:6])) in text
    for rule_id in assessment.summary.gating:
        assert rule_id in text


def test_fairness_section_has_charts_with_intervals_and_thresholds(credit: Rendered) -> None:
    html = credit.html.read_text()
    section = html.split('id="fairness"')[1].split('id="evidence"')[0]
    charts = re.findall(r"<svg [^>]*class=\"chart\".*?</svg>", section, flags=re.S)
    report = Assessment.model_validate_json(credit.json.read_bytes())
    assert any(e.kind == "fairness" for e in report.evidence)
    assert len(charts) == 9  # sex, age band and their intersection x selection, TPR, FPR
    for chart in charts:
        assert chart.count("<circle") >= 2  # one point per group
        assert 'stroke-dasharray="5,3"' in chart  # the gate's threshold line
        assert "<rect" in chart  # the band the gate allows
    assert "Selection rate by sex" in section
    assert "F|18-29" in section


def test_fairness_tables_in_the_pdf(credit: Rendered, text_of: Text) -> None:
    text = text_of(credit.pdf)
    fairness = text.split("Per-group outcomes")[1]
    assert "Demographic parity ratio" in fairness
    assert "EUAIA-10-DEMOGRAPHIC" in fairness
    assert "95% bootstrap" in fairness


def test_evidence_inventory_lists_every_file_with_sha256(credit: Rendered, text_of: Text) -> None:
    text = text_of(credit.pdf)
    inventory = text.split("Evidence inventory Every file")[1].split("Waivers")[0]
    assessment = load(credit)
    for record in (assessment.manifest, *assessment.evidence):
        assert record.path in flat(inventory)
        assert record.sha256[:32] in inventory and record.sha256[32:] in inventory, record.path


def test_packs_tool_and_verification_sections(credit: Rendered, text_of: Text) -> None:
    text = flat(text_of(credit.pdf))
    assessment = load(credit)
    for pack in assessment.packs:
        assert f"{pack.title}" in text and pack.version in text
    assert f"govern {assessment.tool.version}" in text
    assert "How to verify this report" in text
    assert "This report is not signed" in text


def test_attestations_name_the_person_and_role(credit: Rendered, text_of: Text) -> None:
    text = text_of(credit.pdf)
    results = load(credit).results
    used = [a for r in results if r.status == "pass" for a in r.attestations if not a.problem]
    assert used
    for info in used:
        assert info.attested_by and info.attested_by in text
        assert info.role and info.role in text


def test_html_is_self_contained(credit: Rendered) -> None:
    html = credit.html.read_text()
    assert "<style>" in html and "@page" in html
    assert not re.search(r"""(src|href)=["']?(https?:|file:|//)""", html)
    assert FRAMEWORK_TITLES["eu-ai-act"] in html


def test_same_inputs_and_date_give_the_same_bytes(credit: Rendered, tmp_path: Path) -> None:
    """A second run in a fresh interpreter, with another hash seed, time zone and a stray
    SOURCE_DATE_EPOCH, writes identical files: nothing comes from the clock or a random source.
    The output names are the same, since a report names its own files.

    The second run is the govern command itself, which lays the PDF out in a child process
    forked at its start (govern.report.pdf_worker), where the fixture rendered in one process:
    the bytes are the same either way, and the command's own process never imports WeasyPrint
    (-X importtime lists each import of the process on stderr; the child's stderr is closed)."""
    out = tmp_path / "again"
    names = [credit.pdf.name, credit.html.name, credit.json.name]
    args = [str(credit.system), "--as-of", AS_OF]
    for option, name in zip(("--pdf", "--html", "--json"), names, strict=True):
        args += [option, str(out / name)]
    env = {
        **os.environ,
        "PYTHONHASHSEED": "12345",
        "TZ": "Pacific/Kiritimati",
        "SOURCE_DATE_EPOCH": "86400",
    }
    env.pop("GOVERN_PDF_WORKER", None)
    command = [sys.executable, "-X", "importtime", "-m", "govern", "report", *args]
    run = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO)
    assert run.returncode == 0, run.stderr[-2000:]
    imported = re.findall(r"^import time:.*\|\s+([\w.]+)$", run.stderr, re.MULTILINE)
    assert "govern.report.build" in imported and "pyhanko" not in imported
    assert not [name for name in imported if name.split(".")[0] == "weasyprint"]
    for original in (credit.pdf, credit.html, credit.json):
        assert (out / original.name).read_bytes() == original.read_bytes(), original.name


def test_the_pdf_identifier_and_dates_come_from_the_inputs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same HTML rendered again, whatever SOURCE_DATE_EPOCH says, gives the same bytes, and
    the file identifier is the digest of the inputs, not of a moment."""
    import datetime as dt

    from govern.report.html import RenderedHtml
    from govern.report.pdf import Attachment, file_identifier, render_pdf

    html = RenderedHtml(
        "<html><head><title>t</title><meta name=dcterms.created content=2026-11-25T00:00:00Z>"
        "</head><body><h1>Report</h1><p>Text in a subset font: \u2265 \u00d7 \u2026</p>"
        "</body></html>",
        {},
    )
    day = dt.date.fromisoformat(AS_OF)
    attachment = (Attachment("assessment.json", b'{"a": 1}', "application/json", "a"),)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")
    first = render_pdf(html, day, attachment).data
    assert os.environ["SOURCE_DATE_EPOCH"] == "1"  # restored after the render
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    second = render_pdf(html, day, attachment).data
    assert first == second
    identifier = PdfReader(io.BytesIO(first)).trailer["/ID"][0]
    assert bytes(identifier, "latin-1") == file_identifier(html, day, attachment).encode()
    later = render_pdf(html, day + dt.timedelta(days=1), attachment).data
    assert later != first  # the date is an input


def test_laying_out_without_the_note_rules_gives_the_same_pdf(
    credit: Rendered, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report is laid out without WeasyPrint's footnote and note rules (which cost every
    element pseudo-element styles) only because they change nothing: the bytes are the same."""
    import datetime as dt

    import weasyprint

    from govern.report import pdf
    from govern.report.html import RenderedHtml

    assert pdf._stylesheet_without_notes() is not None, "WeasyPrint's UA sheet changed"
    html = RenderedHtml(credit.html.read_text(encoding="utf-8"), {})
    day = dt.date.fromisoformat(AS_OF)
    lean = pdf.render_pdf(html, day).data
    monkeypatch.setattr(pdf, "_ReportHtml", weasyprint.HTML)
    assert pdf.render_pdf(html, day).data == lean


def test_a_template_with_footnotes_gets_weasyprints_note_rules() -> None:
    import datetime as dt

    from govern.report.html import RenderedHtml
    from govern.report.pdf import render_pdf

    html = RenderedHtml(
        "<html><head><style>.fn { float: footnote }</style></head><body>"
        '<p>Claim<span class="fn">The source of the claim.</span> made.</p></body></html>',
        {},
    )
    result = render_pdf(html, dt.date.fromisoformat(AS_OF))
    text = PdfReader(io.BytesIO(result.data)).pages[0].extract_text()
    assert "1. The source of the claim." in text  # ::footnote-marker, from WeasyPrint's rules


# Colours the report draws with (templates/style.css and govern/report/charts.py).
PASS_GREEN = (6, 118, 71)
FAIL_RED = (180, 35, 24)
BAND_GREEN = (220, 250, 230)
ATTESTED_BLUE = (46, 144, 250)
DPI = 60


def render_pages(pdf: Path, numbers: list[int], folder: Path, dpi: int = DPI) -> list[Image.Image]:
    """Pages (1-based) as RGB images, also saved as PNG beside the test for a look by hand."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    images = []
    for number in numbers:
        image = document[number - 1].render(scale=dpi / 72).to_pil().convert("RGB")
        image.save(folder / f"{pdf.stem}-page{number:02d}.png")
        images.append(image)
    document.close()
    return images


def pixels(image: Image.Image) -> list[tuple[int, int, int]]:
    data = image.convert("RGB").tobytes()
    return [(data[i], data[i + 1], data[i + 2]) for i in range(0, len(data), 3)]


def near(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 24) -> int:
    """How many pixels are within `tolerance` of `colour` on every channel."""
    r, g, b = colour
    return sum(
        1
        for p in pixels(image)
        if abs(p[0] - r) <= tolerance and abs(p[1] - g) <= tolerance and abs(p[2] - b) <= tolerance
    )


def ink(image: Image.Image, below: int = 300) -> int:
    """Pixels darker than `below` (sum of the channels)."""
    return sum(1 for p in pixels(image) if sum(p) < below)


def right_margin_ink(image: Image.Image) -> int:
    """Dark pixels in the outer 12 mm of the right margin (16 mm wide): content that overflowed."""
    strip = image.crop((image.width - round(12 / 25.4 * DPI), 0, image.width, image.height))
    return ink(strip, below=600)


def page_of(rendered: Rendered, needle: str) -> int:
    """The first page (1-based) whose text contains `needle`."""
    return next(i for i, text in enumerate(page_texts(rendered.pdf), start=1) if needle in text)


@pytest.mark.parametrize("which", ["credit", "chatbot"])
def test_pages_render_with_their_colours_and_nothing_overflows(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    rendered: Rendered = request.getfixturevalue(which)
    verdict = load(rendered).summary.verdict
    findings = page_of(rendered, "Needing attention")
    numbers = [1, 3, findings]
    cover, summary, finding_page = render_pages(rendered.pdf, numbers, tmp_path)
    assert cover.height > cover.width  # portrait A4
    assert near(cover, PASS_GREEN if verdict == "pass" else FAIL_RED) > 300, "verdict badge"
    assert ink(cover) > 1000, "the cover has text"
    assert near(summary, PASS_GREEN) > 500, "the per-framework bars show passes"
    assert near(summary, ATTESTED_BLUE) > 100, "and attested controls"
    if verdict == "fail":
        assert near(finding_page, FAIL_RED) > 100, "failing findings carry red badges"
    pages = render_pages(
        rendered.pdf, list(range(1, len(PdfReader(rendered.pdf).pages) + 1)), tmp_path
    )
    overflowing = [n for n, page in enumerate(pages, start=1) if right_margin_ink(page)]
    assert overflowing == [], f"content runs into the right margin on pages {overflowing}"


LONG_NAME = "X" * 500  # one unbroken word, as a careless or hostile manifest might give


@pytest.fixture(scope="module")
def long_name(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    root = tmp_path_factory.mktemp("long-name")
    system = copy_example("support-chatbot", root / "support-chatbot")
    edit(system / "govern.yaml", "name: Ask Lumen support chatbot", f"name: {LONG_NAME}")
    return render(system, root / "out")


def test_a_long_unbroken_system_name_stays_inside_the_page(
    long_name: Rendered, tmp_path: Path
) -> None:
    count = len(PdfReader(long_name.pdf).pages)
    pages = render_pages(long_name.pdf, list(range(1, count + 1)), tmp_path)
    overflowing = [n for n, page in enumerate(pages, start=1) if right_margin_ink(page)]
    assert overflowing == [], f"content runs into the right margin on pages {overflowing}"
    texts = page_texts(long_name.pdf)
    assert "Contents" in texts[1], "the cover still fits on its page"
    # The running header is cut with an ellipsis and keeps the version.
    header = "X" * 73 + "\u2026 1.4.0"
    assert all(header in text for text in texts[2:])
    # The whole name is still in the report: on the cover and in the summary.
    assert long_name.html.read_text().count(LONG_NAME) >= 2


@pytest.mark.parametrize(
    ("name", "version", "expected"),
    [
        ("Credit Risk Scorer", "2.3.0", "Credit Risk Scorer 2.3.0"),
        ("N" * 100, "1.0", "N" * 75 + "\u2026 1.0"),
        ("Scorer", "v" * 40, "Scorer " + "v" * 19 + "\u2026"),
    ],
)
def test_the_running_title_is_at_most_eighty_characters(
    name: str, version: str, expected: str
) -> None:
    from govern.report.context import running_title

    assert running_title(name, version) == expected
    assert len(running_title(name, version)) <= 80


def test_the_fairness_chart_page_shows_band_points_and_threshold(
    credit: Rendered, tmp_path: Path
) -> None:
    number = page_of(credit, "Selection rate by sex.")
    (page,) = render_pages(credit.pdf, [number], tmp_path, dpi=100)
    assert near(page, BAND_GREEN, tolerance=8) > 5000, "the band the gate allows"
    assert near(page, FAIL_RED, tolerance=40) > 40, "the red threshold line and its label"
    assert near(page, (31, 58, 95), tolerance=30) > 400, "points and whiskers"
