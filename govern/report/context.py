"""The Assessment turned into what the report templates show: grouped, ordered, labelled, charted.

Templates only lay things out; every decision about what a reader sees (order, labels, which
results need attention, which threshold a chart draws) is made here, in plain typed code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from govern.engine.assessment import (
    STATUSES,
    Assessment,
    AttestationInfo,
    Coverage,
    EvidenceRecord,
    Finding,
    Options,
    PackRecord,
    RuleResult,
    WaiverInfo,
)
from govern.engine.diff import Diff
from govern.engine.law import CALENDAR_NOTES, applied_basis, legal_text
from govern.evidence.fairness import FeatureReport, MetricValue, Parameters
from govern.policy.model import SEVERITY_RANK
from govern.reference import ANNEX_III_POINTS, FRAMEWORK_TITLES
from govern.report import charts
from govern.report import fairness as fairness_numbers
from govern.report.audit import (
    AuditView,
    assurance,
    audit_view,
    change_lines,
    management_assertion,
    procedure,
)
from govern.report.fairness import FairnessGate, FairnessSource
from govern.report.wording import field_labels

STATUS_LABELS = {
    "pass": "Pass",
    "attested": "Attested",
    "fail": "Fail",
    "error": "Error",
    "insufficient_evidence": "Insufficient evidence",
    "needs_attestation": "Needs attestation",
    "waived": "Waived",
    "not_applicable": "Not applicable",
    "warn": "Warning",
}
STATUS_COLOURS = {
    "pass": "#067647",
    "attested": "#2e90fa",
    "fail": "#b42318",
    "error": "#9e165f",
    "insufficient_evidence": "#93370d",
    "needs_attestation": "#dc6803",
    "waived": "#6941c6",
    "not_applicable": "#98a2b3",
}
METRIC_LABELS = {
    "selection_rate": "Selection rate",
    "accuracy": "Accuracy",
    "true_positive_rate": "True positive rate",
    "false_positive_rate": "False positive rate",
    "false_negative_rate": "False negative rate",
    "true_negative_rate": "True negative rate",
    "precision": "Precision",
    "recall": "Recall",
    "roc_auc": "ROC AUC",
    "demographic_parity_difference": "Demographic parity difference",
    "demographic_parity_ratio": "Demographic parity ratio",
    "equalized_odds_difference": "Equalized odds difference",
    "equalized_odds_ratio": "Equalized odds ratio",
    "equal_opportunity_difference": "Equal opportunity difference",
    "equal_opportunity_ratio": "Equal opportunity ratio",
}
# Which gated disparity each per-group chart can show, and how its threshold maps onto group rates.
CHARTED_RATES = ("selection_rate", "true_positive_rate", "false_positive_rate")
_RATE_GATES = {
    "selection_rate": ("demographic_parity_ratio", "demographic_parity_difference"),
    "true_positive_rate": (
        "equalized_odds_difference",
        "equal_opportunity_difference",
        "equalized_odds_ratio",
    ),
    "false_positive_rate": ("equalized_odds_difference", "equalized_odds_ratio"),
}
_ATTENTION = ("fail", "error", "insufficient_evidence", "needs_attestation", "waived")
DASH = "\u2013"
ELLIPSIS = "\u2026"
RUNNING_TITLE_CHARS = 80
COVER_TITLE_CHARS = 100
TIMES = "\u00d7"


@dataclass(frozen=True)
class Signer:
    keyid: str
    certificate_subject: str | None = None
    algorithm: str = "ECDSA P-256"  # or "Ed25519": named on the "how to verify" page


@dataclass(frozen=True)
class ReportFiles:
    """Names of the files a signed report consists of, for the "how to verify" page."""

    pdf: str | None = None
    html: str | None = None
    json: str | None = None
    envelope: str | None = None


@dataclass(frozen=True)
class FrameworkRow:
    framework: str
    title: str
    rules: int
    applicable: int
    passed: int
    attested: int
    failed: int
    errors: int
    waived: int
    needs_attestation: int
    not_applicable: int
    coverage: Coverage | None
    insufficient: int
    bar: Markup


@dataclass(frozen=True)
class FindingView:
    """A finding with its place as FILE:LINE and the SHA-256 of that file when it is evidence."""

    finding: Finding
    where: str
    sha256: str | None


@dataclass(frozen=True)
class ResultView:
    result: RuleResult
    anchor: str
    status: str
    label: str
    refs: tuple[tuple[str, tuple[str, ...]], ...]
    own_refs: tuple[str, ...]
    reads: tuple[EvidenceRecord, ...]
    findings: tuple[FindingView, ...]
    notes: tuple[FindingView, ...]
    gate_note: str | None
    timing_note: str | None
    waiver_note: str | None
    procedure: str = ""
    assurance: str = ""


@dataclass(frozen=True)
class FrameworkSection:
    row: FrameworkRow
    attention: tuple[ResultView, ...]
    register: tuple[ResultView, ...]
    not_applicable: tuple[ResultView, ...]


@dataclass(frozen=True)
class ChartView:
    title: str
    caption: str
    svg: Markup


@dataclass(frozen=True)
class Cell:
    value: str
    interval: str = ""


@dataclass(frozen=True)
class GroupRow:
    label: str
    count: int
    small: bool
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class DisparityRow:
    metric: str
    between: str
    to_overall: str
    gate: str | None
    status: str | None
    label: str | None


@dataclass(frozen=True)
class FeatureView:
    name: str
    columns: str
    intersectional: bool
    metrics: tuple[str, ...]
    groups: tuple[GroupRow, ...]
    charts: tuple[ChartView, ...]
    disparities: tuple[DisparityRow, ...]


@dataclass(frozen=True)
class FairnessView:
    source: FairnessSource
    parameters: tuple[tuple[str, str], ...]
    overall: tuple[tuple[str, str], ...]
    features: tuple[FeatureView, ...]


@dataclass(frozen=True)
class AttestationView:
    info: AttestationInfo
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Totals:
    rules: int
    applicable: int
    passed: int
    attested: int
    failed: int
    errors: int
    waived: int
    needs_attestation: int
    not_applicable: int
    warnings: int
    insufficient: int = 0


@dataclass(frozen=True)
class ReportContext:
    assessment: Assessment
    title: str
    cover_title: str
    running_title: str
    as_of: str
    created: str
    verdict_label: str
    verdict_detail: str
    signer: Signer | None
    assessment_sha256: str
    attachment: str
    files: ReportFiles
    totals: Totals
    frameworks: tuple[FrameworkRow, ...]
    sections: tuple[FrameworkSection, ...]
    annex_iii_title: str | None
    fairness: tuple[FairnessView, ...]
    evidence: tuple[EvidenceRecord, ...]
    waivers: tuple[WaiverInfo, ...]
    attestations: tuple[AttestationView, ...]
    packs: tuple[PackRecord, ...]
    status_labels: dict[str, str]
    renderer: str
    # Severities whose blocking rules fail this run (--fail-on and above): "blocking" means that.
    blocking_severities: tuple[str, ...] = ()
    # Readable names for index paths such as fairness[0].features[1] (the feature's name).
    field_labels: Mapping[str, str] = field(default_factory=dict)
    # The legal text and calendar the dates come from, with the calendar's verification caveat.
    legal_text: str = ""
    calendar_note: str = ""
    # Scope, criteria, assertion, coverage, limitations and deployer duties (report/audit.py).
    audit: AuditView | None = None


def build_context(
    assessment: Assessment,
    assessment_sha256: str,
    attachment: str,
    files: ReportFiles,
    signer: Signer | None = None,
    renderer: str = "",
    since_approved: Diff | None = None,
) -> ReportContext:
    """Everything the templates need, from one Assessment (and, when the CLI was given a ledger,
    its comparison with the last approved run)."""
    rows = tuple(_framework_row(assessment, f.framework) for f in assessment.summary.frameworks)
    records = {r.path: r for r in (assessment.manifest, *assessment.evidence)}
    reads = {
        result.rule_id: tuple(records[r.path] for r in result.evidence_read if r.path in records)
        for result in assessment.results
    }
    sections = tuple(_section(assessment, row, records, reads) for row in rows)
    sources = fairness_numbers.sources(assessment)
    gates = fairness_numbers.gates(assessment)
    as_of = assessment.options.as_of
    verdict_label, verdict_detail = _verdict(assessment)
    return ReportContext(
        assessment=assessment,
        title=f"{assessment.system.name} {assessment.system.version}: automated conformity "
        "self-assessment",
        cover_title=shorten(assessment.system.name, COVER_TITLE_CHARS),
        running_title=running_title(assessment.system.name, assessment.system.version),
        as_of=as_of.isoformat(),
        created=dt.datetime.combine(as_of, dt.time(), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        verdict_label=verdict_label,
        verdict_detail=verdict_detail,
        signer=signer,
        assessment_sha256=assessment_sha256,
        attachment=attachment,
        files=files,
        totals=_totals(assessment.results),
        frameworks=rows,
        sections=sections,
        annex_iii_title=ANNEX_III_POINTS.get(assessment.classification.annex_iii or ""),
        fairness=tuple(_fairness_view(i, s, gates, assessment) for i, s in enumerate(sources)),
        evidence=(assessment.manifest, *assessment.evidence),
        waivers=tuple(assessment.waivers),
        attestations=_attestations(assessment.results),
        packs=tuple(assessment.packs),
        status_labels=STATUS_LABELS,
        renderer=renderer,
        blocking_severities=tuple(
            s
            for s, rank in SEVERITY_RANK.items()
            if rank >= SEVERITY_RANK[assessment.options.fail_on]
        ),
        field_labels=field_labels(sources),
        legal_text=assessment.options.legal_text or legal_text(assessment.options.calendar),
        calendar_note=CALENDAR_NOTES[assessment.options.calendar],
        audit=audit_view(
            assessment,
            management_assertion(assessment),
            change_lines(since_approved) if since_approved is not None else None,
        ),
    )


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in an ellipsis when it was cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


def running_title(name: str, version: str) -> str:
    """System and version for the header of every page: one short line, whatever the evidence.

    The version is kept whole when it is short, so that a long name never hides it.
    """
    version = shorten(version, RUNNING_TITLE_CHARS // 4)
    return f"{shorten(name, RUNNING_TITLE_CHARS - len(version) - 1)} {version}"


def display_status(result: RuleResult) -> str:
    """A pass that rests on an attestation is shown as "attested", never as an automated pass."""
    if result.status == "pass" and not result.automated:
        return "attested"
    return result.status


def _label(status: str, result: RuleResult) -> str:
    """An attested pass names its assurance, so a plain recorded entry never reads as signed."""
    if status == "attested" and result.attestations:
        return f"{STATUS_LABELS[status]} ({result.attestations[0].assurance or 'recorded'})"
    return STATUS_LABELS[status]


def _counts(results: Sequence[RuleResult]) -> dict[str, int]:
    counts = dict.fromkeys((*STATUSES, "attested"), 0)
    for result in results:
        counts[display_status(result)] += 1
    return counts


def _totals(results: Sequence[RuleResult]) -> Totals:
    c = _counts(results)
    return Totals(
        rules=len(results),
        applicable=len(results) - c["not_applicable"],
        passed=c["pass"],
        attested=c["attested"],
        failed=c["fail"],
        errors=c["error"],
        waived=c["waived"],
        needs_attestation=c["needs_attestation"],
        not_applicable=c["not_applicable"],
        warnings=sum(1 for r in results if r.notes),
        insufficient=c["insufficient_evidence"],
    )


def _framework_results(assessment: Assessment, framework: str) -> list[RuleResult]:
    return [r for r in assessment.results if (r.framework or r.pack) == framework]


def _framework_row(assessment: Assessment, framework: str) -> FrameworkRow:
    summary = next(f for f in assessment.summary.frameworks if f.framework == framework)
    results = _framework_results(assessment, framework)
    c = _counts(results)
    order = (
        "pass",
        "attested",
        "waived",
        "needs_attestation",
        "insufficient_evidence",
        "error",
        "fail",
        "not_applicable",
    )
    bar = charts.stacked_bar(
        [charts.Segment(STATUS_LABELS[s], c[s], STATUS_COLOURS[s]) for s in order],
        title=f"{summary.title}: results by status",
    )
    return FrameworkRow(
        framework=framework,
        title=summary.title,
        rules=summary.rules,
        applicable=summary.rules - c["not_applicable"],
        passed=c["pass"],
        attested=c["attested"],
        failed=c["fail"],
        errors=c["error"],
        waived=c["waived"],
        needs_attestation=c["needs_attestation"],
        not_applicable=c["not_applicable"],
        coverage=summary.coverage,
        insufficient=c["insufficient_evidence"],
        bar=Markup(bar),  # noqa: S704 - built by charts, which escapes every text it draws
    )


def _section(
    assessment: Assessment,
    row: FrameworkRow,
    records: Mapping[str, EvidenceRecord],
    reads: Mapping[str, tuple[EvidenceRecord, ...]],
) -> FrameworkSection:
    order = {status: i for i, status in enumerate(STATUSES)}
    results = sorted(
        _framework_results(assessment, row.framework),
        key=lambda r: (order[r.status], -SEVERITY_RANK[r.severity], r.rule_id),
    )
    views = [
        _result_view(r, row.framework, assessment.options, records, reads.get(r.rule_id, ()))
        for r in results
    ]
    attention = tuple(v for v in views if v.result.status in _ATTENTION or v.result.notes)
    register = tuple(v for v in views if v.result.status != "not_applicable")
    skipped = tuple(
        sorted(
            (v for v in views if v.result.status == "not_applicable"),
            key=lambda v: v.result.rule_id,
        )
    )
    return FrameworkSection(row, attention, register, skipped)


def _finding_view(finding: Finding, records: Mapping[str, EvidenceRecord]) -> FindingView:
    loc = finding.location
    where = f"{loc.file}:{loc.line}" if loc.line else loc.file
    record = records.get(loc.file)
    return FindingView(finding, where, loc.sha256 or (record.sha256 if record else None))


def _result_view(
    result: RuleResult,
    framework: str,
    options: Options,
    records: Mapping[str, EvidenceRecord],
    reads: tuple[EvidenceRecord, ...],
) -> ResultView:
    status = display_status(result)
    refs = tuple((FRAMEWORK_TITLES.get(k, k), tuple(v)) for k, v in result.refs.items() if v)
    return ResultView(
        result=result,
        anchor="rule-" + result.rule_id.lower(),
        status=status,
        label=_label(status, result),
        refs=refs,
        own_refs=tuple(result.refs.get(framework, [])),
        reads=reads,
        findings=tuple(_finding_view(f, records) for f in result.findings),
        notes=tuple(_finding_view(f, records) for f in result.notes),
        gate_note=_gate_note(result, options),
        timing_note=_timing_note(result),
        waiver_note=_waiver_note(result),
        procedure=procedure(result),
        assurance=assurance(result),
    )


def _gate_note(result: RuleResult, options: Options) -> str | None:
    if result.status not in ("fail", "error", "insufficient_evidence", "needs_attestation"):
        return None
    if result.gating:
        return "Fails the assessment."
    if not result.blocking:
        why = "the rule is not blocking"
    elif result.status == "needs_attestation" and options.allow_unattested:
        why = "unattested controls were allowed for this run (--allow-unattested)"
    elif SEVERITY_RANK[result.severity] < SEVERITY_RANK[options.fail_on]:
        why = f"severity {result.severity} is below the {options.fail_on} threshold"
    else:
        why = "the obligation is not yet in force (--only-in-force)"
    return f"Does not fail the assessment: {why}."


def _timing_note(result: RuleResult) -> str | None:
    effective = result.effective
    if effective is None or effective.in_force:
        return None
    return f"Applies from {effective.applies_from.isoformat()} ({applied_basis(effective)})."


def _waiver_note(result: RuleResult) -> str | None:
    waiver = result.waiver
    if waiver is None:
        return None
    if result.status == "waived":
        expires = waiver.expires.isoformat() if waiver.expires else "no date"
        return f"Waived by {waiver.approved_by} until {expires}: {waiver.reason}"
    if waiver.state in ("expired", "malformed"):
        problem = waiver.problem or f"expired on {waiver.expires}"
        line = waiver.manifest_line
        return f"Waiver ignored ({waiver.state}): {problem} (govern.yaml line {line})"
    return None


def _verdict(assessment: Assessment) -> tuple[str, str]:
    summary = assessment.summary
    fail_on = assessment.options.fail_on
    if summary.verdict == "pass":
        return "PASS", f"No blocking control at or above {fail_on} severity fails."
    count = len(summary.gating)
    noun = "control" if count == 1 else "controls"
    return "FAIL", f"{count} blocking {noun} at or above {fail_on} severity fail the assessment."


def _attestations(results: Sequence[RuleResult]) -> tuple[AttestationView, ...]:
    used: dict[AttestationInfo, list[str]] = {}
    for result in results:
        if result.status == "not_applicable":
            continue
        for info in result.attestations:
            # A missing attestation matters only where the rule still needs it; a rule that
            # passed another way (e.g. no derogation claimed) did not rely on it.
            if info.problem and result.status not in ("needs_attestation", "fail", "error"):
                continue
            used.setdefault(info, []).append(result.rule_id)
    ordered = sorted(used.items(), key=lambda item: (item[0].problem is not None, item[0].control))
    return tuple(AttestationView(info, tuple(rules)) for info, rules in ordered)


# --- fairness -----------------------------------------------------------------------------------


def fmt_metric(metric: MetricValue | None, digits: int = 4) -> str:
    if metric is None or metric.value is None:
        return DASH
    text = f"{metric.value:.{digits}f}"
    ci = metric.ci
    if ci is not None and ci.lower is not None and ci.upper is not None:
        text += f" [{ci.lower:.{digits}f}, {ci.upper:.{digits}f}]"
    return text


def _cell(metric: MetricValue | None) -> Cell:
    if metric is None or metric.value is None:
        return Cell(DASH)
    ci = metric.ci
    if ci is None or ci.lower is None or ci.upper is None:
        return Cell(f"{metric.value:.3f}")
    return Cell(f"{metric.value:.3f}", f"[{ci.lower:.3f}, {ci.upper:.3f}]")


def _fairness_view(
    index: int, source: FairnessSource, gates: Sequence[FairnessGate], assessment: Assessment
) -> FairnessView:
    report = source.report
    params = report.parameters
    level = f"{params.ci_level:.0%} {_interval_kind(params)}"
    parameters = [
        ("Dataset", report.dataset or DASH),
        ("Model version", report.model_version or DASH),
        ("Predictions", f"{report.source.path} ({report.source.rows:,} rows)"),
        ("Predictions sha256", report.source.sha256),
        ("Sensitive features", ", ".join(params.sensitive)),
        ("Intervals", _intervals_text(params, level)),
        ("Small-group threshold", f"{params.min_group_size} rows"),
    ]
    if report.cross_check is not None:
        parameters.append(("Cross-check", report.cross_check.summary))
    overall = tuple(
        (METRIC_LABELS.get(name, name), fmt_metric(value)) for name, value in report.overall.items()
    )
    features = tuple(
        _feature_view(index, j, feature, gates, assessment, level, report.overall)
        for j, feature in enumerate(report.features)
    )
    return FairnessView(source, tuple(parameters), overall, features)


def _feature_view(
    index: int,
    position: int,
    feature: FeatureReport,
    gates: Sequence[FairnessGate],
    assessment: Assessment,
    level: str,
    overall: dict[str, MetricValue],
) -> FeatureView:
    metrics = tuple(m for m in feature.groups[0].metrics) if feature.groups else ()
    groups = tuple(
        GroupRow(
            label=group.group,
            count=group.count,
            small=group.small,
            cells=tuple(_cell(group.metrics.get(m)) for m in metrics),
        )
        for group in feature.groups
    )
    gate_status = {
        (g.metric, g.reference): _gate_status(g, index, position, assessment) for g in gates
    }
    disparities = []
    for metric, disparity in feature.disparities.items():
        gate = next(
            (g for g in gates if g.metric == metric and g.reference == "between_groups"), None
        )
        status = gate_status.get((metric, "between_groups")) if gate else None
        disparities.append(
            DisparityRow(
                metric=METRIC_LABELS.get(metric, metric),
                between=fmt_metric(disparity.between_groups),
                to_overall=fmt_metric(disparity.to_overall),
                gate=_gate_text(gate) if gate else None,
                status=status,
                label=STATUS_LABELS.get(status) if status else None,
            )
        )
    chart_views = tuple(
        _rate_chart(feature, rate, gates, level, overall.get(rate))
        for rate in CHARTED_RATES
        if rate in metrics
    )
    return FeatureView(
        name=feature.name,
        columns=", ".join(feature.columns),
        intersectional=feature.intersectional,
        metrics=tuple(METRIC_LABELS.get(m, m) for m in metrics),
        groups=groups,
        charts=chart_views,
        disparities=tuple(disparities),
    )


def _gate_text(gate: FairnessGate) -> str:
    sign = "≥" if gate.op == "min" else "≤"
    mode = {
        "point": "on the point value",
        "interval": "fails only when the whole interval is beyond it",
        "conservative": "the whole interval must meet it",
    }
    return f"{sign} {gate.threshold:g}; {mode.get(gate.ci, gate.ci)} ({gate.rule_id})"


def _gate_status(gate: FairnessGate, index: int, position: int, assessment: Assessment) -> str:
    """This feature's outcome under a gate, from the rule's findings located at its metric."""
    result = next((r for r in assessment.results if r.rule_id == gate.rule_id), None)
    if result is None:
        return "not_applicable"
    field = f"fairness[{index}].features[{position}].disparities.{gate.metric}.{gate.reference}"
    for finding in (*result.findings, *result.notes):
        if finding.location.field == field:
            return finding.status
    if result.status in ("error", "needs_attestation", "not_applicable"):
        return result.status
    return "pass"


_BINOMIAL = {"wilson": "Wilson", "clopper-pearson": "Clopper-Pearson"}


def _interval_kind(params: Parameters) -> str:
    """Selection-only reports state binomial intervals on rates; the others bootstrap."""
    method = params.ci_method.metrics if params.ci_method else "percentile"
    return _BINOMIAL.get(method, "bootstrap")


def _intervals_text(params: Parameters, level: str) -> str:
    if params.bootstrap:
        return f"{level}, {params.bootstrap:,} resamples"
    if params.ci_method and params.ci_method.metrics in _BINOMIAL:
        return f"{level} on selection rates (a selection audit: no true label)"
    return "none (point values only)"


def _rate_chart(
    feature: FeatureReport,
    rate: str,
    gates: Sequence[FairnessGate],
    level: str,
    overall: MetricValue | None,
) -> ChartView:
    points = []
    for group in feature.groups:
        metric = group.metrics.get(rate)
        ci = metric.ci if metric else None
        points.append(
            charts.Point(
                label=group.group,
                value=metric.value if metric else None,
                lower=ci.lower if ci else None,
                upper=ci.upper if ci else None,
                note=f"n={group.count:,}" + (" small" if group.small else ""),
                flagged=group.small,
            )
        )
    markers: list[charts.Marker] = []
    if overall is not None and overall.value is not None:
        markers.append(charts.Marker(overall.value, "overall", kind="reference"))
    band, gate_caption = _rate_band(rate, points, gates)
    if band is not None:
        markers.append(charts.Marker(band.edge, band.label))
    name = METRIC_LABELS[rate]
    caption = (
        f"{name} per group with {level} intervals"
        if any(p.lower is not None for p in points)
        else f"{name} per group (point values; the report has no intervals)"
    )
    caption += "; dotted line: overall rate."
    if gate_caption:
        caption += " " + gate_caption
    if any(p.flagged for p in points):
        caption += " Hollow markers: groups below the small-group threshold."
    svg = charts.interval_chart(
        points,
        markers,
        charts.Band(band.lower, band.upper) if band else None,
        title=f"{name} by {feature.name}",
    )
    return ChartView(
        title=f"{name} by {feature.name}",
        caption=caption,
        svg=Markup(svg),  # noqa: S704 - built by charts, which escapes every text it draws
    )


@dataclass(frozen=True)
class _RateBand:
    """Shaded range of allowed rates, and the edge (the gate's limit) drawn as a red line."""

    lower: float
    upper: float
    edge: float
    label: str


def _rate_band(
    rate: str, points: Sequence[charts.Point], gates: Sequence[FairnessGate]
) -> tuple[_RateBand | None, str]:
    """The range of group rates a disparity gate allows, anchored at the most extreme group.

    A ratio gate (min t) allows rates down to t x the highest rate; a difference gate (max t)
    allows rates up to the lowest rate + t. Both are drawn on point values; the gate itself, in
    the assessment, may judge intervals instead, and the caption says so.
    """
    values = [p.value for p in points if p.value is not None]
    if not values:
        return None, ""
    for metric in _RATE_GATES[rate]:
        gate = next(
            (g for g in gates if g.metric == metric and g.reference == "between_groups"), None
        )
        if gate is None:
            continue
        label = METRIC_LABELS.get(metric, metric).lower()
        high, low = max(values), min(values)
        if metric.endswith("_ratio") and gate.op == "min":
            floor = gate.threshold * high
            band = _RateBand(floor, high, floor, f"{gate.threshold:g} {TIMES} highest")
            text = (
                f"Shaded: rates within the {label} gate (≥ {gate.threshold:g} {TIMES} the highest "
                f"group's rate, {gate.rule_id}); red line: the lowest rate it allows."
            )
            return band, text
        if metric.endswith("_difference") and gate.op == "max":
            ceiling = low + gate.threshold
            band = _RateBand(low, ceiling, ceiling, f"lowest + {gate.threshold:g}")
            text = (
                f"Shaded: rates within the {label} gate (at most {gate.threshold:g} above the "
                f"lowest group, {gate.rule_id}); red line: the highest rate it allows."
            )
            return band, text
    return None, ""
