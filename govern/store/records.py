"""What one Assessment puts in the ledger: canonical JSON, child rows and the hashed row record."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govern.engine.assessment import Assessment
from govern.engine.disparities import FairnessMetric
from govern.store.chain import canonical_json, canonical_time, digest, sha256_hex
from govern.store.parts import PART_NAMES, pack, split

# Bumped when the row record below changes shape; each row keeps the format it was hashed with.
# 1: the whole document in the row. 2: the skeleton in the row, shared parts named by key.
ROW_FORMAT = 2
ROW_FORMATS = (1, 2)

# Rule results worth a row of their own; a plain pass or not-applicable is in the document only.
RECORDED_STATUSES = ("fail", "error", "insufficient_evidence", "needs_attestation", "waived")
# History counts insufficient evidence with the failures it blocks like (it has no column yet).
FAILURE_STATUSES = ("fail", "error", "insufficient_evidence")

CHILD_COLUMNS: dict[str, tuple[str, ...]] = {
    "findings": (
        "position",
        "rule_id",
        "status",
        "severity",
        "blocking",
        "gating",
        "message",
        "file",
        "line",
        "field",
    ),
    "evidence": ("position", "kind", "path", "sha256", "bytes"),
    "waivers": ("position", "rule", "state", "expires", "approved_by", "reason", "applied"),
    "fairness": ("position", "report", "feature", "metric", "method", "value", "lower", "upper"),
}

PART_LABELS = {
    "document": "its assessment document",
    "parts": "its assessment parts",
    "findings": "its findings rows",
    "evidence": "its evidence digests",
    "waivers": "its waiver rows",
    "fairness": "its fairness rows",
}


@dataclass(frozen=True)
class Entry:
    """An assessment made ready for the ledger: everything except its place in the chain.

    Built before the chain-head lock is taken, so that appenders wait only for the inserts.
    `document` is the skeleton; `blobs` every shared part it names, which the ledger stores
    unless it already has them.
    """

    system_id: str
    system_name: str
    system_version: str
    as_of: dt.date
    verdict: str
    tool_version: str
    document: bytes
    parts: Mapping[str, str]
    blobs: Mapping[str, bytes]
    children: Mapping[str, list[dict[str, Any]]]

    def columns(self) -> dict[str, Any]:
        """Row values that do not depend on the chain, as stored in govern_assessments."""
        digests = {f"{name}_sha256": part_digest(rows) for name, rows in self.children.items()}
        return {
            "system_id": self.system_id,
            "system_name": self.system_name,
            "system_version": self.system_version,
            "as_of": self.as_of,
            "verdict": self.verdict,
            "tool_version": self.tool_version,
            "row_format": ROW_FORMAT,
            "document": pack(self.document),
            "document_sha256": sha256_hex(self.document),
            "parts": canonical_json(dict(self.parts)).decode(),
            **digests,
        }


def prepare(assessment: Assessment, fairness: Sequence[FairnessMetric]) -> Entry:
    """Turn an assessment (and the fairness metrics behind it) into ledger rows."""
    stored = split(assessment)
    return Entry(
        system_id=assessment.system.id,
        system_name=assessment.system.name,
        system_version=assessment.system.version,
        as_of=assessment.options.as_of,
        verdict=assessment.summary.verdict,
        tool_version=assessment.tool.version,
        document=stored.skeleton,
        parts=stored.parts,
        blobs=stored.blobs,
        children={
            "findings": _findings(assessment),
            "evidence": _evidence(assessment),
            "waivers": _waivers(assessment),
            "fairness": _fairness(fairness),
        },
    )


def parts_of(columns: Mapping[Any, Any]) -> dict[str, str] | None:
    """The part keys a format 2 row names (None for format 1); ValueError when garbled."""
    if columns["row_format"] == 1:
        if columns.get("parts") is not None:
            raise ValueError("a row of format 1 names no parts")
        return None
    parts = json.loads(columns["parts"])
    if not (
        isinstance(parts, dict)
        and canonical_json(parts).decode() == columns["parts"]
        and sorted(parts) == sorted(PART_NAMES)
        and all(isinstance(key, str) for key in parts.values())
    ):
        raise ValueError("not the parts govern names")
    return parts


def row_record(columns: Mapping[Any, Any], recorded_at: dt.datetime) -> dict[str, Any]:
    """The row's canonical record: what its `digest` is the sha256 of.

    It names the document and every group of child rows by digest, so a change to any finding,
    evidence, waiver or fairness row, or to the document, changes the row's digest.
    """
    if columns["row_format"] not in ROW_FORMATS:
        raise ValueError(f"unknown row format {columns['row_format']!r}")
    parts = parts_of(columns)
    return {
        **({} if parts is None else {"parts": parts}),
        "row_format": columns["row_format"],
        "system_id": columns["system_id"],
        "system_name": columns["system_name"],
        "system_version": columns["system_version"],
        "recorded_at": canonical_time(recorded_at),
        "as_of": columns["as_of"].isoformat(),
        "verdict": columns["verdict"],
        "tool_version": columns["tool_version"],
        "document_sha256": columns["document_sha256"],
        **{f"{name}_sha256": columns[f"{name}_sha256"] for name in CHILD_COLUMNS},
    }


def row_digest(columns: Mapping[Any, Any], recorded_at: dt.datetime) -> str:
    return digest(row_record(columns, recorded_at))


def part_digest(rows: Sequence[dict[str, Any]]) -> str:
    """Digest of one group of child rows, in position order: their canonical JSON, dates as text.

    Dates go through json's `default` hook, so the C encoder does the rest of the work.
    """
    text = json.dumps(
        rows,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_plain,
    )
    return sha256_hex(text.encode("utf-8"))


def content_problem(
    columns: Mapping[Any, Any],
    recorded_at: dt.datetime,
    stored_digest: str,
    document: bytes | None,
    children: Mapping[str, Sequence[dict[str, Any]]],
    parts_problem: str | None = None,
) -> str | None:
    """How a stored row's content disagrees with its digests, or None when everything agrees.

    `document` is the decompressed document (format 2: its skeleton), or None when it could not
    be decompressed; `parts_problem` what the ledger found wrong with the blobs it names.
    """
    if document is None or sha256_hex(document) != columns["document_sha256"]:
        return f"{PART_LABELS['document']} was changed"
    if parts_problem is not None:
        return parts_problem
    for name in CHILD_COLUMNS:
        try:
            recomputed_part = part_digest(children.get(name, []))
        except (ValueError, TypeError):  # NaN, infinity, bytes: stored by hand, never recorded
            recomputed_part = None
        if recomputed_part != columns[f"{name}_sha256"]:
            return f"{PART_LABELS[name]} were changed"
    try:
        recomputed = row_digest(columns, recorded_at)
    except (ValueError, TypeError, AttributeError, KeyError):
        return "its columns were changed"
    if recomputed != stored_digest:
        return "its columns (system, version, verdict, dates or digests) were changed"
    return None


def _plain(value: object) -> str:
    """Dates and times as canonical text; any other value json cannot write is not govern's."""
    if isinstance(value, dt.datetime):
        return canonical_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a value govern stores")


