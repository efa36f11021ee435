"""Output injection (issue 13, point 2): hostile values from evidence, the manifest and packs go
through every output format of a real system folder, and each result is read back with the
consumer that would interpret it: GitHub's workflow-command syntax, an XML parser, a JSON parser,
markdown-it-py with GFM autolinks, an HTML parser and the terminal's view of the text report.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import click
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from govern.engine.assessment import Assessment
from govern.engine.diff import Diff, RuleChange, Side, WaiverExpiry
from govern.errors import GovernError
from govern.render import get_renderer
from govern.render.display import BIDI_CONTROLS, visible
from govern.render.history import diff_markdown, diff_text, history_markdown
from govern.render.interface import RenderOptions
from govern.render.markdown_escape import md_code, md_text
from tests.conftest import REPO, CliResult, copy_example, edit, write
from tests.render.conftest import assess_folder

# Fragments an attacker would try, one class of interpreter each; hypothesis joins them with
# arbitrary text.
PAYLOADS = (
    "\n::error file=x,line=1::forged",
    "::stop-commands::pwned",
    "  ::warning::indented",
    "\r\n##[error]old syntax",
    "%0A::error::encoded",
    "50% done",
    "a,b:c",
    "]]><x/>",
    "\x00\x07\x08\x0b\x0c\x1b[31mred\x1b[0m\x7f\x85\x9b",
    "\ud800 lone \udfff",
    "\ufffe\uffff",
    "\u202euoy rof\u202c \u2066x\u2069 \u200e\u200f\u061c",
    "<script>alert(1)</script>",
    "<!-- c --><div>",
    "[x](javascript:alert(1))",
    "![](http://evil.example/t.png)",
    "<http://evil.example>",
    "www.evil.com",
    "https://evil.com/x",
    "mallory@evil.com",
    "evil.com",
    "a | b || c",
    "`code` ``` ``",
    "\\",
    "# heading",
    "- item",
    "1) item",
    "    indented code",
    "&amp; &#60;",
    "*em* _em_ ~~del~~ $x$",
    "\u2028\u2029",
    "[ref]: http://evil.example",
)
hostile = st.lists(
    st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=6)), min_size=1, max_size=4
).map("".join)
BOUNDED = settings(
    max_examples=30,
    deadline=dt.timedelta(seconds=5),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

AS_OF = dt.date(2026, 11, 25)
PACK = """\
id: hostile
title: {title}
version: 0.0.1
"""
RULES = """\
- id: HOSTILE-1-PROVIDER
  title: {title}
  refs: {{eu-ai-act: ["Art.16(b)"]}}
  severity: high
  check: {{equals: {{path: model_card.provider.name, value: Lumen Energy B.V.}}}}
  remediation: {remediation}
- id: HOSTILE-2-WAIVED
  title: {title}
  refs: {{eu-ai-act: ["Art.16(b)"]}}
  severity: high
  check: {{present: model_card.provider.no_such_field}}
  remediation: {remediation}
- id: HOSTILE-3-LOW
  title: {title}
  refs: {{eu-ai-act: ["Art.16(b)"]}}
  severity: low
  check: {{attestation: {{control: {control}}}}}
  remediation: {remediation}
- id: HOSTILE-4-PASS
  title: {title}
  refs: {{eu-ai-act: ["Art.16(b)"]}}
  severity: low
  check: {{present: model_card.identity.name}}
  remediation: {remediation}
"""


def _yaml(value: str) -> str:
    """A YAML double-quoted scalar: JSON's escapes are YAML's, so any string survives."""
    return json.dumps(value)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the support chatbot whose files `inject` rewrites from the originals."""
    return copy_example("support-chatbot", tmp_path_factory.mktemp("inject") / "chatbot")


def inject(root: Path, value: str) -> Assessment | None:
    """Put `value` everywhere a user can: system name, a model-card field, waiver reason and
    approver, pack title, rule titles and remediation, attestation control id; the system is
    checked against that one local pack. None when govern refuses the folder as bad input (a
    blank name, say), which is not what this module tests."""
    source = REPO / "examples" / "support-chatbot"
    manifest = (source / "govern.yaml").read_text(encoding="utf-8")
    manifest = manifest.replace(
        "policies: [builtin:eu-ai-act, builtin:iso-42001, builtin:nist-ai-rmf]",
        "policies: [./pack]",
    )
    manifest = manifest.replace("  name: Ask Lumen support chatbot\n", f"  name: {_yaml(value)}\n")
    manifest = manifest.replace(
        "waivers: []",
        "waivers:\n  - rule: HOSTILE-2-WAIVED\n"
        f"    reason: {_yaml('Tracked: ' + value)}\n"
        f"    approved_by: {_yaml(value)}\n    expires: 2027-06-30",
    )
    (root / "govern.yaml").write_text(manifest, encoding="utf-8")
    card = (source / "docs" / "model_card.yaml").read_text(encoding="utf-8")
    card = card.replace("  name: Lumen Energy B.V.\n", f"  name: {_yaml(value)}\n")
    (root / "docs" / "model_card.yaml").write_text(card, encoding="utf-8")
    write(root / "pack" / "pack.yaml", PACK.format(title=_yaml(value)))
    (root / "pack" / "rules.yaml").write_text(
        RULES.format(
            title=_yaml(value), remediation=_yaml("Fix: " + value), control=_yaml("c" + value)
        ),
        encoding="utf-8",
    )
    try:
        return assess_folder(root, AS_OF)
    except GovernError:
        return None


