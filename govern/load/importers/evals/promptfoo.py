"""promptfoo results JSON: red-team results by plugin and strategy, or plain test pass rates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govern.load.documents import SourceDocument
from govern.load.importers.evals import categories_for
from govern.load.importers.mapping import Mapping, date, text

Key = tuple[str, str | None, str | None]


def detect(path: Path, data: Any) -> bool:
    inner = data.get("results") if isinstance(data, dict) else None
    return isinstance(inner, dict) and isinstance(inner.get("results"), list) and "version" in inner


def map_report(document: SourceDocument) -> Mapping:
    m = Mapping(document.data)
    m.open(("results",), ("results", "results"))
    m.set(("id",), text(m.get(("evalId",))), ("evalId",))
    m.set(("date",), date(m.get(("results", "timestamp"))), ("results", "timestamp"))
    m.use(("results", "version"))
    version = text(m.get(("metadata", "promptfooVersion")))
    m.set(("evaluator", "harness", "name"), "promptfoo", None)
    m.set(("evaluator", "harness", "version"), version, ("metadata", "promptfooVersion"))
    groups: dict[Key, list[int]] = {}
    outcomes: list[bool] = []
    for i, row in enumerate(m.get(("results", "results")) or []):
        if not isinstance(row, dict) or not isinstance(row.get("success"), bool):
            continue
        groups.setdefault(_key(row), []).append(i)
        outcomes.append(row["success"])
        m.use(("results", "results", i))
    providers = {provider for provider, _, _ in groups}
    if len(providers) == 1:
        m.set(("model", "id"), next(iter(providers)), None)
    rows = m.get(("results", "results"))
    for (provider, plugin, strategy), indexes in groups.items():
        passed = [rows[i]["success"] for i in indexes]
        src = ("results", "results", indexes[0])
        if plugin is None:
            m.append(("results",), _pass_rate(m, provider, passed), src, use=False)
        else:
            m.append(("red_team",), _attack(plugin, strategy, passed, version), src, use=False)
    return m


def _key(row: dict[str, Any]) -> Key:
    provider = row.get("provider")
    name = text(provider.get("id")) if isinstance(provider, dict) else text(provider)
    meta = row.get("metadata") or (row.get("testCase") or {}).get("metadata") or {}
    return name or "unnamed provider", text(meta.get("pluginId")), text(meta.get("strategyId"))


def _attack(
    plugin: str, strategy: str | None, passed: list[bool], version: str | None
) -> dict[str, Any]:
    """A failed red-team test is an attack that got through."""
    name = f"{plugin} via {strategy}" if strategy and strategy != "basic" else plugin
    return {
        "attack_class": name,
        "categories": categories_for(plugin, strategy) or ["adversarial"],
        "tool": {"name": "promptfoo", "version": version},
        "attempts": len(passed),
        "successes": sum(1 for ok in passed if not ok),
    }


def _pass_rate(m: Mapping, provider: str, passed: list[bool]) -> dict[str, Any]:
    suite = text(m.get(("config", "description"))) or text(m.get(("evalId",))) or "promptfoo tests"
    return {
        "benchmark": {"id": suite, "subset": provider},
        "metric": "test pass rate",
        "direction": "higher",
        "value": sum(passed) / len(passed),
        "n": len(passed),
        "proportion": True,
        "categories": categories_for(suite),
    }
