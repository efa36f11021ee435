"""lm-evaluation-harness `results*.json`: `metric,filter` and `metric_stderr,filter` per task."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from govern.load.documents import SourceDocument
from govern.load.importers.evals import categories_for
from govern.load.importers.mapping import Mapping, integer, number, text

# Metrics that are a share of the samples, so that n alone gives an interval.
_PROPORTIONS = {"acc", "acc_norm", "exact_match", "em", "mc1", "pass@1", "pct_stereotype"}


def detect(path: Path, data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("results"), dict):
        return False
    return "lm_eval_version" in data or ("versions" in data and "n-shot" in data)


def map_report(document: SourceDocument) -> Mapping:
    m = Mapping(document.data)
    _model(m)
    version = text(m.get(("lm_eval_version",)))
    m.set(("evaluator", "harness", "name"), "lm-evaluation-harness", None)
    m.set(("evaluator", "harness", "version"), version, ("lm_eval_version",))
    seconds = number(m.get(("date",)))
    if seconds is not None:
        when = dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
        m.set(("date",), when, ("date",))
    m.open(("results",), ("configs",), ("versions",), ("n-shot",), ("n-samples",))
    m.open(("higher_is_better",))
    for task in m.get(("results",)) or {}:
        _task(m, task)
    return m


def _model(m: Mapping) -> None:
    name = text(m.get(("model_name",)))
    m.set(("model", "id"), name, ("model_name",))
    m.use(("model_name_sanitized",))
    sha = text(m.get(("config", "model_sha")))
    m.set(("model", "revision"), sha, ("config", "model_sha"))
    m.set_default(
        ("model", "revision"),
        text(m.get(("config", "model_revision"))),
        ("config", "model_revision"),
    )
    m.open(("config",))


def _task(m: Mapping, task: str) -> None:
    metrics = m.get(("results", task)) or {}
    m.use(("results", task, "alias"))
    for key, value in metrics.items():
        if "," not in key or "_stderr," in key or number(value) is None:
            continue
        metric, filt = key.split(",", 1)
        result = _result(m, task, metric, filt, number(value))
        if result is None:
            continue
        m.append(("results",), result, ("results", task, key), use=False)
        m.use(("results", task, key), ("results", task, f"{metric}_stderr,{filt}"))
        m.use(("higher_is_better", task, metric))


def _result(
    m: Mapping, task: str, metric: str, filt: str, value: float | None
) -> dict[str, Any] | None:
    better = m.get(("higher_is_better", task, metric))
    if not isinstance(better, bool) or value is None:
        return None  # no direction: kept unmapped rather than guessed
    result: dict[str, Any] = {
        "benchmark": {"id": task},
        "metric": metric if filt == "none" else f"{metric} ({filt})",
        "direction": "higher" if better else "lower",
        "value": value,
        "proportion": metric in _PROPORTIONS,
        "categories": categories_for(task),
    }
    version = m.get(("versions", task))
    if version is not None:
        result["benchmark"]["version"] = str(version)
        m.use(("versions", task))
    split = text(m.get(("configs", task, "test_split")))
    if split:
        result["benchmark"]["split"] = split
        m.use(("configs", task, "test_split"))
    stderr = number(m.get(("results", task, f"{metric}_stderr,{filt}")))
    if stderr is not None:
        result["stderr"] = stderr
    n = integer(m.get(("n-samples", task, "effective")))
    if n is not None:
        result["n"] = n
        m.use(("n-samples", task))
    generation = _generation(m, task)
    if generation:
        result["generation"] = generation
    return result


def _generation(m: Mapping, task: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    shots = integer(m.get(("n-shot", task)))
    if shots is not None:
        out["n_shot"] = shots
        m.use(("n-shot", task))
    kwargs = ("configs", task, "generation_kwargs")
    for ours, theirs in (
        ("temperature", "temperature"),
        ("top_p", "top_p"),
        ("max_tokens", "max_gen_toks"),
    ):
        value = number(m.get((*kwargs, theirs)))
        if value is not None:
            out[ours] = int(value) if ours == "max_tokens" else value
            m.use((*kwargs, theirs))
    digest = text(m.get(("system_instruction_sha",)))
    if digest:
        out["system_prompt_digest"] = digest
        m.use(("system_instruction_sha",))
    return out
