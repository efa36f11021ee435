"""Hugging Face `.eval_results/*.yaml`: benchmark scores a model repository publishes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govern.load.documents import SourceDocument
from govern.load.importers.evals import categories_for
from govern.load.importers.mapping import Mapping, date, number, text


def detect(path: Path, data: Any) -> bool:
    if not isinstance(data, list) or not data:
        return False
    return all(
        isinstance(e, dict) and isinstance(e.get("dataset"), dict) and "value" in e for e in data
    )


def map_report(document: SourceDocument) -> Mapping:
    m = Mapping(document.data)
    for i, entry in enumerate(document.data):
        dataset = entry["dataset"]
        value, name = number(entry.get("value")), text(dataset.get("id"))
        if value is None or name is None:
            continue
        m.open((i,), (i, "dataset"), (i, "source"))
        result: dict[str, Any] = {
            "benchmark": {"id": name, "subset": text(dataset.get("task_id"))},
            "metric": text(dataset.get("task_id")) or "score",
            "direction": "higher",
            "value": value,
            "categories": categories_for(name, text(dataset.get("task_id"))),
        }
        if text(dataset.get("revision")):
            result["benchmark"]["version"] = text(dataset.get("revision"))
        if date(entry.get("date")) is not None:
            result["date"] = date(entry.get("date"))
        m.append(("results",), result, (i,), use=False)
        m.use((i, "value"), (i, "date"), (i, "dataset", "id"), (i, "dataset", "task_id"))
        m.use((i, "dataset", "revision"))
        m.set_default(
            ("evaluator", "name"),
            text((entry.get("source") or {}).get("name")),
            (i, "source", "name"),
        )
    m.warn(".eval_results entries do not say which way is better: higher is assumed")
    return m