def outputs(assessment: Assessment) -> dict[str, str]:
    plain, in_repo = RenderOptions(), RenderOptions(base_path="systems/chatbot")
    rendered = {name: get_renderer(name).render(assessment, plain) for name in ("text", "json")}
    for name in ("sarif", "junit", "markdown", "github"):
        rendered[name] = get_renderer(name).render(assessment, in_repo)
    return rendered


# -- GitHub workflow commands --------------------------------------------------------------------

# What GitHub's runner executes: a line that starts, after leading whitespace, with `::name` (or
# the older `##[name`).
WORKFLOW_COMMAND = re.compile(r"^\s*(::[a-z-]+( [^:]*)?::|##\[[a-z-]+)")
OURS = re.compile(
    r"^::(error|warning|notice) (file=[^,:]*,line=\d+,col=\d+,)?title=[^:]*::[^\r\n]*$"
    r"|^::stop-commands::govern-[0-9a-f]{32}$|^::govern-[0-9a-f]{32}::$"
)


def _unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def assert_github_safe(out: str, value: str) -> None:
    lines = out.split("\n")
    commands = [line for line in lines if WORKFLOW_COMMAND.match(line)]
    assert all(OURS.match(line) for line in commands), [c for c in commands if not OURS.match(c)]
    stops = [i for i, line in enumerate(lines) if line.startswith("::stop-commands::")]
    assert len(stops) == 1
    token = lines[stops[0]].removeprefix("::stop-commands::")
    assert lines[-2] == f"::{token}::" and lines[-1] == ""  # the fence ends at the very end
    assert sum(token in line for line in lines) == 2  # no value can close the fence early
    assert not any(WORKFLOW_COMMAND.match(line) for line in lines[stops[0] + 1 : -2])
    assert not _displayed_raw(out.replace("\n", ""))
    # Escaping is reversible: the annotation shows the value as people should see it.
    provider = next(line for line in lines if "title=HOSTILE-1-PROVIDER" in line)
    assert visible(value) in _unescape_data(provider.split("::", 2)[2])


def _displayed_raw(text: str) -> list[str]:
    """Characters that would act on a terminal or a log viewer instead of being shown."""
    return [
        c
        for c in text
        if c != "\t" and (unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or c in BIDI_CONTROLS)
    ]


# -- Markdown ------------------------------------------------------------------------------------


def gfm() -> MarkdownIt:
    """markdown-it-py as GitHub renders: tables, strikethrough and bare-URL autolinks."""
    return MarkdownIt("gfm-like")


