"""Fairness counts from a query run inside a database: one GROUP BY, so rows never leave it.

`govern fairness --sql QUERY` sends the user's query, wrapped in a GROUP BY over the sensitive,
control, label and decision columns, to DuckDB (embedded, reading Parquet, CSV or DuckDB files
in the root folder only) or, through Ibis, to the engine a connection URL names (Postgres tested;
Spark, Trino, BigQuery by URL). What comes back is a count per cell, which the report code reads
as it reads a file's rows, each weighted by its count: the numbers are the file path's, exactly.
Needs the `govern[warehouse]` extra (duckdb, ibis-framework); imported only for `--sql`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govern.errors import InputError, UsageError
from govern.evidence.fairness import FairnessReport, SourceFile
from govern.fairness.analysis import analyse
from govern.fairness.io import Source, read_counts
from govern.fairness.report import (
    Spec,
    labelled_report,
    reject_identifiers,
    selection_report,
)
from govern.fairness.selection import read_selection

ROWS = "__govern_rows"
SELECTED = "__govern_selected"
NON_FINITE = "__govern_non_finite"
# A result with more cells than this is not a few groups: an identifier or an unbinned number.
MAX_CELLS = 1_000_000
WRITES = ("Insert", "Update", "Delete", "Merge", "Create", "Drop", "Alter", "Command", "Copy")


@dataclass(frozen=True)
class Warehouse:
    """Where the query runs: embedded DuckDB confined to `root`, or the engine at `url`."""

    sql: str
    engine: str = "duckdb"
    url: str | None = None
    root: Path = Path(".")

    @property
    def display(self) -> str:
        return f"sql query ({self.engine if self.url is None else _scheme(self.url)})"


def _scheme(url: str) -> str:
    return url.split(":", 1)[0].split("+", 1)[0]


def require_select(sql: str, dialect: str) -> None:
    """Refuse anything but one SELECT (or WITH ... SELECT) that writes nothing."""
    import sqlglot
    from sqlglot import exp

    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except sqlglot.errors.ParseError as exc:
        raise UsageError(f"--sql: cannot parse the query ({str(exc).splitlines()[0]})") from None
    if len(statements) != 1:
        raise UsageError(f"--sql takes one SELECT statement, not {len(statements)}")
    (statement,) = statements
    writes = tuple(getattr(exp, name) for name in WRITES if hasattr(exp, name))
    if not isinstance(statement, exp.Query) or any(statement.find_all(*writes)):
        raise UsageError("--sql takes a read-only SELECT (or WITH ... SELECT) statement")


def connect(warehouse: Warehouse) -> Any:
    """An Ibis connection; embedded DuckDB may read files under `root` and nothing else."""
    try:
        import ibis
    except ImportError:
        raise UsageError(
            "--sql needs the warehouse extra: pip install 'govern[warehouse]'"
        ) from None
    if warehouse.url is not None:
        url = warehouse.url
        if _scheme(url) == "postgresql":
            url = "postgres://" + url.split("://", 1)[1]
        try:
            return ibis.connect(url)
        except Exception as exc:  # every driver has its own errors
            raise UsageError(f"--engine-url: cannot connect ({_first_line(exc)})") from None
    if warehouse.engine != "duckdb":
        raise UsageError(f"--engine {warehouse.engine} needs --engine-url")
    import duckdb

    con = duckdb.connect(":memory:")
    root = os.path.realpath(warehouse.root)
    con.execute("SET allowed_directories = ?", [[root + os.sep]])
    con.execute("SET enable_external_access = false")
    backend = ibis.duckdb.from_connection(con)  # sets the time zone: lock after it
    con.execute("SET lock_configuration = true")
    return backend


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def grouped(warehouse: Warehouse, spec: Spec) -> Any:
    """The one GROUP BY, run in the engine: a pyarrow Table with a row count per cell."""
    con = connect(warehouse)
    require_select(warehouse.sql, con.name)
    try:
        table = con.sql(warehouse.sql)
        keys = [table[c] for c in dict.fromkeys([*spec.sensitive, *spec.control])]
        measures: dict[str, Any] = {ROWS: table.count()}
        if spec.y_true is not None:
            keys.append(table[spec.y_true])
        if spec.y_pred is not None:
            keys.append(table[spec.y_pred])
        else:
            assert spec.score is not None and isinstance(spec.threshold, float)
            score = table[spec.score]
            keys.append((score >= spec.threshold).name(SELECTED))
            if score.type().is_floating():
                measures[NON_FINITE] = (score.isnan() | score.isinf()).sum()
        query = table.group_by(keys).aggregate(**measures).limit(MAX_CELLS + 1)
        result = query.to_pyarrow()
    except (UsageError, InputError):
        raise
    except Exception as exc:  # the engine's own error: a bad column, type or file
        raise InputError.single(warehouse.display, _first_line(exc)) from None
    if result.num_rows > MAX_CELLS:
        raise InputError.single(
            warehouse.display, f"more than {MAX_CELLS} cells: group by columns with few values"
        )
    if NON_FINITE in result.column_names and any(result[NON_FINITE].to_pylist()):
        raise InputError.single(
            warehouse.display, "a non-finite score (NaN or inf)", field=spec.score or ""
        )
    return result


def check(spec: Spec) -> None:
    """What a count per cell cannot give: ROC AUC, regression, a median over rows."""
    spec.check()
    if spec.task == "regression":
        raise UsageError("--sql computes binary decisions; a regression report needs the rows")
    if spec.y_true is not None and spec.score is not None:
        raise UsageError("--sql cannot give ROC AUC (it needs every row); drop --score")
    if spec.threshold == "median":
        raise UsageError("--sql takes a numeric --threshold; `median` needs every row")


def warehouse_report(
    warehouse: Warehouse,
    spec: Spec,
    *,
    created: dt.datetime | dt.date | None = None,
    model_version: str | None = None,
    dataset: str | None = None,
) -> FairnessReport:
    """The report `govern fairness` writes for the same rows in a file, from grouped counts."""
    check(spec)
    table = grouped(warehouse, spec)
    batch = {name: table[name].combine_chunks() for name in table.column_names}
    source = Source(Path(warehouse.display), warehouse.display, "parquet")  # names errors only
    info = SourceFile(
        path=warehouse.display,
        sha256=hashlib.sha256(warehouse.sql.encode()).hexdigest(),
        rows=sum(table[ROWS].to_pylist()),
        format=f"sql:{warehouse.engine if warehouse.url is None else _scheme(warehouse.url)}",
        query=warehouse.sql,
    )
    meta: dict[str, Any] = {"created": created, "model_version": model_version, "dataset": dataset}
    if spec.selection_only:
        selection = spec.selection()
        if spec.y_pred is None:  # the engine decided who is selected: a True/False column
            selection = dataclasses.replace(selection, y_pred=SELECTED, score=None, threshold=None)
        rows = read_selection(source, selection, [batch], ROWS)
        if spec.y_pred is None:
            threshold = spec.threshold if isinstance(spec.threshold, float) else None
            rows = dataclasses.replace(rows, positive_label=None, threshold=threshold)
        return selection_report(info, rows, spec, **meta)
    assert spec.y_true is not None and spec.y_pred is not None
    counts = read_counts(
        source,
        y_true=spec.y_true,
        y_pred=spec.y_pred,
        sensitive=spec.sensitive,
        task="binary",
        positive_label=spec.positive_label,
        batches=[batch],
        weight=ROWS,
    )
    reject_identifiers(info.path, counts)
    seed = spec.seed
    if seed is None and spec.bootstrap > 0:
        import secrets

        seed = secrets.randbits(32)
    analysis = analyse(counts, n_resamples=spec.bootstrap, level=spec.ci_level, seed=seed)
    strata = lambda: read_selection(source, spec.selection(), [batch], ROWS)  # noqa: E731
    return labelled_report(info, counts, analysis, seed, spec, strata, **meta)
