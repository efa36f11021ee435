"""The assessment as GitHub-flavoured Markdown, for job summaries and pull-request comments."""

from __future__ import annotations

from govern.engine.assessment import STATUSES, Assessment, RuleResult
from govern.engine.law import law_line
from govern.policy.model import SEVERITY_RANK
from govern.render.interface import FunctionRenderer
from govern.render.locations import line_of, located_findings, repo_path
from govern.render.markdown_escape import md_code, md_text
from govern.render.text import NAMED_IDS

_LABEL = {
    "fail": "FAIL",
    "error": "ERROR",
    "insufficient_evidence": "INSUFFICIENT EVIDENCE",
    "needs_attestation": "NEEDS ATTESTATION",
    "waived": "WAIVED",
    "pass": "PASS",
    "not_applicable": "N/A",
}
_HEADER = {
    "fail": "Fail",
    "error": "Error",
    "insufficient_evidence": "Insufficient evidence",
    "needs_attestation": "Needs attestation",
    "waived": "Waived",
    "pass": "Pass",
    "not_applicable": "N/A",
}


def render(assessment: Assessment, *, base_path: str = "") -> str:
    """A summary a reviewer reads in one screen: verdict, counts, then what to fix and where."""
    system = assessment.system
    summary = assessment.summary
    options = assessment.options
    lines = [
        f"## govern: {md_text(system.name)} {md_text(system.version)}: "
        f"**{summary.verdict.upper()}**",
        "",
        f"{_verdict(assessment)}  ",
        f"EU AI Act tier: {assessment.classification.label} · as of {options.as_of} · "
        f"fail on {options.fail_on} · govern {assessment.tool.version}  ",
        md_text(law_line(options.calendar, options.legal_text)),
        "",
    ]
    for warning in assessment.warnings:
        lines.append(f"> **Warning:** {md_text(warning)}")
    if assessment.warnings:
        lines.append("")

    lines += [
        "| Framework | Rules | " + " | ".join(_HEADER[s] for s in STATUSES) + " |",
        "|---|---:|" + "---:|" * len(STATUSES),
    ]
    for framework in summary.frameworks:
        counts = " | ".join(str(framework.counts.get(s, 0)) for s in STATUSES)
        lines.append(f"| {md_text(framework.title)} | {framework.rules} | {counts} |")
    lines.append("")

    order = {status: i for i, status in enumerate(STATUSES)}
    ranked = sorted(
        assessment.results,
        key=lambda r: (not r.gating, order[r.status], -SEVERITY_RANK[r.severity], r.rule_id),
    )
    gating = [r for r in ranked if r.gating]
    other = [
        r
        for r in ranked
        if not r.gating
        and r.status in ("fail", "error", "insufficient_evidence", "needs_attestation")
    ]
    if gating:
        lines += _problems("Blocking: these fail the run", gating, assessment, base_path)
    if other:
        lines += _problems("Not blocking", other, assessment, base_path)
    waived = [r for r in ranked if r.status == "waived"]
    if waived:
        lines += ["### Waived", "", "| Rule | Until | Approved by | Reason |", "|---|---|---|---|"]
        for result in waived:
            waiver = result.waiver
            lines.append(
                f"| {md_code(result.rule_id, in_table=True)} | "
                f"{waiver.expires if waiver else ''} | "
                f"{md_text(waiver.approved_by or '') if waiver else ''} | "
                f"{md_text(waiver.reason or '') if waiver else ''} |"
            )
        lines.append("")
    rest = [r for r in ranked if r.status in ("pass", "not_applicable")]
    if rest:
        lines += [
            f"<details><summary>{len(rest)} rule(s) passed or do not apply</summary>",
            "",
            "| Status | Rule | Title | Why |",
            "|---|---|---|---|",
        ]
        for result in rest:
            lines.append(
                f"| {_LABEL[result.status]} | {md_code(result.rule_id, in_table=True)} | "
                f"{md_text(result.title)} | {md_text(result.message)} |"
            )
        lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _problems(
    heading: str, results: list[RuleResult], assessment: Assessment, base_path: str
) -> list[str]:
    lines = [
        f"### {heading}",
        "",
        "| Status | Rule | Severity | Title | Where | Found | Fix |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        location, finding = located_findings(assessment, result)[0]
        where = md_code(f"{repo_path(location.file, base_path)}:{line_of(location)}", in_table=True)
        found = f"{finding.found} ({finding.location.field})" if finding else result.message
        more = len(result.findings) - 1
        if more > 0:
            found += f" (+{more} more)"
        lines.append(
            f"| {_LABEL[result.status]} | {md_code(result.rule_id, in_table=True)} | "
            f"{result.severity} | {md_text(result.title)} | {where} | {md_text(found)} | "
            f"{md_text(result.remediation)} |"
        )
    lines.append("")
    return lines


def _verdict(assessment: Assessment) -> str:
    summary = assessment.summary
    fail_on = assessment.options.fail_on
    if summary.verdict == "pass":
        return f"No blocking rule at or above {fail_on} fails."
    # A handful of ids, then how many more: the table below lists every one.
    refs = ", ".join(md_code(rule) for rule in summary.gating[:NAMED_IDS])
    if len(summary.gating) > NAMED_IDS:
        refs += f" and {len(summary.gating) - NAMED_IDS} more"
    return f"{len(summary.gating)} blocking rule(s) at or above {fail_on} fail: {refs}."


RENDERER = FunctionRenderer(
    "markdown",
    "text/markdown",
    lambda assessment, options: render(assessment, base_path=options.base_path),
)