def _tokens(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        yield from _tokens(token.children or [])


LIVE = {"link_open", "image", "html_inline", "html_block", "code_block", "fence", "hr"}


def _text(token: Token) -> str:
    """The text an inline token renders to, as a reader sees it."""
    return "".join(
        t.content for t in _tokens(token.children or []) if t.type in ("text", "code_inline")
    )


# The one HTML govern writes itself: the fold around rules that pass.
OWN_HTML = re.compile(
    r"(<details><summary>\d+ rule\(s\) passed or do not apply</summary>|</details>)\n"
)


def assert_markdown_safe(markdown: str) -> list[Token]:
    tokens = gfm().parse(markdown)
    found = [
        t
        for t in _tokens(tokens)
        if t.type in LIVE and not (t.type == "html_block" and OWN_HTML.fullmatch(t.content))
    ]
    assert not found, found
    # Every row of a table has as many cells as its header: no value split or merged a cell.
    widths: list[int] = []
    for token in tokens:
        if token.type == "table_open":
            widths = []
        elif token.type == "tr_open":
            widths.append(0)
        elif token.type in ("th_open", "td_open"):
            widths[-1] += 1
        elif token.type == "table_close":
            assert len(set(widths)) == 1, widths
    return tokens


def _headings(tokens: list[Token]) -> list[str]:
    return [_text(tokens[i + 1]) for i, token in enumerate(tokens) if token.type == "heading_open"]


# -- the properties ------------------------------------------------------------------------------


@BOUNDED
@given(value=hostile)
# Each class at least once, whatever hypothesis draws.
@example(value="::error::forged\n##[warning]old\r::stop-commands::x")
@example(value="\ufffe\uffff\x00\x0b]]><x/>")
@example(value="\u202eevil\u202c\x1b[2J\x85\u2028")
@example(value="<script>x</script> [x](http://evil.com) ![](http://evil.com/t.png) <http://e.com>")
@example(value="www.evil.com | a || `b`` \\ # h")
def test_every_output_format_contains_hostile_values(folder: Path, value: str) -> None:
    assessment = inject(folder, value)
    assume(assessment is not None)
    assert assessment is not None
    rendered = outputs(assessment)
    shown = visible(value)

    # GitHub: only govern's own commands, the report fenced, the value recoverable.
    assert_github_safe(rendered["github"], value)

    # JUnit: well-formed XML 1.0 for a real parser, and encodable as the UTF-8 it declares.
    root = ET.fromstring(rendered["junit"].encode("utf-8"))
    assert root.tag == "testsuites"
    assert any(case.get("name", "").startswith("HOSTILE-1") for case in root.iter("testcase"))

    # JSON and SARIF: valid JSON that keeps the value exactly (machines compare it).
    data = json.loads(rendered["json"])
    assert data["system"]["name"] == value
    sarif = json.loads(rendered["sarif"])
    assert {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]} >= {"HOSTILE-1-PROVIDER"}
    for rule in sarif["runs"][0]["tool"]["driver"]["rules"]:
        assert_markdown_safe(rule["help"]["markdown"])

    # Markdown: nothing live, tables intact, the headings are govern's and show the name.
    tokens = assert_markdown_safe(rendered["markdown"])
    headings = _headings(tokens)
    version, verdict = assessment.system.version, assessment.summary.verdict.upper()
    assert headings[0] == f"govern: {shown} {version}: {verdict}"
    assert all(h.startswith(("govern: ", "Blocking", "Not blocking", "Waived")) for h in headings)

    # Terminal: no control, bidi or line-breaking character but govern's own colours.
    text = rendered["text"]
    assert not _displayed_raw(click.unstyle(text).replace("\n", ""))
    assert click.unstyle(text).startswith(f"{shown} {assessment.system.version} (")


@settings(max_examples=200, deadline=None)
@given(value=st.text() | hostile)
def test_md_text_renders_back_to_the_text_and_nothing_else(value: str) -> None:
    shown = visible(value)
    for markdown, where in (
        (md_text(value), "paragraph"),
        (f"> x {md_text(value)}", "blockquote"),
        (f"| h | i |\n|---|---|\n| {md_text(value)} | {md_code(value, in_table=True)} |", "table"),
        (f"## govern: {md_text(value)}", "heading"),
    ):
        tokens = assert_markdown_safe(markdown)
        inline = [t for t in tokens if t.type == "inline"]
        if where == "paragraph":
            assert [t.type for t in tokens] == (
                ["paragraph_open", "inline", "paragraph_close"] if shown else []
            )
            assert (_text(inline[0]) if inline else "").rstrip() == shown.rstrip()
        elif where == "table":
            cell, code = _text(inline[-2]), _text(inline[-1])
            assert cell.strip() == shown.strip()
            assert code.strip() == shown.strip()
        else:
            assert _text(inline[-1]).rstrip().endswith(shown.rstrip())
        assert sum(t.type == "heading_open" for t in tokens) == (where == "heading")


@settings(max_examples=200, deadline=None)
@given(value=st.text() | hostile)
def test_md_code_cannot_be_closed_early(value: str) -> None:
    tokens = assert_markdown_safe(f"see {md_code(value)} here")
    code = [t for t in _tokens(tokens) if t.type == "code_inline"]
    if visible(value):
        assert len(code) == 1
        assert code[0].content.strip(" ") == visible(value).strip(" ")


def test_the_parser_would_have_linked_unescaped_text() -> None:
    """The control: the Markdown reader used above does see links, images, HTML and autolinks."""
    for raw, kind in (
        ("[x](http://evil.example)", "link_open"),
        ("![](http://evil.example/t.png)", "image"),
        ("<b>x</b>", "html_inline"),
        ("<http://evil.example>", "link_open"),
        ("see www.evil.com now", "link_open"),
        ("mail mallory@evil.com", "link_open"),
        ("see https://evil.example/x now", "link_open"),
    ):
        assert kind in {t.type for t in _tokens(gfm().parse(raw))}, raw
        assert kind not in {t.type for t in _tokens(gfm().parse(md_text(raw)))}, raw


