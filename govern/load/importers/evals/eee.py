"""Every Eval Ever (schema 0.2.x): an aggregate record (JSON) or instance-level records (JSONL)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from govern.load.documents import SourceDocument
from govern.load.importers.evals import categories_for
from govern.load.importers.mapping import Mapping, number, text


def detect(path: Path, data: Any) -> bool:
    if isinstance(data, dict):
        return "evaluation_results" in data and "model_info" in data
    return bool(data) and isinstance(data, list) and _is_instance(data[0])


def _is_instance(record: Any) -> bool:
    return isinstance(record, dict) and {"evaluation_name", "sample_id", "evaluation"} <= set(
        record
    )


def map_report(document: SourceDocument) -> Mapping:
    if isinstance(document.data, list):
        return _instances(document.data)
    m = Mapping(document.data)
    m.use(("schema_version",))
    m.set(("id",), text(m.get(("evaluation_id",))), ("evaluation_id",))
    m.set(("model", "id"), text(m.get(("model_info", "id"))), ("model_info", "id"))
    m.set_default(("model", "id"), text(m.get(("model_info", "name"))), ("model_info", "name"))
    meta = ("source_metadata",)
    m.set(
        ("evaluator", "party"),
        m.get((*meta, "evaluator_relationship")),
        (*meta, "evaluator_relationship"),
    )
    m.set(
        ("evaluator", "name"),
        text(m.get((*meta, "source_organization_name"))),
        (*meta, "source_organization_name"),
    )
    _harness(m)
    m.set(("date",), _epoch(m.get(("evaluation_timestamp",))), ("evaluation_timestamp",))
    m.open(("evaluation_results",))
    for i, _ in enumerate(m.get(("evaluation_results",)) or []):
        _result(m, ("evaluation_results", i))
    return m


def _harness(m: Mapping) -> None:
    name = text(m.get(("eval_library", "name")))
    if name is None or name == "unknown":
        return
    m.set(("evaluator", "harness", "name"), name, ("eval_library", "name"))
    version = text(m.get(("eval_library", "version")))
    if version != "unknown":
        m.set(("evaluator", "harness", "version"), version, ("eval_library", "version"))


def _result(m: Mapping, src: tuple[str | int, ...]) -> None:
    entry = m.get(src)
    config = entry.get("metric_config") or {}
    score = (entry.get("score_details") or {}).get("score")
    name = text((entry.get("source_data") or {}).get("dataset_name")) or text(
        entry.get("evaluation_name")
    )
    if number(score) is None or name is None or not isinstance(config.get("lower_is_better"), bool):
        return  # stays unmapped: a result with no value or no direction cannot be gated
    uncertainty = (entry.get("score_details") or {}).get("uncertainty") or {}
    metric = (
        text(config.get("metric_id"))
        or text(config.get("metric_name"))
        or text(config.get("evaluation_description"))
        or "score"
    )
    result: dict[str, Any] = {
        "benchmark": {"id": name},
        "metric": metric,
        "direction": "lower" if config["lower_is_better"] else "higher",
        "value": number(score),
        "categories": categories_for(name, text(entry.get("evaluation_name"))),
        "proportion": config.get("metric_unit") == "proportion",
    }
    split = text((entry.get("source_data") or {}).get("hf_split"))
    if split:
        result["benchmark"]["split"] = split
    stderr = number((uncertainty.get("standard_error") or {}).get("value"))
    if stderr is not None:
        result["stderr"] = stderr
    ci = uncertainty.get("confidence_interval") or {}
    if number(ci.get("lower")) is not None and number(ci.get("upper")) is not None:
        level = number(ci.get("confidence_level")) or 0.95
        result["interval"] = {"lower": ci["lower"], "upper": ci["upper"], "level": level}
    if isinstance(uncertainty.get("num_samples"), int):
        result["n"] = uncertainty["num_samples"]
    generation = _generation((entry.get("generation_config") or {}).get("generation_args") or {})
    if generation:
        result["generation"] = generation
    when = _epoch(entry.get("evaluation_timestamp"))
    if when is not None:
        result["date"] = when
    m.append(("results",), result, src, use=False)
    for key in ("evaluation_name", "source_data", "score_details", "evaluation_result_id"):
        m.use((*src, key))
    m.use((*src, "metric_config"))
    m.use((*src, "generation_config"), (*src, "evaluation_timestamp"))


def _generation(args: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for ours, theirs in (
        ("temperature", "temperature"),
        ("top_p", "top_p"),
        ("max_tokens", "max_tokens"),
    ):
        if number(args.get(theirs)) is not None:
            out[ours] = args[theirs]
    return out


def _epoch(value: Any) -> dt.date | None:
    seconds = number(value)
    if seconds is None:
        return None
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()


def _instances(records: list[Any]) -> Mapping:
    """Instance-level records, one per sample: aggregated per evaluation into value, n, stderr."""
    m = Mapping(records)
    groups: dict[str, list[float]] = {}
    first: dict[str, int] = {}
    for i, record in enumerate(records):
        score = (
            number(((record or {}).get("evaluation") or {}).get("score"))
            if isinstance(record, dict)
            else None
        )
        name = text(record.get("evaluation_name")) if isinstance(record, dict) else None
        if score is None or name is None:
            continue
        groups.setdefault(name, []).append(score)
        first.setdefault(name, i)
        m.use((i,))
        m.set_default(("model", "id"), text(record.get("model_id")), None)
    for name, scores in groups.items():
        m.append(("results",), _aggregate(name, scores), (first[name],), use=False)
    if groups:
        m.warn(
            "instance-level records do not say which way is better: higher is assumed, "
            "as for the scores of their aggregate records"
        )
    return m


def _aggregate(name: str, scores: list[float]) -> dict[str, Any]:
    n = len(scores)
    mean = sum(scores) / n
    binary = all(s in (0.0, 1.0) for s in scores)
    result: dict[str, Any] = {
        "benchmark": {"id": name},
        "metric": "mean score",
        "direction": "higher",
        "value": mean,
        "n": n,
        "proportion": binary,
        "categories": categories_for(name),
    }
    if not binary and n > 1:
        variance = sum((s - mean) ** 2 for s in scores) / (n - 1)
        result["stderr"] = math.sqrt(variance / n)
    return result
