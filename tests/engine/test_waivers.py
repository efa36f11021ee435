"""Waivers with a fixed clock: only a well-formed waiver, until its expiry day included, waives."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from govern.engine.assessment import RuleResult
from govern.engine.evaluate import EngineOptions, assess
from govern.load.bundle import load_system
from govern.policy.loader import load_packs
from tests.conftest import CliResult, write

TODAY = dt.date(2026, 11, 25)


def result_with_waiver(system: Path, waiver_yaml: str, as_of: dt.date = TODAY) -> RuleResult:
    write(
        system / "docs" / "card.yaml", "identity:\n  name: Demo\nlogging:\n  retention_days: 30\n"
    )
    manifest = (system / "govern.yaml").read_text()
    if waiver_yaml:
        manifest += "waivers:\n" + waiver_yaml
    (system / "govern.yaml").write_text(manifest)
    bundle = load_system(system)
    packs = load_packs(bundle.manifest.policy_sources(), bundle.root, bundle.manifest_document)
    assessment = assess(bundle, packs, EngineOptions(as_of=as_of))
    return next(r for r in assessment.results if r.rule_id == "DEMO-12-LOG-RETENTION")


def waiver(expires: str = "2027-03-31", approver: str | None = "Head of Model Risk") -> str:
    lines = [
        "  - rule: DEMO-12-LOG-RETENTION",
        "    reason: Log store migration finishes in Q1.",
        f"    expires: {expires}",
    ]
    if approver is not None:
        lines.append(f"    approved_by: {approver}")
    return "\n".join(lines) + "\n"


def test_no_waiver_fails(system: Path) -> None:
    result = result_with_waiver(system, "")
    assert result.status == "fail" and result.gating


def test_valid_waiver_waives(system: Path) -> None:
    result = result_with_waiver(system, waiver())
    assert result.status == "waived"
    assert not result.gating
    assert result.waiver is not None and result.waiver.state == "active"
    assert "Head of Model Risk" in result.message
    # The underlying failure stays visible.
    assert result.findings and result.findings[0].found == "30"


def test_waiver_expiring_today_still_waives(system: Path) -> None:
    result = result_with_waiver(system, waiver(expires=TODAY.isoformat()))
    assert result.status == "waived"
    assert result.waiver is not None and result.waiver.state == "expiring"


def test_waiver_expired_yesterday_fails_and_says_so(system: Path) -> None:
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    result = result_with_waiver(system, waiver(expires=yesterday))
    assert result.status == "fail" and result.gating
    assert result.waiver is not None and result.waiver.state == "expired"
    assert f"expired on {yesterday}" in result.message


@pytest.mark.parametrize("bad_date", ["2027-02-30", "next spring", "31/03/2027"])
def test_malformed_date_does_not_waive(system: Path, bad_date: str) -> None:
    result = result_with_waiver(system, waiver(expires=bad_date))
    assert result.status == "fail" and result.gating
    assert result.waiver is not None and result.waiver.state == "malformed"
    assert "expires" in (result.waiver.problem or "")
    assert "ignored" in result.message


def test_missing_approver_does_not_waive(system: Path) -> None:
    result = result_with_waiver(system, waiver(approver=None))
    assert result.status == "fail"
    assert result.waiver is not None and result.waiver.state == "malformed"
    assert "approved_by is missing" in (result.waiver.problem or "")
    # What was written is still shown, so the reader sees which waiver was ignored.
    assert result.waiver.reason == "Log store migration finishes in Q1."
    assert result.waiver.expires == dt.date(2027, 3, 31)


def test_waiver_for_unknown_rule_is_warned(system: Path) -> None:
    manifest = (system / "govern.yaml").read_text() + (
        "waivers:\n  - rule: NO-SUCH-RULE\n    reason: r\n    approved_by: a\n"
        "    expires: 2027-01-01\n"
    )
    (system / "govern.yaml").write_text(manifest)
    bundle = load_system(system)
    packs = load_packs(bundle.manifest.policy_sources(), bundle.root, bundle.manifest_document)
    assessment = assess(bundle, packs, EngineOptions(as_of=TODAY))
    assert any("unknown rule 'NO-SUCH-RULE'" in w for w in assessment.warnings)
    (listed,) = assessment.waivers
    assert listed.state == "malformed"  # never reported as active: it waives nothing
    assert "names no rule of the loaded packs" in (listed.problem or "")
    assert listed.approved_by == "a" and listed.expires == dt.date(2027, 1, 1)


def test_waivers_list_judges_a_misspelt_rule_as_check_does(
    system: Path, run_cli: Callable[..., CliResult]
) -> None:
    """A typo in a waiver's rule id is malformed in `waivers list` too, never EXPIRING."""
    misspelt = waiver(expires="2026-12-01").replace("DEMO-12-LOG-RETENTION", "DEMO-12-LOG-RETENTON")
    (system / "govern.yaml").write_text(
        (system / "govern.yaml").read_text() + "waivers:\n" + misspelt
    )
    listed = run_cli("waivers", "list", system, "--as-of", TODAY.isoformat())
    assert listed.code == 1
    assert listed.out.startswith("MALFORMED  DEMO-12-LOG-RETENTON  govern.yaml:")
    assert "names no rule of the loaded packs" in listed.out
    as_json = run_cli("waivers", "list", system, "--as-of", TODAY.isoformat(), "--format", "json")
    checked = run_cli("check", system, "--as-of", TODAY.isoformat(), "--format", "json")
    (row,) = json.loads(as_json.out)["waivers"]
    (judged,) = json.loads(checked.out)["waivers"]
    assert row["state"] == judged["state"] == "malformed"
    assert row["problem"] == judged["problem"]


def test_waivers_list_exits_0_when_every_waiver_is_usable(
    system: Path, run_cli: Callable[..., CliResult]
) -> None:
    (system / "govern.yaml").write_text(
        (system / "govern.yaml").read_text() + "waivers:\n" + waiver(expires="2026-12-01")
    )
    listed = run_cli("waivers", "list", system, "--as-of", TODAY.isoformat())
    assert listed.code == 0 and listed.out.startswith("EXPIRING")
