"""The assessment for people at a terminal: by framework, failures first, each with its fix."""

from __future__ import annotations

from collections import Counter

from govern.engine.assessment import STATUSES, Assessment, Options, RuleResult
from govern.engine.law import applied_basis, law_line
from govern.policy.model import SEVERITY_RANK
from govern.reference import FRAMEWORK_TITLES
from govern.render.display import visible_values
from govern.render.interface import FunctionRenderer
from govern.render.style import style

_LABEL = {
    "fail": ("FAIL", "red"),
    "error": ("ERROR", "magenta"),
    "insufficient_evidence": ("INSUFFICIENT EVIDENCE", "magenta"),
    "needs_attestation": ("NEEDS ATTESTATION", "yellow"),
    "waived": ("WAIVED", "cyan"),
    "pass": ("PASS", "green"),
    "not_applicable": ("N/A", "bright_black"),
}
_DETAILED = {"fail", "error", "insufficient_evidence", "needs_attestation", "waived"}
# Without --verbose a framework shows this many results in full and names the rest by id, so a
# fresh scaffold with a hundred failures still fits a screen or two.
DETAIL_LIMIT = 10
NAMED_IDS = 5


def _detailed(result: RuleResult) -> bool:
    return result.status in _DETAILED or bool(result.notes)


def render(assessment: Assessment, verbose: bool = False, baselined: tuple[str, ...] = ()) -> str:
    """The report; evidence and pack text shows with control and bidi characters made visible.

    Without that, an ANSI escape or a carriage return in a model card would repaint the terminal,
    and a line break would let a value print lines that look like govern's own. `baselined`:
    blocking rules whose failures a baseline hid.
    """
    assessment = visible_values(assessment)
    lines: list[str] = []
    system = assessment.system
    cls = assessment.classification
    lines.append(
        style(f"{system.name} {system.version}", bold=True)
        + f" ({system.id}) · govern {assessment.tool.version} · as of "
        f"{assessment.options.as_of}"
    )
    tier = cls.label + (f", Annex III {cls.annex_iii}" if cls.high_risk and cls.annex_iii else "")
    flags = [f for f, on in (("GPAI", cls.gpai), ("systemic risk", cls.gpai_systemic_risk)) if on]
    lines.append(
        f"EU AI Act tier: {tier}"
        + (f" · {', '.join(flags)}" if flags else "")
        + f" · role: {cls.role}"
    )
    lines.append(law_line(assessment.options.calendar, assessment.options.legal_text))
    for warning in assessment.warnings:
        lines.append(style(f"warning: {warning}", fg="yellow"))

    order = {status: i for i, status in enumerate(STATUSES)}
    truncated = False
    for framework in assessment.summary.frameworks:
        group = [r for r in assessment.results if (r.framework or r.pack) == framework.framework]
        group.sort(key=lambda r: (order[r.status], -SEVERITY_RANK[r.severity], r.rule_id))
        counts = _counts_text(framework.counts, group)
        cov = framework.coverage
        if cov is not None:
            counts += (
                f"; the packs cover {cov.covered_percent:.0f}% of its {cov.obligations} "
                f"obligations, {cov.automated_percent:.0f}% automated"
            )
        lines.append("")
        lines.append(
            style(f"{framework.title}", bold=True) + f": {framework.rules} rules ({counts})"
        )
        shown = [r for r in group if verbose or _detailed(r)]
        in_full = shown if verbose else shown[:DETAIL_LIMIT]
        for result in in_full:
            lines.extend(_result_lines(result, verbose, assessment.options))
        if len(in_full) < len(shown):
            truncated = True
            lines.extend(_named_rest(shown[len(in_full) :]))
        hidden = len(group) - len(shown)
        if hidden:
            lines.append(
                style(
                    f"  {hidden} passed or not applicable (--verbose lists them)", fg="bright_black"
                )
            )

    lines.append("")
    if truncated:
        lines.append(
            f"Each framework shows its first {DETAIL_LIMIT} results in full; rerun the same "
            "command with -v to list every result with its findings and fix."
        )
    lines.append(_verdict(assessment, baselined))
    return "\n".join(lines) + "\n"


def _counts_text(counts: dict[str, int], group: list[RuleResult]) -> str:
    """Counts by status, with passes that rest on an attestation apart, as the report shows them."""
    attested = sum(1 for r in group if r.status == "pass" and not r.automated)
    shown = {**counts, "pass": counts.get("pass", 0) - attested}
    parts = [f"{n} {s.replace('_', ' ')}" for s, n in shown.items() if n]
    if attested:
        levels = Counter(
            a.assurance or "recorded"
            for r in group
            if r.status == "pass" and not r.automated
            for a in r.attestations[:1]
        )
        how = ", ".join(f"{levels[k]} {k}" for k in ("signed", "recorded") if levels[k])
        parts.insert(1 if shown["pass"] else 0, f"{attested} attested ({how})")
    return ", ".join(parts)


def _named_rest(results: list[RuleResult]) -> list[str]:
    """One line per status and severity for results not shown in full, naming a few ids."""
    lines = []
    groups: dict[tuple[str, str], list[str]] = {}
    for result in results:
        groups.setdefault((result.status, result.severity), []).append(result.rule_id)
    for (status, severity), ids in groups.items():
        label, colour = _LABEL[status]
        lines.append(
            f"  … {len(ids)} more {style(label, fg=colour, bold=True)} [{severity}]: "
            + name_some(ids)
        )
    return lines


