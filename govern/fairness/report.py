"""Turn a predictions file into the fairness-report evidence: read, count, analyse, describe."""

from __future__ import annotations

import datetime as dt
import json
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from govern import __version__
from govern.errors import InputError, Problem, UsageError
from govern.evidence.fairness import (
    CiMethod,
    Disparity,
    FairnessReport,
    FeatureReport,
    GroupReport,
    Interval,
    MetricValue,
    Parameters,
    SourceFile,
    Tool,
)
from govern.fairness.analysis import Analysis, Estimates, View, analyse, project
from govern.fairness.binomial import IntervalMethod
from govern.fairness.counts import Counts
from govern.fairness.io import Source, open_source, read_counts, sha256_of
from govern.fairness.selection import (
    SelectionRows,
    SelectionSpec,
    pooled_features,
    read_selection,
    selection_section,
    selection_warnings,
)


@dataclass(frozen=True)
class Spec:
    """What to compute, exactly as the user asked (recorded in the report's parameters)."""

    y_true: str | None
    y_pred: str | None
    sensitive: tuple[str, ...]
    score: str | None = None
    positive_label: str | None = None
    task: Literal["auto", "binary", "regression"] = "auto"
    bootstrap: int = 0
    ci_level: float = 0.95
    min_group_size: int = 30
    seed: int | None = None
    threshold: float | Literal["median"] | None = None
    control: tuple[str, ...] = ()
    min_share: float = 0.0
    interval: IntervalMethod = "wilson"
    permutations: int = 0

    @property
    def selection_only(self) -> bool:
        """No true label: the audit is about who was selected (LL144, four-fifths rule)."""
        return self.y_true is None

    @property
    def wants_selection(self) -> bool:
        """A selection section: always without a true label, else when strata or tests ask."""
        return self.selection_only or bool(self.control or self.permutations or self.min_share)

    def selection(self) -> SelectionSpec:
        return SelectionSpec(
            sensitive=self.sensitive,
            y_pred=self.y_pred,
            y_true=self.y_true,
            score=self.score if self.y_pred is None else None,
            threshold=self.threshold,
            positive_label=self.positive_label,
            control=self.control,
            min_share=self.min_share,
            interval=self.interval,
            ci_level=self.ci_level,
            permutations=self.permutations,
            seed=self.seed,
            min_group_size=self.min_group_size,
        )

    def check(self) -> None:
        """Reject option combinations that cannot work before touching the file."""
        if not self.sensitive:
            raise UsageError("name at least one sensitive feature column with --sensitive")
        if len(set(self.sensitive)) != len(self.sensitive):
            raise UsageError(f"--sensitive names a column twice: {', '.join(self.sensitive)}")
        targets = {c for c in (self.y_true, self.y_pred, self.score) if c}
        clash = sorted(targets & set(self.sensitive))
        if clash:
            raise UsageError(
                f"column {clash[0]!r} is both a sensitive feature and a label or score column"
            )
        if self.bootstrap < 0:
            raise UsageError("--bootstrap must be 0 (no intervals) or a number of resamples")
        if not 0 < self.ci_level < 1:
            raise UsageError(f"--ci must be between 0 and 1 (e.g. 0.95), not {self.ci_level}")
        if self.min_group_size < 0:
            raise UsageError("--min-group-size must not be negative")
        if self.score and self.task == "regression":
            raise UsageError("--score applies to binary classification, not regression")
        if self.selection_only:
            if self.score and self.threshold is None and self.y_pred:
                raise UsageError(
                    "--score needs --threshold (who is selected) or --y-true (for ROC AUC)"
                )
            if self.task == "regression":
                raise UsageError("a regression report needs --y-true")
            if self.bootstrap:
                raise UsageError(
                    "--bootstrap needs --y-true; a selection-only report states binomial "
                    "intervals (--interval wilson|clopper-pearson) instead"
                )
        elif self.y_pred is None:
            raise UsageError("--y-true needs --y-pred: the prediction to compare it with")
        elif self.threshold is not None:
            raise UsageError("--threshold is for selection-only audits (without --y-true)")
        if self.wants_selection:
            self.selection().check()


