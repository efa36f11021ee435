"""`govern fairness`: compute the fairness-report evidence from a predictions file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

ENV = "GOVERN_FAIRNESS_"


class CreatedType(click.ParamType):  # type: ignore[type-arg]
    """`now`, a date or an ISO date-time: the report has no clock reading unless asked."""

    name = "now|DATE|DATETIME"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date | dt.datetime:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if text.lower() == "now":
            return dt.datetime.now(dt.UTC).replace(microsecond=0)
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text)
            return dt.datetime.fromisoformat(text)
        except ValueError:
            self.fail(f"{value!r} is not 'now', YYYY-MM-DD or an ISO date-time", param, ctx)


class ThresholdType(click.ParamType):  # type: ignore[type-arg]
    """A number, or `median` for the scoring rate of NYC Local Law 144."""

    name = "T|median"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float | str:
        text = str(value).strip()
        if text.lower() == "median":
            return "median"
        try:
            number = float(text)
        except ValueError:
            self.fail(f"{value!r} is neither a number nor 'median'", param, ctx)
        if number != number or number in (float("inf"), float("-inf")):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


def _columns(values: tuple[str, ...]) -> tuple[str, ...]:
    """--sensitive takes a comma list, may repeat, and splits on whitespace from the env var."""
    return tuple(c.strip() for value in values for c in value.split(",") if c.strip())


@click.command("fairness")
@click.argument("predictions", metavar="PREDICTIONS", required=False, envvar=f"{ENV}PREDICTIONS")
@click.option(
    "--sql",
    metavar="QUERY",
    envvar=f"{ENV}SQL",
    help="Instead of PREDICTIONS: a read-only SELECT whose rows are counted inside the engine "
    "(one GROUP BY; rows never leave it). Needs govern[warehouse].",
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb"]),
    default="duckdb",
    show_default=True,
    envvar=f"{ENV}ENGINE",
    help="Embedded engine for --sql: reads Parquet, CSV or DuckDB files under --repo-root.",
)
@click.option(
    "--engine-url",
    metavar="URL",
    envvar=f"{ENV}ENGINE_URL",
    help="Run --sql on this database instead (postgresql://..., or any Ibis backend URL).",
)
@click.option(
    "--repo-root",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    envvar="GOVERN_REPO_ROOT",
    help="The only folder --sql may read files from (default: the current folder).",
)
@click.option(
    "--y-true",
    "y_true",
    metavar="COL",
    envvar=f"{ENV}Y_TRUE",
    help="Column with the true label (or target); without it, a selection-only audit.",
)
@click.option(
    "--y-pred",
    "y_pred",
    metavar="COL",
    envvar=f"{ENV}Y_PRED",
    help="Column with the model's prediction or decision (selected: the positive label).",
)
@click.option(
    "--score",
    metavar="COL",
    envvar=f"{ENV}SCORE",
    help="Column with the model's score for the positive label; adds ROC AUC, or with "
    "--threshold decides who is selected.",
)
@click.option(
    "--threshold",
    metavar="T|median",
    type=ThresholdType(),
    envvar=f"{ENV}THRESHOLD",
    help="Selection-only: selected when --score >= T; `median`: above the sample median "
    "(LL144's scoring rate).",
)
@click.option(
    "--control",
    metavar="COL[,COL...]",
    multiple=True,
    envvar=f"{ENV}CONTROL",
    help="Strata: selection figures within each combination of these columns (fairlearn's "
    "control_features).",
)
@click.option(
    "--min-share",
    metavar="SHARE",
    type=click.FloatRange(0, 1, max_open=True),
    default=0.0,
    show_default=True,
    envvar=f"{ENV}MIN_SHARE",
    help="Groups under this share of a stratum's rows (e.g. 0.02) are excluded from impact "
    "ratios and listed.",
)
@click.option(
    "--interval",
    type=click.Choice(["wilson", "clopper-pearson"]),
    default="wilson",
    show_default=True,
    envvar=f"{ENV}INTERVAL",
    help="Interval of every selection rate.",
)
@click.option(
    "--permutations",
    metavar="N",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    envvar=f"{ENV}PERMUTATIONS",
    help="Permutation-test p-value per selection disparity (Holm-corrected); 0: none.",
)
@click.option(
    "--sensitive",
    metavar="COL[,COL...]",
    required=True,
    multiple=True,
    envvar=f"{ENV}SENSITIVE",
    help="Sensitive feature columns; with several, their intersection is added.",
)
@click.option(
    "--positive-label",
    metavar="V",
    envvar=f"{ENV}POSITIVE_LABEL",
    help="The label that is the positive outcome (default 1 for 0/1 and -1/1 labels).",
)
@click.option(
    "--task",
    type=click.Choice(["auto", "binary", "regression"]),
    default="auto",
    show_default=True,
    envvar=f"{ENV}TASK",
    help="auto: regression when a label or prediction has a fractional part.",
)
@click.option(
    "--bootstrap",
    metavar="N",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    envvar=f"{ENV}BOOTSTRAP",
    help="Bootstrap resamples for confidence intervals (0: none).",
)
@click.option(
    "--ci",
    "ci_level",
    metavar="LEVEL",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.95,
    show_default=True,
    envvar=f"{ENV}CI",
    help="Confidence level of the intervals.",
)
@click.option(
    "--min-group-size",
    metavar="N",
    type=click.IntRange(min=0),
    default=30,
    show_default=True,
    envvar=f"{ENV}MIN_GROUP_SIZE",
    help="Groups with fewer rows are flagged small and warned about.",
)
@click.option(
    "--seed",
    metavar="S",
    type=click.IntRange(min=0),
    envvar=f"{ENV}SEED",
    help="Seed of the bootstrap; without one a seed is drawn and recorded.",
)
@click.option(
    "--metric",
    "metrics",
    metavar="NAME",
    multiple=True,
    envvar=f"{ENV}METRIC",
    help="Add a scikit-learn or fairlearn metric per group by name (f1, balanced_accuracy, "
    "brier_score, log_loss, calibration_error, ...; needs govern[fairlearn]).",
)
@click.option(
    "--cross-check",
    "cross_check",
    is_flag=True,
    envvar=f"{ENV}CROSS_CHECK",
    help="Recompute the group rates with fairlearn's MetricFrame and record whether they are "
    "identical (needs govern[fairlearn]).",
)
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    default="-",
    show_default=True,
    envvar=f"{ENV}OUTPUT",
    help="Where to write the report JSON (- for stdout).",
)
@click.option(
    "--force",
    is_flag=True,
    envvar=f"{ENV}FORCE",
    help="Replace an existing -o file that holds something other than JSON.",
)
@click.option(
    "--created",
    type=CreatedType(),
    envvar=f"{ENV}CREATED",
    help="Record a creation time (`now` or ISO); none by default, for reproducibility.",
)
@click.option(
    "--model-version",
    metavar="V",
    envvar=f"{ENV}MODEL_VERSION",
    help="Version of the model that made the predictions.",
)
@click.option(
    "--dataset",
    metavar="ID",
    envvar=f"{ENV}DATASET",
    help="Id of the evaluation dataset (as in its dataset record).",
)
def command(
    predictions: str | None,
    sql: str | None,
    engine: str,
    engine_url: str | None,
    repo_root: Path | None,
    y_true: str | None,
    y_pred: str | None,
    score: str | None,
    threshold: float | str | None,
    control: tuple[str, ...],
    min_share: float,
    interval: str,
    permutations: int,
    cross_check: bool,
    metrics: tuple[str, ...],
    sensitive: tuple[str, ...],
    positive_label: str | None,
    task: str,
    bootstrap: int,
    ci_level: float,
    min_group_size: int,
    seed: int | None,
    output: str,
    force: bool,
    created: dt.date | dt.datetime | None,
    model_version: str | None,
    dataset: str | None,
) -> None:
    """Per-group metrics and disparities of a classifier (or regressor) on PREDICTIONS.

    PREDICTIONS is a CSV, TSV, Parquet or JSON Lines file (optionally .gz) with one row per
    example. Metrics and disparities are fairlearn's, for each sensitive feature and their
    intersection. With --bootstrap every one gets a confidence interval that contains its
    value: percentile for metrics; for disparities (a max - min over groups, biased upwards in
    resamples) the range over a simultaneous bootstrap-t band on the group gaps.

    Without --y-true it is a selection audit (NYC Local Law 144, the four-fifths rule): who
    was selected by --y-pred, or by --score with --threshold; per group its selection rate
    with a Wilson or Clopper-Pearson interval, the impact ratio to the most-selected group and
    the four-fifths flag, within each --control stratum.

    \b
    Example:
      govern fairness data/predictions.csv --y-true default --y-pred predicted_default \\
        --score score --sensitive sex,age_band --bootstrap 1000 --seed 7 \\
        -o reports/fairness.json
      govern fairness hires.csv --score score --threshold median --sensitive sex,race \\
        --control job_family --min-share 0.02 --permutations 9999 --seed 7 -o sel.json
    """
    # Imported here so that other commands never load numpy or pyarrow.
    from govern.fairness.io import release_memory_promptly
    from govern.fairness.report import Spec, fairness_report, render
    from govern.outputs import check_outputs, refuse_replacing_other_kinds, write_atomic

    if (predictions is None) == (sql is None):
        raise click.UsageError("give PREDICTIONS (a file) or --sql QUERY, not both or neither")
    if output != "-" and predictions not in ("-", None):
        check_outputs([Path(output)], inputs=[Path(predictions)])
    if output != "-":
        refuse_replacing_other_kinds([(Path(output), "json")], force)

    release_memory_promptly()
    spec = Spec(
        y_true=y_true,
        y_pred=y_pred,
        sensitive=_columns(sensitive),
        score=score,
        positive_label=positive_label,
        task=task,  # type: ignore[arg-type]  # click.Choice guarantees the literal
        bootstrap=bootstrap,
        ci_level=ci_level,
        min_group_size=min_group_size,
        seed=seed,
        threshold=threshold,  # type: ignore[arg-type]  # ThresholdType gives a float or "median"
        control=_columns(control),
        min_share=min_share,
        interval=interval,  # type: ignore[arg-type]  # click.Choice guarantees the literal
        permutations=permutations,
    )
    if sql is not None:
        if metrics or cross_check:
            raise click.UsageError("--metric and --cross-check need the rows: use PREDICTIONS")
        from govern.fairness.warehouse import Warehouse, warehouse_report

        warehouse = Warehouse(sql, engine, engine_url, repo_root or Path.cwd())
        report = warehouse_report(
            warehouse, spec, created=created, model_version=model_version, dataset=dataset
        )
    else:
        assert predictions is not None
        report = fairness_report(
            predictions, spec, created=created, model_version=model_version, dataset=dataset
        )
    if metrics:
        assert predictions is not None
        from govern.fairness.named_metrics import add_metrics

        report = add_metrics(predictions, report, _columns(metrics))
    if cross_check:
        from govern.fairness.crosscheck import cross_check as recompute

        assert predictions is not None
        report = report.model_copy(update={"cross_check": recompute(predictions, report)})
    text = render(report)
    if output == "-":
        click.echo(text, nl=False)
    else:
        write_atomic(Path(output), text)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    views = ", ".join(
        f"{f.name} ({len(f.groups)} group{'s' if len(f.groups) != 1 else ''})"
        for f in report.features
    )
    where = "stdout" if output == "-" else output
    click.echo(
        f"fairness: {report.source.rows} rows, {report.parameters.task}; {views}; "
        f"{len(report.warnings)} warnings"
        + (f"; {report.cross_check.summary}" if report.cross_check else "")
        + f" -> {where}",
        err=True,
    )
