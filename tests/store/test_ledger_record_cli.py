"""`govern check --record`: the way runs reach the ledger in practice."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from govern.store.ledger import Ledger
from tests.conftest import CliResult, copy_example, edit
from tests.store.conftest import execute

Run = Callable[..., CliResult]
AS_OF = "2026-11-25"


@pytest.fixture
def credit(tmp_path: Path) -> Path:
    return copy_example("credit-scoring", tmp_path / "credit")


def _anchor(err: str) -> tuple[int, str]:
    match = re.search(r"recorded run (\d+) in \S+ \(anchor (\d+):([0-9a-f]{64})\)", err)
    assert match, err
    assert match.group(1) == match.group(2)
    return int(match.group(1)), match.group(3)


def test_check_record_appends_to_the_default_ledger(credit: Path, run_cli: Run) -> None:
    first = run_cli("check", credit, "--record", "--as-of", AS_OF)
    assert first.code == 0, first.err
    assert _anchor(first.err)[0] == 1
    edit(credit / "govern.yaml", "version: 2.3.0", "version: 2.4.0")
    edit(credit / "docs" / "model_card.yaml", "retention_days: 1826", "retention_days: 90")
    second = run_cli("check", credit, "--record", "--as-of", AS_OF)
    assert second.code == 1  # the failure still decides the exit code after recording
    run_id, chain = _anchor(second.err)
    assert run_id == 2

    ledger_url = f"sqlite:///{(credit / '.govern' / 'ledger.db').resolve()}"
    rows = execute(
        ledger_url, "SELECT id, system_version, verdict FROM govern_assessments ORDER BY id"
    )
    assert [tuple(r) for r in rows] == [(1, "2.3.0", "pass"), (2, "2.4.0", "fail")]

    verified = run_cli("ledger", "verify", "--db", ledger_url, "--anchor", f"{run_id}:{chain}")
    assert verified.code == 0, verified.out + verified.err

    history = run_cli("history", "--db", ledger_url, "--format", "json")
    assert history.code == 0, history.err
    runs = json.loads(history.out)["runs"]
    assert [r["version"] for r in runs] == ["2.3.0", "2.4.0"]
    named = run_cli(
        "history", "--system", "credit-risk-scorer", "--db", ledger_url, "--format", "json"
    )
    assert json.loads(named.out)["runs"] == runs

    diff = run_cli("diff", "previous", "latest", "--db", ledger_url, "--fail-on-regression")
    assert diff.code == 1
    assert "EUAIA-19-LOG-RETENTION" in diff.out


def test_check_record_honours_db_and_its_environment_variable(
    credit: Path, db_url: str, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli("check", credit, "--record", "--db", db_url, "--as-of", AS_OF).code == 0
    monkeypatch.setenv("GOVERN_DATABASE_URL", db_url)
    assert run_cli("check", credit, "--record", "--as-of", AS_OF).code == 0
    assert not (credit / ".govern").exists()
    with Ledger.open(db_url) as ledger:
        report = ledger.verify()
    assert report.valid and report.runs == 2


def test_unreachable_ledger_writes_no_outputs(credit: Path, tmp_path: Path, run_cli: Run) -> None:
    out = tmp_path / "result.json"
    result = run_cli(
        "check",
        credit,
        "--record",
        "--db",
        "postgresql+psycopg://nobody@127.0.0.1:9/none",
        "-o",
        f"json={out}",
        "--as-of",
        AS_OF,
    )
    assert result.code == 2
    assert result.err.startswith("error: cannot reach") and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert not out.exists()


def test_check_without_record_touches_no_database(credit: Path, run_cli: Run) -> None:
    assert run_cli("check", credit, "--as-of", AS_OF).code == 0
    assert not (credit / ".govern").exists()


def test_diff_names_a_file_that_is_not_an_assessment(
    credit: Path, tmp_path: Path, run_cli: Run
) -> None:
    sarif, assessment = tmp_path / "a.sarif", tmp_path / "a.json"
    run_cli("check", credit, "-o", f"sarif={sarif}", "-o", f"json={assessment}")
    result = run_cli("diff", assessment, sarif)
    assert result.code == 2
    assert result.err.strip() == (
        f"error: {sarif}: not a govern assessment JSON (this looks like SARIF; give the output "
        "of `govern check --format json`)"
    )
