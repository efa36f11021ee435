"""Evidence paths and remediation text as a reader of the report sees them, never raw syntax."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[[^\]]*\])*)")
_INDEX = re.compile(r"\[([^\]]*)\]")
_ROOTS = {
    "model_card": "model card",
    "datasets": "dataset record",
    "fairness": "fairness report",
    "attestations": "attestation",
    "incidents": "incident record",
    "post_market": "post-market monitoring plan",
    "fria": "fundamental-rights impact assessment",
    "gpai": "GPAI document",
    "evaluations": "evaluation report",
    "red_team": "red-team result",
    "system": "system",
    "classification": "classification",
    "features": "feature",
    "groups": "group",
}


def readable_field(field: str, labels: Mapping[str, str] | None = None) -> str:
    """`fairness[0].features[1].disparities.equalized_odds_difference` read aloud.

    Each `name[N]` becomes the label the evidence gives that entry (a feature's name, a
    dataset's id), found in `labels` under its index path, else "name N+1" counting from one;
    underscores become spaces: `fairness report > sex > disparities > equalized odds difference`.
    """
    labels = labels or {}
    parts: list[str] = []
    prefix = ""
    for match in _SEGMENT.finditer(field):
        name, indexes = match.group(1), match.group(2)
        prefix = f"{prefix}.{name}" if prefix else name
        word = _ROOTS.get(name, name.replace("_", " "))
        if not indexes:
            parts.append(word)
            continue
        for index in _INDEX.findall(indexes):
            prefix += f"[{index}]"
            if prefix in labels:
                parts.append(labels[prefix])
            elif index == "*":
                parts.append(f"each {word}")
            elif index.isdigit():
                parts.append(f"{word} {int(index) + 1}")
            else:
                parts.append(f"{word} {index}".replace("_", " "))
    return " > ".join(parts) if parts else field


def field_labels(fairness_sources: Any) -> dict[str, str]:
    """Names for index paths into fairness reports: the report's file, each feature's name."""
    labels: dict[str, str] = {}
    sources = list(fairness_sources)
    for i, source in enumerate(sources):
        labels[f"fairness[{i}]"] = (
            "fairness report" if len(sources) == 1 else f"fairness report {source.path}"
        )
        for j, feature in enumerate(source.report.features):
            labels[f"fairness[{i}].features[{j}]"] = feature.name
    return labels


def remediation_html(text: str) -> Markup:
    """Inline Markdown (code, emphasis, links) as safe HTML: raw HTML in the text stays text.

    Links are shown as their text and address, never as live links: a report is evidence, and
    nothing in it should send a reader somewhere a pack author chose.
    """
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False}).disable(["image"])
    parser.add_render_rule("link_open", _render_nothing)
    parser.add_render_rule("link_close", _link_close)
    html = parser.renderInline(text)
    return Markup(html)  # noqa: S704 - markdown-it escapes every text token, html is disabled


def _render_nothing(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    return ""


def _link_close(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    """After a link's text, its address in parentheses, as text."""
    depth = 0
    for token in reversed(tokens[:idx]):
        if token.type == "link_close":
            depth += 1
        elif token.type == "link_open":
            if depth == 0:
                href = token.attrGet("href") or ""
                return f" ({escape(href)})" if href else ""
            depth -= 1
    return ""
