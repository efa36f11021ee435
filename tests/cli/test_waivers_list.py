"""`govern waivers list`: each waiver as active, expiring, expired or malformed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from govern.cli.waivers import group
from tests.conftest import edit

WAIVERS = """\
waivers:
  - rule: DEMO-12-LOG-RETENTION
    reason: Log store migration in Q1.
    approved_by: Head of Platform
    expires: 2027-03-31
  - rule: DEMO-16-PROVIDER
    reason: Legal entity being renamed.
    approved_by: General Counsel
    expires: 2026-12-10
  - rule: DEMO-17-QMS
    reason: QMS audit pending.
    approved_by: Head of Quality
    expires: 2026-10-01
  - rule: DEMO-12-LOG-RETENTION
    reason: no approver
    expires: someday
"""


@pytest.fixture
def waived(system: Path) -> Path:
    with (system / "govern.yaml").open("a") as handle:
        handle.write(WAIVERS)
    return system


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(group, ["list", *map(str, args)])


def test_each_waiver_with_its_state(waived: Path) -> None:
    result = invoke(waived, "--as-of", "2026-11-25")
    assert result.exit_code == 1, result.output  # the malformed waiver is a mistake to fix
    lines = [ln for ln in result.output.splitlines() if not ln.startswith(" ")]
    assert lines[0].startswith("EXPIRED    DEMO-17-QMS  until 2026-10-01 (expired 55 day(s) ago)")
    assert lines[1].startswith("MALFORMED  DEMO-12-LOG-RETENTION  govern.yaml:27:")
    assert "approved_by is missing" in lines[1] and "expires is not a valid date" in lines[1]
    assert lines[2].startswith("EXPIRING   DEMO-16-PROVIDER  until 2026-12-10 (15 day(s) left)")
    assert lines[3].startswith("ACTIVE     DEMO-12-LOG-RETENTION  until 2027-03-31")
    assert "approved by Head of Platform  govern.yaml:15" in lines[3]
    assert lines[-1] == "4 waiver(s) as of 2026-11-25"


def test_expiring_shows_what_needs_action_and_fails(waived: Path) -> None:
    result = invoke(waived, "--as-of", "2026-11-25", "--expiring", "7")
    assert result.exit_code == 1
    assert "DEMO-16-PROVIDER" not in result.output  # 15 days left is outside a 7-day window
    assert result.output.splitlines()[-1] == "2 of 4 waiver(s) as of 2026-11-25"
    wider = invoke(waived, "--as-of", "2026-11-25", "--expiring", "200")
    assert wider.exit_code == 1 and wider.output.count("EXPIRING") == 2


def test_expiring_passes_when_all_is_well(system: Path) -> None:
    edit(
        system / "govern.yaml",
        "policies: [./pack]\n",
        "policies: [./pack]\n" + WAIVERS.split("  - rule: DEMO-16")[0],
    )
    result = invoke(system, "--as-of", "2026-11-25", "--expiring", "30")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "0 of 1 waiver(s) as of 2026-11-25"


def test_json(waived: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVERN_WAIVERS_FORMAT", "json")
    monkeypatch.setenv("GOVERN_AS_OF", "2026-11-25")
    data = json.loads(invoke(waived).output)
    assert data["as_of"] == "2026-11-25"
    assert [w["state"] for w in data["waivers"]] == ["expired", "malformed", "expiring", "active"]
    assert data["waivers"][2] == {
        "state": "expiring",
        "rule": "DEMO-16-PROVIDER",
        "expires": "2026-12-10",
        "days_left": 15,
        "approved_by": "General Counsel",
        "reason": "Legal entity being renamed.",
        "problem": None,
        "line": 19,
    }


def test_no_waivers(system: Path) -> None:
    result = invoke(system, "--as-of", "2026-11-25")
    assert result.exit_code == 0 and result.output == "0 waiver(s) as of 2026-11-25\n"


def test_missing_manifest_is_a_usage_error(tmp_path: Path) -> None:
    from govern.errors import UsageError

    result = invoke(tmp_path)
    assert isinstance(result.exception, UsageError)