def compute(path: str, spec: Spec) -> tuple[SourceFile, Counts, Analysis, int | None]:
    """Read, hash and analyse a predictions file; returns the seed actually used."""
    spec.check()
    source = open_source(path)
    digest = sha256_of(source.path)
    assert spec.y_true is not None and spec.y_pred is not None  # checked: not selection-only
    counts = read_counts(
        source,
        y_true=spec.y_true,
        y_pred=spec.y_pred,
        sensitive=spec.sensitive,
        score=spec.score,
        task=spec.task,
        positive_label=spec.positive_label,
        keep_rows=spec.bootstrap > 0,
    )
    if counts.task == "regression" and spec.positive_label is not None:
        raise UsageError("--positive-label applies to binary classification, not regression")
    reject_identifiers(source.display, counts)
    # An unseeded bootstrap still records the seed it drew, so every report can be reproduced.
    seed = spec.seed
    if seed is None and spec.bootstrap > 0:
        seed = secrets.randbits(32)
    analysis = analyse(counts, n_resamples=spec.bootstrap, level=spec.ci_level, seed=seed)
    info = SourceFile(path=source.display, sha256=digest, rows=counts.n_rows, format=source.format)
    return info, counts, analysis, seed


def reject_identifiers(file: str, counts: Counts) -> None:
    """A value per row is an id column named by mistake: every group would be one row."""
    if counts.n_rows < 2:
        return
    message = (
        f"every one of the {counts.n_rows} rows has its own value; a sensitive feature "
        "must name groups, not rows"
    )
    problems = [
        Problem(file, 0, 0, feature, message)
        for feature, levels in zip(counts.features, counts.levels, strict=True)
        if len(levels) == counts.n_rows
    ]
    if problems:
        raise InputError(problems)


def fairness_report(
    path: str,
    spec: Spec,
    *,
    created: dt.datetime | dt.date | None = None,
    model_version: str | None = None,
    dataset: str | None = None,
) -> FairnessReport:
    """The whole command minus option parsing and writing: a validated FairnessReport."""
    if spec.selection_only:
        return _selection_report(
            path, spec, created=created, model_version=model_version, dataset=dataset
        )
    source, counts, analysis, seed = compute(path, spec)
    return labelled_report(
        source,
        counts,
        analysis,
        seed,
        spec,
        lambda: read_selection(open_source(path), spec.selection()),
        created=created,
        model_version=model_version,
        dataset=dataset,
    )


def labelled_report(
    source: SourceFile,
    counts: Counts,
    analysis: Analysis,
    seed: int | None,
    spec: Spec,
    strata: Callable[[], SelectionRows],
    *,
    created: dt.datetime | dt.date | None,
    model_version: str | None,
    dataset: str | None,
) -> FairnessReport:
    """The report of an analysis with true labels; `strata` gives the rows for a selection
    section when the spec asks for one (--control, --min-share, --permutations)."""
    parameters = Parameters(
        task=counts.task,
        y_true=spec.y_true,
        y_pred=spec.y_pred,
        score=spec.score,
        sensitive=list(spec.sensitive),
        positive_label=counts.positive_label,
        bootstrap=spec.bootstrap,
        ci_level=spec.ci_level,
        ci_method=CiMethod() if spec.bootstrap > 0 else None,
        min_group_size=spec.min_group_size,
        seed=seed,
    )
    report = build_report(
        analysis,
        source,
        parameters,
        created=created,
        model_version=model_version,
        dataset=dataset,
    )
    if not spec.wants_selection:
        return report
    if counts.task != "binary":
        raise UsageError("--control, --min-share and --permutations apply to binary decisions")
    rows = strata()
    section, _ = selection_section(rows, spec.selection())
    extra = selection_warnings(section, spec.min_group_size)
    return report.model_copy(update={"selection": section, "warnings": [*report.warnings, *extra]})


