"""Benchmark tables in model cards into evaluation results: which column is the benchmark, which
the metric and the shots, and which columns hold this model's scores rather than a baseline's."""

# A table comparing the card's model with others (`Llama 3 8B | Llama2 7B`) gives results only for
# the columns that name the card's model; a table with one score column, or with metric-named
# score columns (`Accuracy | F1`), gives all of them. When neither holds, nothing is taken and the
# rows stay in `unmapped`: a baseline's score must never pass for the model's own.

from __future__ import annotations

import re
from typing import Any

from govern.load.importers.markdown import Table

_BENCHMARK = re.compile(
    r"^(?:tasks?|evals?|evaluations?|test sets?|suites?)$|benchmark|dataset", re.IGNORECASE
)
_GROUPING = re.compile(r"^(category|capability|domain|type|area)$", re.IGNORECASE)
_MODEL_ROWS = re.compile(r"^(models?|model name|)$", re.IGNORECASE)
_METRIC_COLUMN = re.compile(r"^metrics?$", re.IGNORECASE)
_SHOTS = re.compile(r"shots?", re.IGNORECASE)
_METRIC_WORDS = re.compile(
    r"^(acc\w*|accuracy|f1|bleu|rouge[\w-]*|wer|cer|em|exact match|pass@\d+|auc\w*|precision"
    r"|recall|score|perplexity|ppl|mae|rmse|mse|r2|map|iou|fid|chrf|meteor|top-?\d accuracy"
    r"|win rate|error rate)\b",
    re.IGNORECASE,
)
_VALUE = re.compile(
    r"^\s*[~≈]?\s*(-?\d+(?:\.\d+)?)\s*(%)?\s*(?:(?:±|\+/-|\+-)\s*\d+(?:\.\d+)?)?\s*$"
)
_SHOT_IN_NAME = re.compile(r"\(?\s*(\d+(?:-\d+)?)[-\s]?shots?\s*(?:,\s*([^)]*))?\)?", re.IGNORECASE)
_PAREN_METRIC = re.compile(r"\(([^)]*)\)\s*$")


def value_of(cell: str) -> float | None:
    match = _VALUE.match(cell.replace("*", ""))
    return float(match.group(1)) if match else None


def _squash(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


def _roles(table: Table) -> tuple[int | None, int | None, int | None, list[int]]:
    """(benchmark column, metric column, shots column, score columns)."""
    header = table.header
    bench = next((i for i, h in enumerate(header) if _BENCHMARK.search(h)), None)
    metric = next((i for i, h in enumerate(header) if _METRIC_COLUMN.match(h.strip())), None)
    shots = next((i for i, h in enumerate(header) if _SHOTS.search(h)), None)
    numeric = []
    for index in range(len(header)):
        if index in (bench, metric, shots) or _GROUPING.match(header[index].strip()):
            continue
        cells = [row[index] for _, row in table.rows if index < len(row) and row[index].strip()]
        if cells and sum(value_of(c) is not None for c in cells) * 2 >= len(cells):
            numeric.append(index)
    if bench is None:
        bench = next(
            (
                i
                for i in range(len(header))
                if i not in numeric
                and i not in (metric, shots)
                and not _GROUPING.match(header[i].strip())
            ),
            None,
        )
    return bench, metric, shots, numeric


def _own_columns(table: Table, scores: list[int], name: str | None) -> list[int]:
    """The score columns that are this model's."""
    if len(scores) == 1:
        return scores
    if all(_METRIC_WORDS.match(table.header[i].strip()) for i in scores):
        return scores
    if not name:
        return []
    squashed = _squash(name)
    return [i for i in scores if squashed and squashed in _squash(table.header[i])]


def table_results(
    table: Table, name: str | None
) -> tuple[list[tuple[int, dict[str, Any]]], set[int]]:
    """Evaluation results from a table, by row index, and the rows whose scores were all taken."""
    bench, metric_col, shots_col, scores = _roles(table)
    if bench is None or not scores:
        return [], set()
    if _MODEL_ROWS.match(table.header[bench].strip()):
        return _by_model_rows(table, scores, name)
    own = _own_columns(table, scores, name)
    results: list[tuple[int, dict[str, Any]]] = []
    complete: set[int] = set()
    for row_index, (_, row) in enumerate(table.rows):
        cells = list(row) + [""] * (len(table.header) - len(row))
        benchmark = cells[bench].strip()
        if not benchmark or benchmark.lower() in ("total", "average", "avg"):
            continue
        dataset, shots, paren = _benchmark(benchmark)
        if shots_col is not None and cells[shots_col].strip():
            shots = f"{cells[shots_col].strip()}-shot"
        taken = 0
        for column in own:
            value = value_of(cells[column])
            if value is None:
                continue
            item: dict[str, Any] = {"metric": _metric(table, column, cells, metric_col, paren)}
            item.update(value=value, dataset=dataset)
            configuration = _configuration(table.header[column], shots)
            if configuration:
                item["configuration"] = configuration
            results.append((row_index, item))
            taken += 1
        present = sum(value_of(cells[c]) is not None for c in scores)
        if taken and taken == present:
            complete.add(row_index)
    return results, complete


def _by_model_rows(
    table: Table, scores: list[int], name: str | None
) -> tuple[list[tuple[int, dict[str, Any]]], set[int]]:
    """A table with a row per model (`Llama 2 | 7B | 16.8 | ...`): the rows naming this model,
    each score column a benchmark."""
    squashed = _squash(name or "")
    results: list[tuple[int, dict[str, Any]]] = []
    complete: set[int] = set()
    for row_index, (_, row) in enumerate(table.rows):
        label = " ".join(c for i, c in enumerate(row) if i not in scores and c.strip())
        if not squashed or squashed not in _squash(label):
            continue
        for column in scores:
            value = value_of(row[column]) if column < len(row) else None
            if value is not None:
                item = {"metric": "score", "value": value, "dataset": table.header[column].strip()}
                results.append((row_index, {**item, "configuration": label}))
        complete.add(row_index)
    return results, complete


def _benchmark(cell: str) -> tuple[str, str | None, str | None]:
    """`MMLU (5-shot)` -> (`MMLU`, `5-shot`, None); `QuAC (F1)` -> (`QuAC`, None, `F1`)."""
    shots = None
    match = _SHOT_IN_NAME.search(cell)
    if match and "shot" in match.group(0).lower():
        shots = f"{match.group(1)}-shot"
        cell = (cell[: match.start()] + cell[match.end() :]).strip()
    paren = _PAREN_METRIC.search(cell)
    metric = None
    if paren and _METRIC_WORDS.match(paren.group(1).strip()):
        metric = paren.group(1).strip()
        cell = cell[: paren.start()].strip()
    return cell.strip(" ,"), shots, metric


def _metric(
    table: Table, column: int, cells: list[str], metric_col: int | None, paren: str | None
) -> str:
    if metric_col is not None and cells[metric_col].strip():
        return cells[metric_col].strip()
    if _METRIC_WORDS.match(table.header[column].strip()):
        return table.header[column].strip()
    return paren or "score"


def _configuration(header: str, shots: str | None) -> str | None:
    parts = [] if _METRIC_WORDS.match(header.strip()) else [header.strip()]
    if shots:
        parts.append(shots)
    return ", ".join(p for p in parts if p) or None
