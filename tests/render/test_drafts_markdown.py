"""Hostile evidence text in an Annex IV or V draft stays text, in Markdown and in the PDF's HTML."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from govern.engine.technical_docs import Draft, Missing, Point, Quote, Section, Source
from govern.render.drafts import render_markdown
from tests.render.test_output_injection import PAYLOADS, assert_markdown_safe

HOSTILE = st.lists(st.sampled_from(PAYLOADS) | st.text(max_size=12), min_size=1, max_size=4).map(
    "".join
)
# The only elements the draft HTML is built from: anything else came from evidence.
OWN_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "span", "table",
    "tr", "th", "td", "code", "ul", "li",
}  # fmt: skip


def _draft(value: str, kind: str) -> Draft:
    point = Point(
        title=value,
        status="gap",
        provisions=("AnnexIV.1(a)",),
        rule_id=value,
        note=value,
        quotes=(Quote(value, value, value, 3, "0" * 64),),
        missing=(Missing(value, value, value, 4),),
    )
    return Draft(
        kind=kind,  # type: ignore[arg-type]
        title="Technical documentation (Annex IV)",
        system_name=value,
        system_id=value,
        system_version=value,
        tier=value,
        as_of=dt.date(2026, 12, 6),
        calendar="amended",
        verdict="fail",
        sections=(Section("1", value, value, (point,)),),
        sources=(Source(value, value, value),),
    )


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)


@settings(max_examples=60, deadline=None)
@given(value=HOSTILE, kind=st.sampled_from(["annex-iv", "declaration"]))
def test_evidence_text_never_becomes_markup(value: str, kind: str) -> None:
    from govern.report.drafts import render_html

    tokens = assert_markdown_safe(render_markdown(_draft(value, kind)))
    headings = [t for t in tokens if t.type == "heading_open"]
    # The title, the section, the point (Annex IV only) and the evidence files: no value added one.
    assert len(headings) == (4 if kind == "annex-iv" else 3)
    parser = _Tags()
    parser.feed(render_html(_draft(value, kind)).html)
    assert parser.tags <= OWN_TAGS, parser.tags - OWN_TAGS