def _selection_report(
    path: str,
    spec: Spec,
    *,
    created: dt.datetime | dt.date | None,
    model_version: str | None,
    dataset: str | None,
) -> FairnessReport:
    """A report without true labels: selection rates, impact ratios, strata, binomial intervals."""
    spec.check()
    source: Source = open_source(path)
    digest = sha256_of(source.path)
    rows = read_selection(source, spec.selection())
    info = SourceFile(path=source.display, sha256=digest, rows=rows.n_rows, format=source.format)
    return selection_report(
        info, rows, spec, created=created, model_version=model_version, dataset=dataset
    )


def selection_report(
    source: SourceFile,
    rows: SelectionRows,
    spec: Spec,
    *,
    created: dt.datetime | dt.date | None,
    model_version: str | None,
    dataset: str | None,
) -> FairnessReport:
    """The report of a selection-only audit from its rows (or a database's grouped rows)."""
    selection = spec.selection()
    section, seed = selection_section(rows, selection)
    overall, features = pooled_features(rows, selection)
    parameters = Parameters(
        task="binary",
        y_true=None,
        y_pred=spec.y_pred,
        score=spec.score,
        sensitive=list(spec.sensitive),
        positive_label=rows.positive_label,
        bootstrap=0,
        ci_level=spec.ci_level,
        ci_method=CiMethod(metrics=spec.interval, disparities=None),
        min_group_size=spec.min_group_size,
        seed=seed,
    )
    return FairnessReport(
        generated_by=Tool(name="govern", version=__version__),
        created=created,
        model_version=model_version,
        dataset=dataset,
        source=source,
        parameters=parameters,
        overall=overall,
        features=features,
        selection=section,
        warnings=selection_warnings(section, spec.min_group_size),
    )


def _number(value: Any) -> float | None:
    """JSON has no NaN: undefined values become null."""
    number = float(value)
    return number if math.isfinite(number) else None


def _at(section: str, *keys: Any) -> Callable[[Estimates], Any]:
    """A getter for one leaf, applied alike to the point estimate and both interval bounds."""

    def get(estimates: Estimates) -> Any:
        value: Any = getattr(estimates, section)
        for key in keys:
            value = value[key]
        return value

    return get


def _metric(analysis: Analysis, get: Callable[[Estimates], Any]) -> MetricValue:
    """One value and, when bootstrapped, its interval, read the same way from each Estimates."""
    value = _number(get(analysis.point))
    if analysis.lower is None or analysis.upper is None:
        return MetricValue(value=value)
    interval = Interval(lower=_number(get(analysis.lower)), upper=_number(get(analysis.upper)))
    return MetricValue(value=value, ci=interval)


def build_report(
    analysis: Analysis,
    source: SourceFile,
    parameters: Parameters,
    *,
    created: dt.datetime | dt.date | None = None,
    model_version: str | None = None,
    dataset: str | None = None,
) -> FairnessReport:
    overall = {name: _metric(analysis, _at("overall", name)) for name in analysis.point.overall}
    features = [
        _feature(analysis, index, view, parameters.min_group_size)
        for index, view in enumerate(analysis.views)
    ]
    return FairnessReport(
        generated_by=Tool(name="govern", version=__version__),
        created=created,
        model_version=model_version,
        dataset=dataset,
        source=source,
        parameters=parameters,
        overall=overall,
        features=features,
        warnings=report_warnings(analysis, parameters.min_group_size),
    )


