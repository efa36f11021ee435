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


class Parameters(Record):
    task: Literal["binary", "regression"] = "binary"
    y_true: str
    y_pred: str
    score: str | None = None
    sensitive: list[str]
    positive_label: str | None = None
    bootstrap: int = Field(default=0, ge=0)
    ci_level: float = Field(default=0.95, gt=0, lt=1)
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
