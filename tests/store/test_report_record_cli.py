"""`govern report --record`: the report and the ledger hold the same assessment."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult, copy_example
from tests.store.test_ledger_record_cli import AS_OF, _anchor

Run = Callable[..., CliResult]


@pytest.fixture
def credit(tmp_path: Path) -> Path:
    return copy_example("credit-scoring", tmp_path / "credit")


def test_report_record_appends_the_reported_assessment(
    credit: Path, tmp_path: Path, run_cli: Run
) -> None:
    report_json = tmp_path / "report.json"
    ledger_url = f"sqlite:///{tmp_path / 'ledger.db'}"
    result = run_cli(
        "report", credit, "--json", report_json, "--record", "--db", ledger_url, "--as-of", AS_OF
    )
    assert result.code == 0, result.err
    assert _anchor(result.err)[0] == 1
    # The ledger holds the assessment the report shows: a diff between them finds nothing.
    diff = run_cli("diff", "1", report_json, "--db", ledger_url, "--format", "json")
    assert diff.code == 0, diff.err
    changes = json.loads(diff.out)
    assert not changes["new_failures"] and not changes["changed"]