def name_some(ids: list[str], limit: int = NAMED_IDS) -> str:
    """At most `limit` ids, then how many more: a summary line stays one line."""
    if len(ids) <= limit:
        return ", ".join(ids)
    return f"{', '.join(ids[:limit])} and {len(ids) - limit} more"


def blocks_now(result: RuleResult, options: Options) -> bool:
    """The rule would fail this run if it failed: blocking, and at or above --fail-on."""
    return result.blocking and SEVERITY_RANK[result.severity] >= SEVERITY_RANK[options.fail_on]


def _result_lines(result: RuleResult, verbose: bool, options: Options) -> list[str]:
    label, colour = _LABEL[result.status]
    severity = f"{result.severity}{', blocking' if blocks_now(result, options) else ''}"
    head = f"  {style(label, fg=colour, bold=True)}  {result.rule_id} [{severity}]  {result.title}"
    lines = [head]
    indent = "        "
    refs = " · ".join(
        f"{FRAMEWORK_TITLES.get(k, k)} {', '.join(v)}" for k, v in result.refs.items()
    )
    lines.append(f"{indent}refs      {refs}")
    if result.effective is not None and not result.effective.in_force:
        eff = result.effective
        lines.append(f"{indent}applies   from {eff.applies_from} ({applied_basis(eff)})")
    if result.status in ("pass", "not_applicable", "waived"):
        lines.append(
            f"{indent}{'why' if result.status == 'not_applicable' else 'result'}"
            f"{' ' * (6 if result.status == 'not_applicable' else 3)} {result.message}"
        )
    if verbose and result.status == "pass" and result.expected:
        lines.append(f"{indent}expected  {result.expected}")
        for seen in result.observations:
            where = f"{seen.location.file}:{seen.location.line}:{seen.location.column}"
            lines.append(f"{indent}found     {seen.found}  at {where} ({seen.location.field})")
        if not result.observations:
            lines.append(f"{indent}found     {result.found}")
    for finding in result.findings[: None if verbose else 5]:
        where = f"{finding.location.file}:{finding.location.line}:{finding.location.column}"
        lines.append(f"{indent}expected  {finding.expected}")
        lines.append(f"{indent}found     {finding.found}  at {where} ({finding.location.field})")
    for note in result.notes:
        where = f"{note.location.file}:{note.location.line}:{note.location.column}"
        lines.append(
            style(
                f"{indent}warning   {note.found}  at {where} ({note.location.field})", fg="yellow"
            )
        )
    if not verbose and len(result.findings) > 5:
        lines.append(f"{indent}          … {len(result.findings) - 5} more (--verbose)")
    if (
        result.waiver is not None
        and result.status != "waived"
        and result.waiver.state in ("expired", "malformed")
    ):
        problem = result.waiver.problem or f"expired on {result.waiver.expires}"
        lines.append(
            f"{indent}waiver    ignored ({result.waiver.state}): {problem} "
            f"(govern.yaml:{result.waiver.manifest_line})"
        )
    for tightening in result.tightened:
        lines.append(
            f"{indent}tightened {tightening.what} {tightening.before} -> "
            f"{tightening.after} by pack {tightening.pack}"
        )
    if result.status in ("fail", "error", "insufficient_evidence", "needs_attestation"):
        lines.append(f"{indent}fix       {result.remediation}")
        if not result.gating:
            lines.append(
                f"{indent}gate      does not fail the run: {_why_not_gating(result, options)}"
            )
    return lines


def _why_not_gating(result: RuleResult, options: Options) -> str:
    if not result.blocking:
        return "the rule is not blocking"
    if result.status == "needs_attestation" and options.allow_unattested:
        return "--allow-unattested"
    if SEVERITY_RANK[result.severity] < SEVERITY_RANK[options.fail_on]:
        return f"severity {result.severity} is below --fail-on {options.fail_on}"
    return "not yet in force (--only-in-force)"


def _verdict(assessment: Assessment, baselined: tuple[str, ...] = ()) -> str:
    summary = assessment.summary
    options = assessment.options
    new = "new " if baselined else ""
    if summary.verdict == "pass":
        text = style("PASS", fg="green", bold=True)
        detail = f"no {new}blocking rule at or above {options.fail_on} fails"
    else:
        text = style("FAIL", fg="red", bold=True)
        detail = (
            f"{len(summary.gating)} {new}blocking rule(s) at or above {options.fail_on}: "
            + name_some(summary.gating)
        )
    notes = []
    if baselined:
        notes.append(
            f"{len(baselined)} known blocking rule(s) still fail but are in the baseline: "
            + name_some(list(baselined))
        )
    if summary.not_in_force_failures:
        verb = "not blocking (--only-in-force)" if options.only_in_force else "still blocking"
        notes.append(
            f"{len(summary.not_in_force_failures)} failing rule(s) not yet in force, {verb}"
        )
    unattested = summary.counts.get("needs_attestation", 0)
    if unattested:
        controls = sorted(
            {
                a.control
                for r in assessment.results
                if r.status == "needs_attestation"
                for a in r.attestations
                if a.problem
            }
        )
        notes.append(
            f"{unattested} rule(s) need an attestation of {len(controls)} control(s): "
            + name_some(controls)
        )
    suffix = f" ({'; '.join(notes)})" if notes else ""
    return f"Verdict: {text}: {detail}{suffix}"


RENDERER = FunctionRenderer(
    "text",
    "text/plain",
    lambda assessment, options: render(assessment, options.verbose, options.baselined),
)
