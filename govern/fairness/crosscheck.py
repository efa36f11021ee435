"""An independent recomputation of a report's group rates with fairlearn's MetricFrame.

govern computes its metrics from confusion counts (fast, and tested identical to fairlearn); an
auditor may still want the numbers of the report recomputed by the reference library on the
same file, and the outcome recorded. This module needs the `govern[fairlearn]` extra (fairlearn,
pandas, scikit-learn) and is imported only for `--cross-check`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from govern.errors import UsageError
from govern.evidence.fairness import CrossCheck, FairnessReport
from govern.fairness.counts import group_text, label_key
from govern.fairness.io import iter_batches, open_source

MAX_LISTED = 20


def _metrics() -> dict[str, Callable[..., float]]:
    """fairlearn's (and scikit-learn's) functions for the rates govern writes, by govern's name."""
    from fairlearn import metrics as fm
    from sklearn.metrics import accuracy_score, precision_score

    def precision(y_true: Any, y_pred: Any) -> float:
        return float(precision_score(y_true, y_pred, zero_division=0))

    return {
        "selection_rate": fm.selection_rate,
        "accuracy": accuracy_score,
        "true_positive_rate": fm.true_positive_rate,
        "false_positive_rate": fm.false_positive_rate,
        "false_negative_rate": fm.false_negative_rate,
        "true_negative_rate": fm.true_negative_rate,
        "precision": precision,
    }


def cross_check(path: str, report: FairnessReport, threshold: float | None = None) -> CrossCheck:
    """Recompute every group rate of the report with MetricFrame and compare, value for value."""
    try:
        import fairlearn
        import pyarrow as pa
        from fairlearn.metrics import MetricFrame
    except ImportError:
        raise UsageError("--cross-check needs fairlearn: pip install 'govern[fairlearn]'") from None
    params = report.parameters
    if params.task != "binary":
        raise UsageError("--cross-check applies to binary decisions, not regression")
    decision = params.y_pred or params.score
    assert decision is not None
    columns = list(dict.fromkeys([*params.sensitive, decision, *filter(None, [params.y_true])]))
    source = open_source(path)
    tables = [pa.table(batch) for batch in iter_batches(source, columns)]
    frame = pa.concat_tables(tables).to_pandas()  # the report was made: the file has rows
    positive = label_key(params.positive_label) if params.positive_label is not None else 1.0

    def is_positive(values: Any) -> Any:
        return values.map(lambda v: label_key(v) == positive).astype(int)

    if params.y_pred is not None:
        y_pred = is_positive(frame[params.y_pred])
    else:
        scores = frame[decision].astype(float)
        selection = report.selection
        cut = selection.threshold if selection is not None else threshold
        median = selection is not None and selection.rule == "median"
        y_pred = ((scores > cut) if median else (scores >= cut)).astype(int)
    y_true = is_positive(frame[params.y_true]) if params.y_true is not None else y_pred
    functions = _metrics()
    compared, differences = 0, []
    for feature in report.features:
        names = [n for n in feature.groups[0].metrics if n in functions] if feature.groups else []
        if params.y_true is None:
            names = [n for n in names if n == "selection_rate"]
        if not names:
            continue
        groups = frame[feature.columns].map(group_text)
        metric = MetricFrame(
            metrics={n: functions[n] for n in names},
            y_true=y_true,
            y_pred=y_pred,
            sensitive_features=groups,
        )
        by_group = metric.by_group
        for group in feature.groups:
            key: Any = tuple(group.values[c] for c in feature.columns)
            key = key[0] if len(key) == 1 else key
            for name in names:
                ours = group.metrics[name].value
                theirs = float(by_group.loc[key, name]) if key in by_group.index else math.nan
                compared += 1
                if not _same(ours, theirs):
                    differences.append(
                        f"{feature.name} {group.group} {name}: govern {ours}, fairlearn {theirs}"
                    )
    version = str(fairlearn.__version__)
    summary = (
        f"identical to fairlearn {version} ({compared} values)"
        if not differences
        else f"{len(differences)} of {compared} values differ from fairlearn {version}"
    )
    return CrossCheck(
        tool="fairlearn",
        version=version,
        compared=compared,
        identical=not differences,
        differences=differences[:MAX_LISTED],
        summary=summary,
    )


def _same(ours: float | None, theirs: float) -> bool:
    """Equal to the last bits that summation order can change; undefined matches NaN."""
    if ours is None:
        return math.isnan(theirs)
    return not math.isnan(theirs) and abs(ours - theirs) <= 1e-12
