"""The file behind a fairness report as a pandas frame, for what fairlearn computes itself.

Only `--cross-check` and `--metric` use it (the `govern[fairlearn]` extra): the report's own
numbers never go through pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from govern.errors import UsageError
from govern.evidence.fairness import FairnessReport
from govern.fairness.counts import label_key
from govern.fairness.io import iter_batches, open_source


@dataclass(frozen=True)
class Loaded:
    """Columns as fairlearn takes them: 0/1 labels and decisions, the score as float."""

    frame: Any  # pandas.DataFrame
    y_true: Any  # pandas.Series of 0/1; the decision itself in a selection-only report
    y_pred: Any
    score: Any | None


def require_fairlearn(option: str) -> None:
    try:
        import fairlearn  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError:
        raise UsageError(f"{option} needs fairlearn: pip install 'govern[fairlearn]'") from None


def load(path: str, report: FairnessReport, option: str) -> Loaded:
    """Read the report's columns and decide labels and selection exactly as the report did."""
    require_fairlearn(option)
    import pyarrow as pa

    params = report.parameters
    if params.task != "binary":
        raise UsageError(f"{option} applies to binary decisions, not regression")
    wanted = [*params.sensitive, params.y_pred, params.score, params.y_true]
    columns = list(dict.fromkeys(c for c in wanted if c))
    tables = [pa.table(batch) for batch in iter_batches(open_source(path), columns)]
    frame = pa.concat_tables(tables).to_pandas()  # the report was made: the file has rows
    positive = label_key(params.positive_label) if params.positive_label is not None else 1.0

    def is_positive(values: Any) -> Any:
        return values.map(lambda v: label_key(v) == positive).astype(int)

    score = frame[params.score].astype(float) if params.score else None
    if params.y_pred is not None:
        y_pred = is_positive(frame[params.y_pred])
    else:
        selection = report.selection
        assert selection is not None and selection.threshold is not None and score is not None
        cut = selection.threshold
        y_pred = ((score > cut) if selection.rule == "median" else (score >= cut)).astype(int)
    y_true = is_positive(frame[params.y_true]) if params.y_true is not None else y_pred
    return Loaded(frame, y_true, y_pred, score)
