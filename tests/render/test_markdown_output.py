"""Markdown summary: verdict, counts per framework, then what to fix and where."""

from __future__ import annotations

from govern.engine.assessment import STATUSES, Assessment
from govern.render.markdown import render
from govern.render.markdown_escape import md_text


def test_failing_summary_lists_blocking_rules_first(chatbot: Assessment) -> None:
    out = render(chatbot, base_path="examples/support-chatbot")
    assert out.startswith("## govern: Ask Lumen support chatbot 1\\.4\\.0: **FAIL**")
    for framework in chatbot.summary.frameworks:
        counts = " | ".join(str(framework.counts[s]) for s in STATUSES)
        assert f"| {md_text(framework.title)} | {framework.rules} | {counts} |" in out
    blocking = out.index("### Blocking")
    other = out.index("### Not blocking")
    for rule in chatbot.summary.gating:
        assert blocking < out.index(f"`{rule}`", blocking) < other
    assert "`examples/support-chatbot/docs/model_card.yaml:" in out
    rest = sum(1 for r in chatbot.results if r.status in ("pass", "not_applicable"))
    assert f"<details><summary>{rest} rule(s) passed or do not apply</summary>" in out


def test_passing_summary(credit: Assessment) -> None:
    out = render(credit)
    assert "**PASS**" in out and "### Blocking" not in out
    assert "No blocking rule at or above high fails." in out


def test_waivers_are_listed(waived_chatbot: Assessment) -> None:
    out = render(waived_chatbot)
    assert "### Waived" in out
    assert "| `EUAIA-50-AI-DISCLOSURE` | 2026-12-15 | Head of Digital Channels |" in out


def test_cells_cannot_break_the_table() -> None:
    assert md_text("a | b\nc <script>") == r"a \| b\<U+000A\>c \<script\>"
