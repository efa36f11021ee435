"""`govern fairness --sql`: counts from one GROUP BY in DuckDB or Postgres give the report the
file path gives on the same rows, bit for bit (all but the source), and only a SELECT runs."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.conftest import CliResult

Runner = Callable[[list[str], Path], tuple[int, str]]

POSTGRES = os.environ.get(
    "GOVERN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

LABELLED = ["--y-true", "outcome", "--y-pred", "hired", "--sensitive", "sex,race"]
CASES = {
    "labelled": LABELLED,
    "labelled, strata, tests": [*LABELLED, "--control", "exam", "--permutations", "99"],
    "labelled, bootstrap": [*LABELLED, "--bootstrap", "200"],
    "selection by decision": ["--y-pred", "hired", "--sensitive", "sex,race", "--control", "exam"],
    "selection by threshold": [
        "--score", "score", "--threshold", "0.6", "--sensitive", "sex", "--min-share", "0.05",
    ],
}  # fmt: skip


def _frame(n: int = 3000, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    truth = (rng.random(n) < 0.3).astype(int)
    return pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n),
            "race": rng.choice(["A", "B", "C"], n, p=[0.6, 0.35, 0.05]),
            "exam": rng.choice(["e1", "e2"], n),
            "outcome": truth,
            "hired": np.where(rng.random(n) < 0.8, truth, 1 - truth),
            "score": rng.random(n).round(3),
        }
    )


@pytest.fixture
def run(run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch) -> Runner:
    """`govern fairness ARGS` in a folder: exit code, and the report or the error."""

    def go(args: list[str], cwd: Path) -> tuple[int, str]:
        monkeypatch.chdir(cwd)
        result = run_cli("fairness", *args, "--seed", "11", "-o", "-")
        return result.code, result.out if result.code == 0 else result.err

    return go


def _without_source(text: str) -> dict[str, Any]:
    start = text.index("{")
    data: dict[str, Any] = json.loads(text[start : text.rindex("}") + 1])
    data.pop("source")
    return data


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    frame = _frame()
    frame.to_csv(tmp_path / "p.csv", index=False)
    frame.to_parquet(tmp_path / "p.parquet")
    import duckdb

    with duckdb.connect(str(tmp_path / "p.duckdb")) as con:
        con.execute(f"CREATE TABLE p AS SELECT * FROM '{tmp_path / 'p.parquet'}'")
    return tmp_path


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize(
    "table", ["'p.csv'", "read_parquet('p.parquet')", "read_duckdb('p.duckdb', table_name='p')"]
)
def test_duckdb_equals_the_file_path(run: Runner, folder: Path, case: str, table: str) -> None:
    code, expected = run(["p.csv", *CASES[case]], folder)
    assert code == 0, expected
    code, found = run(["--sql", f"SELECT * FROM {table}", *CASES[case]], folder)
    assert code == 0, found
    assert _without_source(found) == _without_source(expected)


def test_the_source_names_the_query(run: Runner, folder: Path) -> None:
    code, found = run(["--sql", "SELECT * FROM 'p.csv' WHERE exam = 'e1'", *LABELLED], folder)
    assert code == 0, found
    source = json.loads(found[found.index("{") : found.rindex("}") + 1])["source"]
    assert source["query"] == "SELECT * FROM 'p.csv' WHERE exam = 'e1'"
    assert source["format"] == "sql:duckdb"
    assert source["rows"] == int((_frame()["exam"] == "e1").sum())


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TABLE x AS SELECT * FROM 'p.csv'",
        "SELECT 1; SELECT 2",
        "COPY (SELECT 1) TO 'out.csv'",
        "INSERT INTO t SELECT 1",
    ],
)
def test_only_one_select_runs(run: Runner, folder: Path, sql: str) -> None:
    code, output = run(["--sql", sql, *LABELLED], folder)
    assert code == 2
    assert "--sql" in output and "Traceback" not in output
    assert not (folder / "out.csv").exists()


def test_files_outside_the_root_are_refused(run: Runner, folder: Path) -> None:
    inner = folder / "inner"
    inner.mkdir()
    code, output = run(["--sql", "SELECT * FROM '../p.csv'", *LABELLED], inner)
    assert code == 2
    assert "Permission" in output or "disabled" in output
    code, output = run(["--sql", "SELECT * FROM read_text('/etc/hostname')", *LABELLED], folder)
    assert code == 2


def test_a_symlink_out_of_the_root_is_refused(run: Runner, folder: Path) -> None:
    """A link committed inside the root (a hostile pull request) does not open a way out of it."""
    inner = folder / "inner"
    inner.mkdir()
    (inner / "p.csv").symlink_to(folder / "p.csv")
    (inner / "up").symlink_to(folder, target_is_directory=True)
    for sql in ("SELECT * FROM 'p.csv'", "SELECT * FROM 'up/p.csv'", "SELECT * FROM '*.csv'"):
        code, output = run(["--sql", sql, *LABELLED], inner)
        assert code == 2, sql
        assert "Permission" in output and "Traceback" not in output


def test_a_null_is_named_with_its_column(run: Runner, folder: Path) -> None:
    sql = "SELECT * REPLACE (CASE WHEN race = 'C' THEN NULL ELSE sex END AS sex) FROM 'p.csv'"
    code, output = run(["--sql", sql, *LABELLED], folder)
    assert code == 2
    assert "sex" in output and "missing value in the query's rows (NULL)" in output


def test_what_counts_cannot_give_is_a_usage_error(run: Runner, folder: Path) -> None:
    code, output = run(["--sql", "SELECT * FROM 'p.csv'", *LABELLED, "--score", "score"], folder)
    assert code == 2 and "ROC AUC" in output
    args = ["--sql", "SELECT * FROM 'p.csv'", "--score", "score", "--threshold", "median"]
    code, output = run([*args, "--sensitive", "sex"], folder)
    assert code == 2 and "median" in output


# -- Postgres, the second engine ----------------------------------------------------------------


@pytest.fixture
def postgres_table(folder: Path) -> Iterator[str]:
    """The same rows in a table of a schema of its own; yields the qualified table name."""
    psycopg = pytest.importorskip("psycopg")
    libpq = "postgresql://" + POSTGRES.split("://", 1)[1]
    try:
        conn = psycopg.connect(libpq, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if "GOVERN_TEST_POSTGRES_URL" in os.environ:
            pytest.fail(f"GOVERN_TEST_POSTGRES_URL is set but does not answer: {exc}")
        pytest.skip("no PostgreSQL server")
    schema = f"govern_test_{uuid.uuid4().hex[:12]}"
    frame = _frame()
    with conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(
            f'CREATE TABLE "{schema}".p (sex text, race text, exam text, outcome integer, '
            "hired integer, score double precision)"
        )
        with conn.cursor().copy(f'COPY "{schema}".p FROM STDIN') as copy:
            for row in frame.itertuples(index=False):
                copy.write_row(tuple(row))
        try:
            yield f'"{schema}".p'
        finally:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.mark.postgres
@pytest.mark.parametrize("case", CASES)
def test_postgres_equals_the_file_path(
    run: Runner, folder: Path, postgres_table: str, case: str
) -> None:
    code, expected = run(["p.csv", *CASES[case]], folder)
    assert code == 0, expected
    sql = f"SELECT * FROM {postgres_table}"
    code, found = run(["--sql", sql, "--engine-url", POSTGRES, *CASES[case]], folder)
    assert code == 0, found
    assert _without_source(found) == _without_source(expected)
