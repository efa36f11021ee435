"""garak report JSONL: each `eval` entry is one probe against one detector, counted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govern.load.documents import SourceDocument
from govern.load.importers.evals import categories_for
from govern.load.importers.mapping import Mapping, date, integer, number, text


def detect(path: Path, data: Any) -> bool:
    if not isinstance(data, list):
        return False
    return any(
        isinstance(r, dict) and r.get("entry_type") == "init" and "garak_version" in r
        for r in data[:5]
    )


def map_report(document: SourceDocument) -> Mapping:
    m = Mapping(document.data)
    version = None
    for i, record in enumerate(document.data):
        kind = record.get("entry_type") if isinstance(record, dict) else None
        if kind == "init":
            version = text(record.get("garak_version"))
            m.set(("date",), date(record.get("start_time")), (i, "start_time"))
            m.set(("id",), text(record.get("run")), (i, "run"))
            m.use((i, "entry_type"), (i, "garak_version"))
        elif kind == "start_run setup":
            _setup(m, i, record)
        elif kind in ("attempt", "completion", "digest"):
            m.use((i,))  # per-attempt detail, summarised by the eval entries
    m.set(("evaluator", "harness", "name"), "garak", None)
    m.set(("evaluator", "harness", "version"), version, None)
    for i, record in enumerate(document.data):
        if isinstance(record, dict) and record.get("entry_type") == "eval":
            _eval(m, i, record, version)
    return m


def _setup(m: Mapping, i: int, record: dict[str, Any]) -> None:
    m.open((i,))
    m.use((i, "entry_type"))
    target = text(record.get("plugins.target_name")) or text(record.get("plugins.model_name"))
    key = "plugins.target_name" if text(record.get("plugins.target_name")) else "plugins.model_name"
    m.set(("model", "id"), target, (i, key))


def _eval(m: Mapping, i: int, record: dict[str, Any], version: str | None) -> None:
    probe, detector = text(record.get("probe")), text(record.get("detector"))
    attempts, fails = integer(record.get("total_evaluated")), integer(record.get("fails"))
    if probe is None or attempts is None:
        return
    entry: dict[str, Any] = {
        "attack_class": f"{probe} / {detector}" if detector else probe,
        "categories": categories_for(probe, detector) or ["adversarial"],
        "tool": {"name": "garak", "version": version},
        "attempts": attempts,
    }
    if fails is not None:
        entry["successes"] = fails  # a detector hit: the attack got through
    low, high = number(record.get("confidence_lower")), number(record.get("confidence_upper"))
    if low is not None and high is not None:
        level = number(record.get("confidence")) or 0.95
        entry["interval"] = {"lower": low, "upper": high, "level": level}
    m.append(("red_team",), entry, (i,), use=False)
    for key in (
        "entry_type",
        "probe",
        "detector",
        "total_evaluated",
        "fails",
        "passed",
        "confidence_lower",
        "confidence_upper",
        "confidence",
        "confidence_method",
    ):
        m.use((i, key))
    m.open((i,))
