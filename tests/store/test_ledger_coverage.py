"""Every column a user can see is covered by the hash chain: editing any one of them in SQL, alone,
makes `govern ledger verify` fail and name the run it belongs to, on SQLite and on Postgres."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import DBAPIError

from govern.store.ledger import Ledger
from govern.store.records import CHILD_COLUMNS
from tests.conftest import CliResult
from tests.store.conftest import Release, execute, fixed_clock

# Every column of every table, edited, on both stores (~80 s); test_ledger_tamper.py samples it.
pytestmark = pytest.mark.slow

Run = Callable[..., CliResult]

# Runs: 1 credit v1 (pass), 2 credit v2 (fails, fairness drops), 3 chatbot, 4 credit v2 waived,
# 5 credit v2 with the waiver expired.
ORDER = ("v1", "v2", "chat", "v2w", "v3")
HEX = "ab" * 32


@pytest.fixture
def ledger_url(db_url: str, releases: dict[str, Release]) -> str:
    clock = fixed_clock()
    with Ledger.open(db_url, write=True) as ledger:
        for name in ORDER:
            ledger.append(releases[name].assessment, releases[name].fairness, now=clock)
    return db_url


def _verify(run_cli: Run, url: str) -> dict[str, Any]:
    result = run_cli("ledger", "verify", "--db", url, "--format", "json")
    assert result.err == "", result.err
    assert result.code == 1, result.out
    report: dict[str, Any] = json.loads(result.out)
    assert report["valid"] is False
    return report


def _edit_and_verify(
    run_cli: Run, url: str, statement: str, params: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """Apply one edit; None when the database itself refuses it (a foreign key on Postgres)."""
    try:
        execute(url, statement, params=params)
    except DBAPIError as exc:
        assert url.startswith("postgresql"), exc
        ok = run_cli("ledger", "verify", "--db", url)
        assert ok.code == 0, ok.out + ok.err
        return None
    return _verify(run_cli, url)


# ---------------------------------------------------------------------------------------------
# govern_assessments: the columns history, diff and resolve read

ASSESSMENT_EDITS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("system_id", "(SELECT system_id FROM govern_assessments WHERE id = 3)", None),
    ("system_name", "system_name || ' '", None),
    ("system_name", "'Credit Scoring (approved)'", None),
    ("system_name", "upper(system_name)", None),
    ("system_version", "'9.9.9'", None),
    ("system_version", "system_version || '.0'", None),
    ("recorded_at", ":when", {"when": dt.datetime(2026, 11, 25, 9, 2, 0, 1, tzinfo=dt.UTC)}),
    ("recorded_at", ":when", {"when": dt.datetime(2025, 1, 1, tzinfo=dt.UTC)}),
    ("as_of", ":day", {"day": dt.date(2026, 11, 26)}),
    ("as_of", ":day", {"day": dt.date(1999, 1, 1)}),
    ("verdict", "'pass'", None),
    ("verdict", "verdict || ' '", None),
    ("tool_version", "'0.0.1'", None),
    ("row_format", "1", None),
    ("row_format", "0", None),
    ("row_format", "3", None),
    ("parts", "NULL", None),
    ("parts", "parts || ' '", None),
    ("parts", "replace(parts, 'a', 'b')", None),
    ("parts", "'{}'", None),
    ("document", ":doc", {"doc": zlib.compress(b"{}")}),
    ("document", ":doc", {"doc": b"not zlib at all"}),
    ("document_sha256", f"'{HEX}'", None),
    ("findings_sha256", "upper(findings_sha256)", None),
    ("evidence_sha256", f"'{HEX}'", None),
    ("waivers_sha256", f"'{HEX}'", None),
    ("fairness_sha256", "upper(fairness_sha256)", None),
    ("digest", "upper(digest)", None),
    ("digest", f"'{HEX}'", None),
    ("digest", "'not hex'", None),
    ("prev_hash", "upper(prev_hash)", None),
    ("prev_hash", "'zz'", None),
    ("chain_hash", "upper(chain_hash)", None),
    ("chain_hash", "'not hex'", None),
]


@pytest.mark.parametrize(("column", "value", "params"), ASSESSMENT_EDITS)
def test_edited_assessment_column_names_the_run(
    ledger_url: str, run_cli: Run, column: str, value: str, params: dict[str, Any] | None
) -> None:
    report = _edit_and_verify(
        run_cli,
        ledger_url,
        f"UPDATE govern_assessments SET {column} = {value} WHERE id = 2",
        params,
    )
    assert report is not None
    assert report["problem"]["run_id"] == 2, report


# ---------------------------------------------------------------------------------------------
# Child rows: findings counts, waivers and fairness in history and diff

_CHANGE = {
    "text": ["{c} || 'x'", "''"],
    "int": ["{c} + 1"],
    "nullable_text": ["COALESCE({c} || 'x', 'x')"],
    "nullable_int": ["COALESCE({c} + 1, 1)"],
    "bool": ["NOT {c}"],
    "float": ["COALESCE({c} + 0.001, 0.5)", "COALESCE({c} * 2 + 1, -1.0)"],
    "nullable_date": [":day"],
}
KINDS: dict[str, dict[str, str]] = {
    "findings": {
        "position": "int",
        "rule_id": "text",
        "status": "text",
        "severity": "text",
        "blocking": "bool",
        "gating": "bool",
        "message": "text",
        "file": "nullable_text",
        "line": "nullable_int",
        "field": "nullable_text",
    },
    "evidence": {
        "position": "int",
        "kind": "text",
        "path": "text",
        "sha256": "text",
        "bytes": "int",
    },
    "waivers": {
        "position": "int",
        "rule": "nullable_text",
        "state": "text",
        "expires": "nullable_date",
        "approved_by": "nullable_text",
        "reason": "nullable_text",
        "applied": "bool",
    },
    "fairness": {
        "position": "int",
        "report": "text",
        "feature": "text",
        "metric": "text",
        "method": "text",
        "value": "float",
        "lower": "float",
        "upper": "float",
    },
}
# The run whose first row of each child table is edited.
CHILD_RUN = {"findings": 2, "evidence": 2, "waivers": 4, "fairness": 2}
CHILD_EDITS = [
    (table, column, template.format(c=column))
    for table, columns in KINDS.items()
    for column, kind in columns.items()
    for template in _CHANGE[kind]
]


def test_every_child_column_is_edited() -> None:
    """The table above lists every column the ledger hashes, so a new column gets a payload."""
    assert {table: tuple(columns) for table, columns in KINDS.items()} == CHILD_COLUMNS


@pytest.mark.parametrize(("table", "column", "value"), CHILD_EDITS)
def test_edited_child_column_names_the_run(
    ledger_url: str, run_cli: Run, table: str, column: str, value: str
) -> None:
    run = CHILD_RUN[table]
    if column == "position":
        value = f"{column} + 1000"
    report = _edit_and_verify(
        run_cli,
        ledger_url,
        f"UPDATE govern_{table} SET {column} = {value} "
        f"WHERE assessment_id = {run} AND position = 0",
        {"day": dt.date(2030, 1, 1)},
    )
    assert report is not None
    assert report["problem"]["run_id"] == run, report


@pytest.mark.parametrize("table", list(KINDS))
def test_child_row_moved_to_another_run(ledger_url: str, run_cli: Run, table: str) -> None:
    """Moving a row between runs changes both; verify names the earlier of the two."""
    run = CHILD_RUN[table]
    execute(
        ledger_url,
        f"UPDATE govern_{table} SET position = position + 1000 WHERE assessment_id = {run}",
    )
    report = _edit_and_verify(
        run_cli,
        ledger_url,
        f"UPDATE govern_{table} SET assessment_id = 1 "
        f"WHERE assessment_id = {run} AND position = 1000",
    )
    assert report is not None
    assert report["problem"]["run_id"] == 1, report


def test_pathological_float_values(ledger_url: str, run_cli: Run) -> None:
    """NaN and infinities (Postgres keeps them; SQLite makes NaN NULL) are edits, not crashes."""
    for number, run in (("'NaN'", 2), ("'Infinity'", 2), ("'-Infinity'", 2)):
        if not ledger_url.startswith("postgresql"):
            number = "9e999" if "Inf" in number else "NULL"
        report = _edit_and_verify(
            run_cli,
            ledger_url,
            f"UPDATE govern_fairness SET value = {number} WHERE assessment_id = {run} "
            "AND position = 0",
        )
        assert report is not None and report["problem"]["run_id"] == run, report


# ---------------------------------------------------------------------------------------------
# govern_systems and the chain head


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("name", "name || ' '"),
        ("name", "'Someone else'"),
        ("first_recorded_at", ":when"),
        ("id", "'renamed-system'"),
        ("id", "upper(id)"),
    ],
)
def test_edited_system_row_names_its_first_run(
    ledger_url: str, run_cli: Run, column: str, value: str
) -> None:
    (credit,) = execute(ledger_url, "SELECT system_id FROM govern_assessments WHERE id = 1")
    report = _edit_and_verify(
        run_cli,
        ledger_url,
        f"UPDATE govern_systems SET {column} = {value} WHERE id = :system",
        {"system": credit[0], "when": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
    )
    if report is not None:
        assert report["problem"]["run_id"] == 1, report
        assert report["checked"] == 0, report


def test_deleted_system_row(ledger_url: str, run_cli: Run) -> None:
    report = _edit_and_verify(
        run_cli,
        ledger_url,
        "DELETE FROM govern_systems WHERE id = "
        "(SELECT system_id FROM govern_assessments WHERE id = 3)",
    )
    if report is not None:
        assert report["problem"]["run_id"] == 3, report


def test_added_system_row(ledger_url: str, run_cli: Run) -> None:
    report = _edit_and_verify(
        run_cli,
        ledger_url,
        "INSERT INTO govern_systems (id, name, first_recorded_at) VALUES ('ghost', 'Ghost', :when)",
        {"when": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},
    )
    assert report is not None and "ghost" in report["problem"]["detail"], report


def test_systems_listed_from_the_chain_not_the_systems_table(ledger_url: str, run_cli: Run) -> None:
    """History picks systems from hashed rows: an edited systems table cannot hide a system."""
    (credit,) = execute(ledger_url, "SELECT system_id FROM govern_assessments WHERE id = 1")
    with Ledger.open(ledger_url) as ledger:
        before = ledger.systems()
    execute(
        ledger_url,
        "UPDATE govern_systems SET name = 'Forged' WHERE id = :system",
        params={"system": credit[0]},
    )
    with Ledger.open(ledger_url) as ledger:
        after = ledger.systems()
    assert after == before
    assert [s.runs for s in after if s.id == credit[0]] == [4]


@pytest.mark.parametrize(
    ("column", "value"), [("run_id", "run_id - 1"), ("chain_hash", "upper(chain_hash)")]
)
def test_edited_chain_head(ledger_url: str, run_cli: Run, column: str, value: str) -> None:
    report = _edit_and_verify(
        run_cli, ledger_url, f"UPDATE govern_chain_head SET {column} = {value}"
    )
    assert report is not None and report["problem"]["run_id"] in (4, 5), report


# ---------------------------------------------------------------------------------------------
# Values a column's type cannot give back: SQLite keeps any text, Postgres keeps infinities

SQLITE_ONLY = ("'garbage'", "20260101", "X'00ff'")
UNREADABLE: list[tuple[str, str, int, str]] = [
    ("govern_assessments", "recorded_at", 2, "id = 2"),
    ("govern_assessments", "as_of", 2, "id = 2"),
    ("govern_waivers", "expires", 4, "assessment_id = 4 AND position = 0"),
    (
        "govern_systems",
        "first_recorded_at",
        1,
        "id = (SELECT system_id FROM govern_assessments WHERE id = 1)",
    ),
]


@pytest.mark.parametrize(("table", "column", "run", "where"), UNREADABLE)
def test_unreadable_values_are_edits_not_crashes(
    ledger_url: str, run_cli: Run, table: str, column: str, run: int, where: str
) -> None:
    postgres = ledger_url.startswith("postgresql")
    for value in ("'infinity'", "'-infinity'") if postgres else SQLITE_ONLY:
        report = _edit_and_verify(
            run_cli, ledger_url, f"UPDATE {table} SET {column} = {value} WHERE {where}"
        )
        assert report is not None and report["problem"]["run_id"] == run, (value, report)


@pytest.mark.parametrize(
    ("statement", "run"),
    [
        ("UPDATE govern_assessments SET document = 'plain text' WHERE id = 3", 3),
        ("UPDATE govern_assessments SET system_version = 230 WHERE id = 3", 3),
        ("UPDATE govern_assessments SET row_format = 'x' WHERE id = 3", 3),
        ("UPDATE govern_evidence SET bytes = 'many' WHERE assessment_id = 3", 3),
        ("UPDATE govern_findings SET line = 'ten' WHERE assessment_id = 2 AND position = 0", 2),
        ("UPDATE govern_chain_head SET run_id = 'x'", 5),
        ("UPDATE govern_chain_head SET chain_hash = X'ff'", 5),
        ("UPDATE govern_assessments SET system_name = X'ff00' WHERE id = 3", 3),
        ("UPDATE govern_assessments SET verdict = X'80' WHERE id = 2", 2),
        ("UPDATE govern_assessments SET digest = X'ff' WHERE id = 2", 2),
        ("UPDATE govern_evidence SET path = X'ff00' WHERE assessment_id = 4", 4),
        ("UPDATE govern_fairness SET value = X'00' WHERE assessment_id = 2", 2),
        ("UPDATE govern_fairness SET value = 'abc' WHERE assessment_id = 2", 2),
        ("UPDATE govern_systems SET name = X'ff'", 1),
    ],
)
def test_sqlite_values_of_the_wrong_type(
    ledger_url: str, run_cli: Run, statement: str, run: int
) -> None:
    if ledger_url.startswith("postgresql"):
        pytest.skip("Postgres refuses a value of the wrong type itself")
    report = _edit_and_verify(run_cli, ledger_url, statement)
    assert report is not None and report["problem"]["run_id"] == run, report


# ---------------------------------------------------------------------------------------------
# Property: any other value in any shown text column of a run is caught (SQLite; fast)

SHOWN_TEXT = ("system_id", "system_name", "system_version", "verdict", "tool_version")


@pytest.fixture(scope="module")
def sqlite_ledger(tmp_path_factory: pytest.TempPathFactory, releases: dict[str, Release]) -> Path:
    path = tmp_path_factory.mktemp("property") / "ledger.db"
    clock = fixed_clock()
    with Ledger.open(f"sqlite:///{path}", write=True) as ledger:
        for name in ORDER:
            ledger.append(releases[name].assessment, releases[name].fairness, now=clock)
    return path


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    column=st.sampled_from(SHOWN_TEXT),
    run=st.integers(min_value=1, max_value=len(ORDER)),
    value=st.text(max_size=40),
)
def test_any_other_text_in_a_shown_column_is_caught(
    sqlite_ledger: Path, column: str, run: int, value: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "ledger.db"
        shutil.copyfile(sqlite_ledger, copy)
        url = f"sqlite:///{copy}"
        ((before,),) = execute(url, f"SELECT {column} FROM govern_assessments WHERE id = {run}")
        assume(value != before)
        execute(
            url,
            f"UPDATE govern_assessments SET {column} = :value WHERE id = {run}",
            params={"value": value},
        )
        with Ledger.open(url) as ledger:
            report = ledger.verify()
    assert report.problem is not None and report.problem.run_id == run, report