def _findings(assessment: Assessment) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for result in assessment.results:
        if result.status not in RECORDED_STATUSES:
            continue
        first = result.findings[0].location if result.findings else None
        rows.append(
            {
                "position": len(rows),
                "rule_id": result.rule_id,
                "status": result.status,
                "severity": result.severity,
                "blocking": result.blocking,
                "gating": result.gating,
                "message": result.message,
                "file": first.file if first else None,
                "line": first.line if first else None,
                "field": first.field if first else None,
            }
        )
    return rows


def _evidence(assessment: Assessment) -> list[dict[str, Any]]:
    files = [assessment.manifest, *assessment.evidence]
    return [
        {"position": i, "kind": f.kind, "path": f.path, "sha256": f.sha256, "bytes": f.bytes}
        for i, f in enumerate(files)
    ]


def _waivers(assessment: Assessment) -> list[dict[str, Any]]:
    waived = {r.rule_id for r in assessment.results if r.status == "waived"}
    return [
        {
            "position": i,
            "rule": w.rule,
            "state": w.state,
            "expires": w.expires,
            "approved_by": w.approved_by,
            "reason": w.reason,
            "applied": w.rule in waived,
        }
        for i, w in enumerate(assessment.waivers)
    ]


def _fairness(metrics: Sequence[FairnessMetric]) -> list[dict[str, Any]]:
    return [
        {
            "position": i,
            "report": m.report,
            "feature": m.feature,
            "metric": m.metric,
            "method": m.method,
            "value": m.value,
            "lower": m.lower,
            "upper": m.upper,
        }
        for i, m in enumerate(metrics)
    ]
