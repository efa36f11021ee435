"""Text, Markdown and JSON views of ledger history, diffs and verification, for the CLI to print."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from govern.engine.diff import Diff, FairnessMove, RuleChange
from govern.engine.disparities import FairnessMetric
from govern.render.display import visible, visible_values
from govern.render.markdown_escape import md_code, md_text

SEVERITIES = ("critical", "high", "medium", "low")


class HistoryEntry(Protocol):
    """One recorded run in brief, as the ledger answers it (govern.store.runs.HistoryEntry).

    A protocol, not the ledger's own class: renderers read what the store answers without
    depending on the store.
    """

    @property
    def run_id(self) -> int: ...
    @property
    def recorded_at(self) -> dt.datetime: ...
    @property
    def system_id(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def verdict(self) -> str: ...
    @property
    def as_of(self) -> dt.date: ...
    @property
    def failures(self) -> dict[str, int]: ...
    @property
    def needs_attestation(self) -> int: ...
    @property
    def waived(self) -> int: ...
    @property
    def fairness(self) -> list[FairnessMetric]: ...


class ChainHead(Protocol):
    @property
    def run_id(self) -> int: ...
    @property
    def chain_hash(self) -> str: ...


class ChainProblem(Protocol):
    @property
    def run_id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def detail(self) -> str: ...


class ChainReport(Protocol):
    """What `ledger verify` found (govern.store.chain.ChainReport)."""

    @property
    def runs(self) -> int: ...
    @property
    def checked(self) -> int: ...

    @property
    def head(self) -> ChainHead | None: ...

    @property
    def problem(self) -> ChainProblem | None: ...

    @property
    def valid(self) -> bool: ...


FORMATS = ("text", "json", "markdown")
_SHORT = {"demographic_parity_ratio": "DP ratio", "equalized_odds_difference": "EO diff"}


def _json(value: Any) -> str:
    def plain(obj: Any) -> Any:
        if isinstance(obj, dt.datetime | dt.date):
            return obj.isoformat()
        raise TypeError(f"{type(obj).__name__} is not JSON serialisable")

    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=plain) + "\n"


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]
    return [
        "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
        for line in (header, *rows)
    ]


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A GFM table; cells are Markdown already escaped by the caller (md_text or md_code)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _md_rows(rows: Sequence[Sequence[str]]) -> list[list[str]]:
    return [[md_text(c) for c in row] for row in rows]


# ---------------------------------------------------------------------------------------------
# history


def _fairness_brief(metrics: Sequence[FairnessMetric]) -> str:
    if not metrics:
        return "-"
    return ", ".join(
        f"{_SHORT.get(m.metric, m.metric)} {_number(m.value)} ({m.feature})" for m in metrics
    )


def _history_rows(entries: Sequence[HistoryEntry]) -> list[list[str]]:
    return [
        [
            str(e.run_id),
            _when(e.recorded_at),
            e.version,
            e.verdict,
            "/".join(str(e.failures[s]) for s in SEVERITIES),
            str(e.needs_attestation),
            str(e.waived),
            _fairness_brief(e.fairness),
        ]
        for e in entries
    ]


_HISTORY_HEADER = (
    "run",
    "recorded (UTC)",
    "version",
    "verdict",
    "failures crit/high/med/low",
    "to attest",
    "waived",
    "fairness (worst between groups)",
)


def history_text(system: str, database: str, entries: Sequence[HistoryEntry]) -> str:
    system, entries = visible(system), visible_values(list(entries))
    title = f"{system}: {len(entries)} run(s) in {database}, oldest first"
    if not entries:
        return title + "\n"
    return "\n".join([title, *_table(_HISTORY_HEADER, _history_rows(entries))]) + "\n"


def history_markdown(system: str, database: str, entries: Sequence[HistoryEntry]) -> str:
    lines = [f"### govern history: {md_text(system)}", ""]
    if entries:
        lines += _md_table(_HISTORY_HEADER, _md_rows(_history_rows(entries)))
    else:
        lines.append("No recorded runs.")
    return "\n".join(lines) + "\n"


def history_json(system: str, database: str, entries: Sequence[HistoryEntry]) -> str:
    return _json(
        {"database": database, "system": system, "runs": [_history_entry(e) for e in entries]}
    )


def _history_entry(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "run_id": entry.run_id,
        "recorded_at": entry.recorded_at,
        "system_id": entry.system_id,
        "version": entry.version,
        "verdict": entry.verdict,
        "as_of": entry.as_of,
        "failures": entry.failures,
        "needs_attestation": entry.needs_attestation,
        "waived": entry.waived,
        "fairness": [dataclasses.asdict(m) for m in entry.fairness],
    }


HISTORY: dict[str, Callable[[str, str, Sequence[HistoryEntry]], str]] = {
    "text": history_text,
    "json": history_json,
    "markdown": history_markdown,
}


# ---------------------------------------------------------------------------------------------
# diff


def _side(label: str, system: str, version: str, verdict: str) -> str:
    return f"{label} ({system} {version}, {verdict})"


def _flagged(change: RuleChange, section: str) -> bool:
    """Mark the changed statuses that are worse; every new failure is, no fix is."""
    return section == "changed statuses" and change.worse


def _move_text(move: FairnessMove) -> str:
    if move.after is None:
        change = "no longer reported"
    else:
        change = f"{move.delta:+.3f}" if move.delta is not None else "newly measured"
    verdict = ", worse" if move.worse else ""
    return (
        f"{move.report} {move.feature} {move.metric} ({move.method}): "
        f"{_number(move.before)} -> {_number(move.after)} ({change}{verdict})"
    )


def _sections(diff: Diff) -> list[tuple[str, list[RuleChange]]]:
    return [
        ("new failures", diff.new_failures),
        ("fixed", diff.fixed),
        ("changed statuses", diff.changed),
    ]


def _result(diff: Diff) -> str:
    n = diff.regressions
    return f"{n} regression(s)" if n else "nothing got worse"


def diff_text(diff: Diff) -> str:
    diff = visible_values(diff)
    b, a = diff.before, diff.after
    lines = [
        f"govern diff: {_side(b.label, b.system_id, b.version, b.verdict)} -> "
        f"{_side(a.label, a.system_id, a.version, a.verdict)}"
    ]
    lines += [f"note: {note}" for note in diff.notes]
    if b.verdict != a.verdict:
        lines.append(
            f"verdict: {b.verdict} -> {a.verdict}" + (" (worse)" if diff.verdict_worse else "")
        )
    for title, changes in _sections(diff):
        if changes:
            lines.append(f"{title} ({len(changes)}):")
            rows = [
                [
                    c.rule_id,
                    c.severity,
                    f"{c.before or 'absent'} -> {c.after or 'absent'}",
                    ("worse: " if _flagged(c, title) else "") + c.message,
                ]
                for c in changes
            ]
            lines += [
                "  " + line for line in _table(("rule", "severity", "status", "why"), rows)[1:]
            ]
    if diff.expired_waivers:
        lines.append(f"expired waivers ({len(diff.expired_waivers)}):")
        for w in diff.expired_waivers:
            lines.append(
                f"  {w.rule} expired on {w.expires} (approved by {w.approved_by or 'nobody named'};"
                f" was {w.before or 'not listed'})"
            )
    if diff.fairness_note:
        lines.append(diff.fairness_note)
    elif diff.fairness:
        lines.append(f"fairness moved by more than {diff.tolerance:g} ({len(diff.fairness)}):")
        lines += [f"  {_move_text(m)}" for m in diff.fairness]
    lines.append(f"result: {_result(diff)}")
    return "\n".join(lines) + "\n"


def diff_markdown(diff: Diff) -> str:
    b, a = diff.before, diff.after
    lines = [
        f"### govern diff: {md_text(a.system_id)} {md_text(b.version)} ({md_text(b.label)}) → "
        f"{md_text(a.version)} ({md_text(a.label)})",
        "",
        f"**{_result(diff)}** · verdict {md_text(b.verdict)} → "
        + (f"**{md_text(a.verdict)}**" if diff.verdict_worse else md_text(a.verdict)),
    ]
    lines += [f"> {md_text(note)}" for note in diff.notes]
    for title, changes in _sections(diff):
        if changes:
            rows = [
                [
                    md_code(c.rule_id, in_table=True),
                    md_text(c.severity),
                    md_text(f"{c.before or 'absent'} → {c.after or 'absent'}")
                    + (" ⚠" if _flagged(c, title) else ""),
                    md_text(c.message),
                ]
                for c in changes
            ]
            lines += ["", f"#### {title.capitalize()} ({len(changes)})", ""]
            lines += _md_table(("rule", "severity", "status", "why"), rows)
    if diff.expired_waivers:
        rows = [
            [
                md_code(w.rule, in_table=True),
                *(md_text(c) for c in (w.expires, w.approved_by or "", w.before or "not listed")),
            ]
            for w in diff.expired_waivers
        ]
        lines += ["", f"#### Expired waivers ({len(diff.expired_waivers)})", ""]
        lines += _md_table(("rule", "expired", "approved by", "was"), rows)
    if diff.fairness_note:
        lines += ["", f"_{md_text(diff.fairness_note)}_"]
    elif diff.fairness:
        rows = [
            [
                *(md_text(c) for c in (m.report, m.feature, f"{m.metric} ({m.method})")),
                *(md_text(_number(v)) for v in (m.before, m.after)),
                md_text("no longer reported" if m.after is None else f"{m.delta:+.3f}")
                + (" ⚠" if m.worse else ""),
            ]
            for m in diff.fairness
        ]
        lines += ["", f"#### Fairness moved by more than {diff.tolerance:g} ({len(rows)})", ""]
        lines += _md_table(("report", "feature", "metric", "before", "after", "change"), rows)
    if not (diff.new_failures or diff.fixed or diff.changed or diff.expired_waivers):
        lines += ["", "No rule changed status."]
    return "\n".join(lines) + "\n"


def diff_json(diff: Diff) -> str:
    data = dataclasses.asdict(diff)
    for move, raw in zip(diff.fairness, data["fairness"], strict=True):
        raw["delta"] = move.delta
    data.update(regressions=diff.regressions, regressed=diff.regressions > 0)
    data["verdict_worse"] = diff.verdict_worse
    return _json(data)


DIFF: dict[str, Callable[[Diff], str]] = {
    "text": diff_text,
    "json": diff_json,
    "markdown": diff_markdown,
}


# ---------------------------------------------------------------------------------------------
# verify


def verify_text(report: ChainReport, database: str) -> str:
    if report.problem is not None:
        p = report.problem
        return (
            f"TAMPERED: {database}: run {p.run_id} {p.kind}: {p.detail} "
            f"({report.checked} run(s) before it verified)\n"
        )
    head = report.head
    where = f"head run {head.run_id} chain {head.chain_hash}" if head else "no head"
    return f"ok: {database}: {report.runs} run(s), chain intact; {where}\n"


def verify_json(report: ChainReport, database: str) -> str:
    return _json(
        {
            "database": database,
            "valid": report.valid,
            "runs": report.runs,
            "checked": report.checked,
            "head": (
                {"run_id": report.head.run_id, "chain_hash": report.head.chain_hash}
                if report.head
                else None
            ),
            "problem": (
                {
                    "run_id": report.problem.run_id,
                    "kind": report.problem.kind,
                    "detail": report.problem.detail,
                }
                if report.problem
                else None
            ),
        }
    )


VERIFY: dict[str, Callable[[ChainReport, str], str]] = {
    "text": verify_text,
    "json": verify_json,
}
