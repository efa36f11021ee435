"""The fairness report: per-group metrics and disparities of one model on one evaluation set.

`govern fairness` writes it from a predictions file; policies gate on it. Metric names and
definitions are fairlearn's, so the numbers can be checked against fairlearn directly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from govern.evidence.base import Record

DisparityMethod = Literal["between_groups", "to_overall"]


class Interval(Record):
    lower: float | None
    upper: float | None


class MetricValue(Record):
    """A point value and, when bootstrapped, its confidence interval. None where undefined (NaN).

    `reason` says why a value is undefined (selection audits write it; older reports have none).
    """

    value: float | None
    ci: Interval | None = None
    reason: str | None = None

    @model_serializer(mode="wrap")
    def _without_empty_reason(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Reports without undefined values serialise exactly as before `reason` existed."""
        data: dict[str, Any] = handler(self)
        if data.get("reason") is None:
            data.pop("reason", None)
        return data


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
    # `govern fairness --sql`: the query whose rows were counted (`sha256` is the query's).
    query: str | None = None


class CiMethod(Record):
    """How the intervals were computed (govern.fairness.intervals has the details).

    `wilson`, `clopper-pearson`: binomial intervals of selection rates in a selection-only
    report (no bootstrap; its disparities then have no interval, `disparities` is null).
    `percentile`: the percentile bootstrap interval, reaching the point estimate if it misses it.
    `sup-t`: the range of the disparity over a simultaneous bootstrap-t band on its gaps (the
    metric's differences between groups, or to overall; of logarithms for ratios); it always
    contains the point estimate. Reports written before this was recorded have no `ci_method`
    and used `percentile` for everything, which for disparities can exclude the estimate.
    """

    metrics: Literal["percentile", "wilson", "clopper-pearson"] = "percentile"
    disparities: Literal["percentile", "sup-t"] | None = "sup-t"


class Parameters(Record):
    task: Literal["binary", "regression"] = "binary"
    y_true: str | None = None  # None: a selection-only audit (see FairnessReport.selection)
    y_pred: str | None = None  # None: selection by --score and --threshold
    score: str | None = None
    sensitive: list[str]
    positive_label: str | None = None
    bootstrap: int = Field(default=0, ge=0)
    ci_level: float = Field(default=0.95, gt=0, lt=1)
    ci_method: CiMethod | None = None  # with --bootstrap; absent in older reports
    min_group_size: int = Field(default=30, ge=0)
    seed: int | None = None


class SelectionGroup(Record):
    """One group within one stratum: who was selected, and how that compares to the top group.

    `share` is the group's part of the stratum's rows; a group under the report's `min_share` is
    `excluded` from impact ratios (and listed) but keeps its rate and interval.
    """

    group: str
    values: dict[str, str] = {}
    count: int = Field(ge=0)
    selected: int = Field(ge=0)
    share: float | None = None
    selection_rate: MetricValue
    impact_ratio: MetricValue | None = None  # None for an excluded group
    excluded: bool = False
    below_four_fifths: bool | None = None  # None where the impact ratio is undefined or excluded
    # With a true label: accuracy, TPR, FPR, FNR, TNR and precision within the stratum, each
    # with a binomial interval, null with the reason where it has no trials.
    metrics: dict[str, MetricValue] | None = None


class Stratum(Record):
    """The groups of one view within one combination of control values (`all` without control).

    `impact_ratio` is the lowest impact ratio among included groups (the demographic parity
    ratio over them); `difference` the largest selection-rate gap. `p_value` is the permutation
    test of that gap, `p_value_holm` the same adjusted across every stratum and view of the report.
    """

    stratum: str
    values: dict[str, str] = {}
    count: int = Field(ge=0)
    groups: list[SelectionGroup]
    excluded: list[str] = []
    impact_ratio: MetricValue
    difference: MetricValue
    p_value: MetricValue | None = None
    p_value_holm: MetricValue | None = None
    # With a true label: the largest gap of each rate between included groups (fairlearn's
    # between_groups difference within the stratum).
    differences: dict[str, MetricValue] | None = None


class WorstStratum(Record):
    """The stratum with the lowest defined impact ratio: what gates on strata read."""

    stratum: str | None
    impact_ratio: MetricValue
    p_value_holm: MetricValue | None = None
    undefined: list[str] = []  # strata whose impact ratio could not be computed


class SelectionView(Record):
    name: str
    columns: list[str]
    intersectional: bool = False
    strata: list[Stratum]
    worst: WorstStratum


class Selection(Record):
    """A selection audit (NYC LL144, the four-fifths rule): selection rates and impact ratios.

    `rule` says who counts as selected: `prediction` (the y_pred column equals the positive
    label), `threshold` (score >= threshold) or `median` (score above the sample median, LL144's
    scoring rate; `threshold` records the median used).
    """

    rule: Literal["prediction", "threshold", "median"]
    column: str
    positive_label: str | None = None
    threshold: float | None = None
    control: list[str] = []
    min_share: float = Field(default=0.0, ge=0, lt=1)
    four_fifths: float = 0.8
    interval: Literal["wilson", "clopper-pearson"] = "wilson"
    ci_level: float = Field(default=0.95, gt=0, lt=1)
    permutations: int = Field(default=0, ge=0)
    seed: int | None = None
    p_adjust: Literal["holm"] = "holm"
    views: list[SelectionView]


class CrossCheck(Record):
    """The report's group rates recomputed by fairlearn's MetricFrame (`--cross-check`)."""

    tool: Literal["fairlearn"] = "fairlearn"
    version: str
    compared: int = Field(ge=0)
    identical: bool
    differences: list[str] = []  # the first few, "feature group metric: govern x, fairlearn y"
    summary: str


class LibraryMetrics(Record):
    """Metrics added by name (`--metric`), computed by fairlearn's MetricFrame, not by govern."""

    names: list[str]
    fairlearn: str
    scikit_learn: str


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
    selection: Selection | None = None  # selection audits; absent in older reports
    cross_check: CrossCheck | None = None  # with --cross-check
    library_metrics: LibraryMetrics | None = None  # with --metric
    warnings: list[str] = []
