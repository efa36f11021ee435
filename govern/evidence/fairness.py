"""The fairness report: per-group metrics and disparities of one model on one evaluation set.

`govern fairness` writes it from a predictions file; policies gate on it. Metric names and
definitions are fairlearn's, so the numbers can be checked against fairlearn directly.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from govern.evidence.base import Record

DisparityMethod = Literal["between_groups", "to_overall"]


class Interval(Record):
    lower: float | None
    upper: float | None


class MetricValue(Record):
    """A point value and, when bootstrapped, its confidence interval. None where undefined (NaN)."""

    value: float | None
    ci: Interval | None = None


class GroupReport(Record):
    group: str
    values: dict[str, str] = {}
    count: int = Field(ge=0)
    small: bool = False
    metrics: dict[str, MetricValue] = {}


class Disparity(Record):
    between_groups: MetricValue | None = None
    to_overall: MetricValue | None = None


class FeatureReport(Record):
    name: str
    columns: list[str]
    intersectional: bool = False
    groups: list[GroupReport]
    disparities: dict[str, Disparity] = {}


class SourceFile(Record):
    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    rows: int = Field(ge=0)
    format: str | None = None


class CiMethod(Record):
    """How the intervals were computed (govern.fairness.intervals has the details).

    `percentile`: the percentile bootstrap interval, reaching the point estimate if it misses it.
    `sup-t`: the range of the disparity over a simultaneous bootstrap-t band on its gaps (the
    metric's differences between groups, or to overall; of logarithms for ratios); it always
    contains the point estimate. Reports written before this was recorded have no `ci_method`
    and used `percentile` for everything, which for disparities can exclude the estimate.
    """

    metrics: Literal["percentile"] = "percentile"
    disparities: Literal["percentile", "sup-t"] = "sup-t"


class Parameters(Record):
    task: Literal["binary", "regression"] = "binary"
    y_true: str
    y_pred: str
    score: str | None = None
    sensitive: list[str]
    positive_label: str | None = None
    bootstrap: int = Field(default=0, ge=0)
    ci_level: float = Field(default=0.95, gt=0, lt=1)
    ci_method: CiMethod | None = None  # with --bootstrap; absent in older reports
    min_group_size: int = Field(default=30, ge=0)
    seed: int | None = None


class Tool(Record):
    name: str = "govern"
    version: str


class FairnessReport(Record):
    schema_version: Literal[1] = 1
    generated_by: Tool
    created: dt.datetime | dt.date | None = None
    model_version: str | None = None
    dataset: str | None = None
    source: SourceFile
    parameters: Parameters
    overall: dict[str, MetricValue]
    features: list[FeatureReport]
    warnings: list[str] = []
