"""Inspect eval logs (JSON): the task's scores, stderr, sample count, model and settings."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from govern.load.documents import SourceDocument
from govern.load.importers.evals import categories_for
from govern.load.importers.mapping import Mapping, date, integer, number, text

_PROPORTIONS = {"accuracy", "mean"}


def detect(path: Path, data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("eval"), dict):
        return False
    return "task" in data["eval"] and "model" in data["eval"]


def map_report(document: SourceDocument) -> Mapping:
    m = Mapping(document.data)
    ev = ("eval",)
    m.open(ev, ("results",), ("plan",))
    m.use(("version",))
    m.set(("id",), text(m.get((*ev, "eval_id"))), (*ev, "eval_id"))
    m.set(("model", "id"), text(m.get((*ev, "model"))), (*ev, "model"))
    m.set(("date",), date(m.get((*ev, "created"))), (*ev, "created"))
    m.set(("evaluator", "harness", "name"), "inspect_ai", None)
    m.set(
        ("evaluator", "harness", "version"),
        text(m.get((*ev, "packages", "inspect_ai"))),
        (*ev, "packages"),
    )
    generation = _generation(m)
    if generation:
        m.set(("generation",), generation, None)
    status = text(m.get(("status",)))
    m.use(("status",))
    if status is not None and status != "success":
        m.warn(f"the log's status is {status!r}: its scores rest on the samples completed")
    for i, score in enumerate(m.get(("results", "scores")) or []):
        _score(m, i, score)
    return m


def _generation(m: Mapping) -> dict[str, Any]:
    out: dict[str, Any] = {}
    config = ("eval", "model_generate_config")
    for key in ("temperature", "top_p", "max_tokens"):
        value = number(m.get((*config, key)))
        if value is not None:
            out[key] = int(value) if key == "max_tokens" else value
            m.use((*config, key))
    for j, step in enumerate(m.get(("plan", "steps")) or []):
        template = (
            text((step.get("params") or {}).get("template")) if isinstance(step, dict) else None
        )
        if isinstance(step, dict) and step.get("solver") == "system_message" and template:
            out["system_prompt_digest"] = hashlib.sha256(template.encode()).hexdigest()
            m.use(("plan", "steps", j))
    return out


def _score(m: Mapping, i: int, score: Any) -> None:
    src = ("results", "scores", i)
    metrics = (score or {}).get("metrics") or {}
    stderr = number((metrics.get("stderr") or {}).get("value"))
    n = integer(m.get(("results", "completed_samples")))
    task = text(m.get(("eval", "task"))) or "task"
    for name, metric in metrics.items():
        value = number((metric or {}).get("value"))
        if name == "stderr" or value is None:
            continue
        result: dict[str, Any] = {
            "benchmark": {"id": task, "subset": text(score.get("name"))},
            "metric": name,
            "direction": "higher",
            "value": value,
            "proportion": name in _PROPORTIONS and 0 <= value <= 1,
            "categories": categories_for(task, text(m.get(("eval", "dataset", "name")))),
        }
        version = m.get(("eval", "task_version"))
        if version is not None:
            result["benchmark"]["version"] = str(version)
        if stderr is not None:
            result["stderr"] = stderr
        if n is not None:
            result["n"] = n
        m.append(("results",), result, (*src, "metrics", name), use=False)
        m.use((*src, "metrics", name))
    m.use((*src, "metrics", "stderr"), (*src, "name"), (*src, "scorer"))
    m.use(("results", "completed_samples"), ("eval", "task"), ("eval", "task_version"))
    m.warn("Inspect logs do not say which way a metric is better: higher is assumed")
