"""A Hugging Face card's `model-index` front matter: results per task, dataset and metric."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govern.load.documents import SourceDocument
from govern.load.importers.evals import categories_for
from govern.load.importers.mapping import Mapping, number, text

# Metrics where a lower value is better; every other metric is read as higher-is-better.
_LOWER = ("wer", "cer", "loss", "perplexity", "ppl", "error", "mae", "mse", "rmse", "toxicity")


def detect(path: Path, data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("model-index"), list)


def map_report(document: SourceDocument) -> Mapping:
    m = Mapping(document.data)
    m.use(*((key,) for key in document.data if key != "model-index"))  # the card importer's part
    m.open(("model-index",))
    for i, model in enumerate(m.get(("model-index",)) or []):
        if not isinstance(model, dict):
            continue
        m.open(("model-index", i))
        m.set_default(("model", "id"), text(model.get("name")), ("model-index", i, "name"))
        for j, result in enumerate(model.get("results") or []):
            _result(m, ("model-index", i, "results", j), result)
    return m


def _result(m: Mapping, src: tuple[str | int, ...], result: Any) -> None:
    dataset = (result or {}).get("dataset") or {}
    name = text(dataset.get("type")) or text(dataset.get("name"))
    if name is None:
        return
    m.open(src, (*src, "metrics"))
    for k, metric in enumerate(result.get("metrics") or []):
        value, kind = number((metric or {}).get("value")), text((metric or {}).get("type"))
        if value is None or kind is None:
            continue
        entry: dict[str, Any] = {
            "benchmark": {
                "id": name,
                "split": text(dataset.get("split")),
                "subset": text(dataset.get("config")),
                "version": text(dataset.get("revision")),
            },
            "metric": kind,
            "direction": "lower" if any(w in kind.lower() for w in _LOWER) else "higher",
            "value": value,
            "categories": categories_for(name, kind),
        }
        entry["benchmark"] = {k2: v for k2, v in entry["benchmark"].items() if v is not None}
        m.append(("results",), entry, (*src, "metrics", k), use=False)
        m.use((*src, "metrics", k, "value"), (*src, "metrics", k, "type"), (*src, "task"))
        for key in ("type", "name", "split", "config", "revision"):
            m.use((*src, "dataset", key))
