"""`govern card lint` output: the gaps a model card or dataset record has, for people and tools."""

from __future__ import annotations

import json

from govern.engine.card_gaps import Completeness, LintReport
from govern.reference import FRAMEWORK_TITLES


def completeness_lines(rows: tuple[Completeness, ...], tier: str | None = None) -> list[str]:
    """The completeness table: one line per framework and tier, the linted tier marked."""
    if not rows:
        return []
    width = max(len(FRAMEWORK_TITLES[r.framework]) for r in rows)
    lines = ["completeness (required fields filled, not placeholders):"]
    for row in rows:
        if row.share is None:
            figure = "   -   no required field applies"
        else:
            figure = f"{row.share:6.0%}  {row.filled}/{row.required} fields"
        mark = "  <- this tier" if row.tier == tier else ""
        lines.append(f"  {FRAMEWORK_TITLES[row.framework]:<{width}}  {row.tier:<8}{figure}{mark}")
    return lines


def render_text(report: LintReport) -> str:
    from govern.render.display import visible_values

    report = visible_values(report)  # card values reach the terminal shown, never obeyed
    lines = [
        f"{report.target}: profile {', '.join(report.profile)}; "
        f"frameworks {', '.join(FRAMEWORK_TITLES[f] for f in report.frameworks)}"
    ]
    current: tuple[str, bool] | None = None
    for gap in report.gaps:
        if current != (gap.field, gap.blocking):
            current = (gap.field, gap.blocking)
            label = "BLOCKING" if gap.blocking else "advisory"
            lines.append(f"{label} {gap.field} - {gap.title}")
            served = " | ".join(
                f"{FRAMEWORK_TITLES[fw]} {', '.join(ids)}" for fw, ids in gap.provisions.items()
            )
            lines.append(f"  serves: {served}")
        weak = " (weak)" if gap.kind == "weak" else ""
        lines.append(f"  {gap.where()}: {gap.path}: {gap.found}{weak}; expected {gap.expected}")
    blocking, advisory = len(report.blocking), len(report.advisory)
    if not report.gaps:
        lines.append("no gaps: every required and recommended field is present")
    tier = next((t for t in report.profile if t in ("high", "limited", "minimal")), None)
    lines.extend(completeness_lines(report.completeness, tier))
    lines.append(
        f"{blocking} blocking gap{'s' if blocking != 1 else ''}, "
        f"{advisory} advisory gap{'s' if advisory != 1 else ''}"
    )
    if report.unchecked:
        lines.append(
            "not checkable from files (attest them or show them otherwise): "
            + ", ".join(report.unchecked)
        )
    return "\n".join(lines) + "\n"


def render_json(report: LintReport) -> str:

    payload = {
        "target": report.target,
        "profile": list(report.profile),
        "frameworks": list(report.frameworks),
        "blocking": len(report.blocking),
        "advisory": len(report.advisory),
        "gaps": [
            {
                "field": g.field,
                "title": g.title,
                "blocking": g.blocking,
                "kind": g.kind,
                "path": g.path,
                "file": g.file,
                "line": g.line,
                "column": g.column,
                "expected": g.expected,
                "found": g.found,
                "provisions": {fw: list(ids) for fw, ids in g.provisions.items()},
            }
            for g in report.gaps
        ],
        "unchecked": list(report.unchecked),
        "completeness": [
            {
                "framework": c.framework,
                "tier": c.tier,
                "filled": c.filled,
                "required": c.required,
                "share": None if c.share is None else round(c.share, 4),
                "missing": list(c.missing),
            }
            for c in report.completeness
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