@settings(max_examples=60, deadline=None)
@given(value=hostile)
def test_history_and_diff_markdown_escape_ledger_values(value: str) -> None:
    side = Side(value, value, value, "pass", AS_OF, 1, None)
    change = RuleChange("R-1", value, "high", None, "fail", True, value)
    waiver = WaiverExpiry(value, AS_OF, value, value)
    diff = Diff(
        before=side,
        after=Side(value, value, value, "fail", AS_OF, 2, None),
        tolerance=0.02,
        new_failures=[change],
        expired_waivers=[waiver],
        notes=[value],
        fairness_note=value,
    )
    for markdown in (diff_markdown(diff), history_markdown(value, "db", [])):
        tokens = assert_markdown_safe(markdown)
        assert all(h.startswith("govern ") or h[:1].isupper() for h in _headings(tokens))
        assert _headings(tokens)[0].startswith(("govern diff:", "govern history:"))
    assert not _displayed_raw(diff_text(diff).replace("\n", ""))


# -- HTML/PDF report -----------------------------------------------------------------------------


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.attrs: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs += [v for _, v in attrs if v]


def test_bidi_controls_in_the_html_report_are_shown_not_obeyed(
    folder: Path, tmp_path: Path
) -> None:
    from govern.cli.report import _assess
    from govern.engine.evaluate import EngineOptions
    from govern.report.build import Outputs, render_report
    from govern.report.html import TemplateSet

    name = "Invoice \u202eexe.txt\u202c checker \u2067x\u2069\x1b[2J"
    root = copy_example("support-chatbot", tmp_path / "chatbot")
    edit(root / "govern.yaml", "name: Ask Lumen support chatbot", f"name: {_yaml(name)}")
    assessment, _ = _assess(root, EngineOptions(as_of=AS_OF), [])
    html = render_report(
        assessment, TemplateSet.load(), Outputs(html=tmp_path / "r.html")
    ).html.html
    parser = _Text()
    parser.feed(html)
    shown = "".join(parser.text + parser.attrs)
    assert not [c for c in shown if c in BIDI_CONTROLS or c == "\x1b"]
    assert "Invoice <U+202E>exe.txt<U+202C> checker <U+2067>x<U+2069><U+001B>[2J" in shown


# -- through the CLI, as a CI job runs it ---------------------------------------------------------

NAME = "::error title=x::forged\n##[warning]old \u202eevil\u202c \x1b[2J [x](http://evil.com) <b>"


def test_check_writes_every_output_escaped(
    run_cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_example("support-chatbot", tmp_path / "chatbot")
    assert inject(root, NAME) is not None
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = tmp_path / "out"
    result = run_cli(
        "check", root, "--as-of", AS_OF.isoformat(), "-o", "github",
        "-o", f"junit={out / 'junit.xml'}", "-o", f"markdown={out / 'summary.md'}",
        "-o", f"sarif={out / 'govern.sarif'}",
    )  # fmt: skip
    assert result.code == 1, result.err
    assert_github_safe(result.out, NAME)
    ET.parse(out / "junit.xml")
    json.loads((out / "govern.sarif").read_text(encoding="utf-8"))
    for markdown in (summary.read_text(encoding="utf-8"), (out / "summary.md").read_text("utf-8")):
        tokens = assert_markdown_safe(markdown)
        assert _headings(tokens)[0].startswith(f"govern: {visible(NAME)} ")

    text = run_cli("check", root, "--as-of", AS_OF.isoformat(), "-o", "text")
    assert text.code == 1 and not _displayed_raw(click.unstyle(text.out).replace("\n", ""))
    for command in (("waivers", "list", root), ("classify", root)):
        listed = run_cli(*command)
        assert listed.code == 0, listed.err
        assert not _displayed_raw(click.unstyle(listed.out).replace("\n", ""))


# -- the display rule itself ---------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(value=st.text(alphabet=st.characters(codec=None)) | hostile)
def test_visible_shows_every_acting_character_and_keeps_the_rest(value: str) -> None:
    shown = visible(value)
    assert not _displayed_raw(shown)
    assert visible(shown) == shown  # applying it twice (text inside github, say) changes nothing
    shown.encode("utf-8")  # lone surrogates too: every output can write the result
    # Nothing else changes: removing the <U+XXXX> forms leaves the value without those characters.
    kept = re.sub(r"<U\+[0-9A-F]{4,6}>", "", shown)
    assert kept == "".join(c for c in re.sub(r"<U\+[0-9A-F]{4,6}>", "", value) if not _acts(c))


def _acts(char: str) -> bool:
    return bool(_displayed_raw(char)) or char in "\u2028\u2029"