def _feature(analysis: Analysis, index: int, view: View, min_group_size: int) -> FeatureReport:
    groups = []
    sizes = analysis.point.sizes[index]
    names = list(analysis.point.groups[index])
    for g, values in enumerate(view.groups):
        metrics = {name: _metric(analysis, _at("groups", index, name, g)) for name in names}
        count = int(sizes[g])
        groups.append(
            GroupReport(
                group=view.label(g),
                values=dict(zip(view.columns, values, strict=True)),
                count=count,
                small=count < min_group_size,
                metrics=metrics,
            )
        )
    disparities = {
        name: Disparity(
            between_groups=_metric(analysis, _at("disparities", index, name, "between_groups")),
            to_overall=_metric(analysis, _at("disparities", index, name, "to_overall")),
        )
        for name in analysis.point.disparities[index]
    }
    return FeatureReport(
        name=view.name,
        columns=list(view.columns),
        intersectional=view.intersectional,
        groups=groups,
        disparities=disparities,
    )


def report_warnings(analysis: Analysis, min_group_size: int) -> list[str]:
    """Everything that makes a number weaker than it looks, in a stable order."""
    counts = analysis.counts
    out: list[str] = []
    positive = counts.positive_label
    binary = counts.task == "binary"
    has_auc = "roc_auc" in analysis.point.overall
    if binary:
        cells = counts.cells.sum(axis=tuple(range(len(counts.features))))
        if cells[1].sum() == 0:
            out.append(f"no row has true label {positive!r}: rates over positives are 0")
        if cells[0].sum() == 0:
            out.append(f"every row has true label {positive!r}: rates over negatives are 0")
    for index, view in enumerate(analysis.views):
        if len(view.groups) == 1:
            out.append(
                f"{view.name}: only one group ({view.label(0)}); every disparity compares it "
                "with itself"
            )
        sizes = analysis.point.sizes[index]
        for g in range(len(view.groups)):
            label, size = view.label(g), int(sizes[g])
            where = f"{view.name}: group {label}"
            if size == 0:
                out.append(f"{where} has no rows; its metrics are undefined (null)")
                continue
            if size < min_group_size:
                out.append(
                    f"{where} has {size} rows, fewer than the minimum group size "
                    f"{min_group_size}; its metrics are unreliable"
                )
            if binary:
                out.extend(_label_warnings(where, counts, view, g, has_auc))
            if analysis.absent and analysis.absent[index][g]:
                k, n = int(analysis.absent[index][g]), analysis.n_resamples
                out.append(
                    f"{where} had no rows in {k} of {n} bootstrap resamples; its intervals "
                    f"use the other {n - k}"
                )
    return out


def _label_warnings(where: str, counts: Counts, view: View, g: int, has_auc: bool) -> list[str]:
    """Say where fairlearn's 0-for-0/0 convention, not the model, produced a 0."""
    cells = project(counts.cells, len(counts.features), 2, view)[g]
    positive = counts.positive_label
    out = []
    auc = " and roc_auc is undefined (null)" if has_auc else ""
    if cells[1].sum() == 0:
        out.append(
            f"{where} has no rows with true label {positive!r}: true_positive_rate and "
            f"false_negative_rate are 0 by fairlearn's convention{auc}"
        )
    if cells[0].sum() == 0:
        out.append(
            f"{where} has only rows with true label {positive!r}: false_positive_rate and "
            f"true_negative_rate are 0 by fairlearn's convention{auc}"
        )
    if cells[:, 1].sum() == 0:
        out.append(
            f"{where} has no predicted {positive!r}: precision is 0 by fairlearn's convention"
        )
    return out


def _drop_none(data: dict[str, Any], key: str) -> None:
    if data.get(key, 0) is None:
        del data[key]


def render(report: FairnessReport) -> str:
    """Deterministic JSON: sorted keys, two-space indent, trailing newline."""
    data = report.model_dump(mode="json")
    for optional in ("selection", "cross_check", "library_metrics"):
        if data.get(optional) is None:
            data.pop(optional, None)  # reports without them stay byte for byte as they were
    _drop_none(data["source"], "query")
    for view in (data.get("selection") or {}).get("views", []):
        for stratum in view["strata"]:
            _drop_none(stratum, "differences")
            for group in stratum["groups"]:
                _drop_none(group, "metrics")
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
