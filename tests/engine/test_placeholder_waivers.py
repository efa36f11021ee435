"""Waivers and attestations fail closed: a placeholder approver, reason or signer, a number posing
as a date, or the machine's time zone never turns a failing rule into a pass."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from govern.engine.assessment import RuleResult
from govern.engine.evaluate import EngineOptions, assess
from govern.engine.waivers import Waiver
from govern.evidence.filled import calendar_day, utc_today
from govern.load.bundle import load_system
from govern.policy.checks import is_placeholder
from govern.policy.loader import load_packs
from tests.conftest import CliResult, edit, write

TODAY = dt.date(2026, 11, 25)
RULE = "DEMO-12-LOG-RETENTION"
PLACEHOLDERS = [
    "TODO",
    "todo: ask risk",
    "TBD",
    "tbd",
    "FIXME",
    "n/a",
    "N/A",
    "NA",
    "-",
    "--",
    "?",
    "\u2014",
    "...",
    "<approver>",
    "[More Information Needed]",
    "lorem ipsum",
]
BLANKS = ['""', '"   "', '"\\t"', "' '"]


def _assess(system: Path, as_of: dt.date = TODAY) -> list[RuleResult]:
    write(
        system / "docs" / "card.yaml", "identity:\n  name: Demo\nlogging:\n  retention_days: 30\n"
    )
    bundle = load_system(system)
    packs = load_packs(bundle.manifest.policy_sources(), bundle.root, bundle.manifest_document)
    return assess(bundle, packs, EngineOptions(as_of=as_of)).results


def _rule(results: list[RuleResult], rule_id: str) -> RuleResult:
    return next(r for r in results if r.rule_id == rule_id)


def _with_waiver(
    system: Path,
    reason: str = "Log store migration finishes in Q1.",
    approver: str = "Head of Model Risk",
    expires: str = "2027-03-31",
) -> Path:
    text = (system / "govern.yaml").read_text()
    text += (
        "waivers:\n"
        f"  - rule: {RULE}\n"
        f"    reason: {reason}\n"
        f"    approved_by: {approver}\n"
        f"    expires: {expires}\n"
    )
    (system / "govern.yaml").write_text(text)
    return system


def _quoted(text: str) -> str:
    return json.dumps(text)


def test_a_well_formed_waiver_still_waives(system: Path) -> None:
    assert _rule(_assess(_with_waiver(system)), RULE).status == "waived"


@pytest.mark.parametrize("placeholder", [_quoted(p) for p in PLACEHOLDERS] + BLANKS)
@pytest.mark.parametrize("field", ["reason", "approved_by"])
def test_placeholder_reason_or_approver_does_not_waive(
    system: Path, field: str, placeholder: str
) -> None:
    _with_waiver(system, **{field.replace("approved_by", "approver"): placeholder})
    result = _rule(_assess(system), RULE)
    assert result.status == "fail" and result.gating
    assert result.waiver is not None and result.waiver.state == "malformed"
    assert result.waiver.problem is not None and field in result.waiver.problem
    assert "placeholder" in result.waiver.problem
    assert "ignored" in result.message


@pytest.mark.parametrize("written", ["20270331", "1800000000", "0", "2027.0331", "true"])
def test_a_number_is_not_an_expiry_date(system: Path, written: str) -> None:
    _with_waiver(system, expires=written)
    result = _rule(_assess(system), RULE)
    assert result.status == "fail"
    assert result.waiver is not None and result.waiver.state == "malformed"
    assert result.waiver.expires is None, "a malformed expiry is not shown as some date"
    assert result.waiver.problem is not None and "expires is not a valid date" in (
        result.waiver.problem
    )


@pytest.mark.parametrize("written", ["TBD", "'2027-02-30'", "'next quarter'", "'31/03/2027'"])
def test_a_placeholder_or_invalid_expiry_is_malformed(system: Path, written: str) -> None:
    _with_waiver(system, expires=written)
    result = _rule(_assess(system), RULE)
    assert result.status == "fail"
    assert result.waiver is not None and result.waiver.state == "malformed"


@pytest.mark.parametrize(
    ("written", "day"),
    [
        # Late on the 24th west of Greenwich is already the 25th in UTC: expiry is the 25th.
        ("2026-11-24T20:00:00-10:00", dt.date(2026, 11, 25)),
        # Early on the 26th in Kiritimati is still the 25th in UTC.
        ("2026-11-26T05:00:00+14:00", dt.date(2026, 11, 25)),
        ("'2026-11-25T23:59:59Z'", dt.date(2026, 11, 25)),
        ("2026-11-25 12:00:00", dt.date(2026, 11, 25)),
    ],
)
def test_an_expiry_timestamp_counts_on_its_utc_day(
    system: Path, written: str, day: dt.date
) -> None:
    _with_waiver(system, expires=written)
    on_the_day = _rule(_assess(system, as_of=day), RULE)
    assert on_the_day.status == "waived"
    assert on_the_day.waiver is not None and on_the_day.waiver.expires == day
    after = _rule(_assess(system, as_of=day + dt.timedelta(days=1)), RULE)
    assert after.status == "fail" and after.waiver is not None
    assert after.waiver.state == "expired"


_TEXT = st.one_of(
    st.sampled_from([*PLACEHOLDERS, "", " ", "\t\n", "Head of Risk", "Q1 migration"]),
    st.text(max_size=20),
)


@given(_TEXT, _TEXT, st.one_of(st.integers(), st.floats(), st.booleans(), st.dates()))
def test_a_waiver_validates_only_with_real_text_and_a_date(
    reason: str, approver: str, expires: object
) -> None:
    data = {"rule": "R-1", "reason": reason, "approved_by": approver, "expires": expires}
    try:
        waiver = Waiver.model_validate(data)
    except ValidationError:
        return
    assert not is_placeholder(waiver.reason) and not is_placeholder(waiver.approved_by)
    assert isinstance(expires, dt.date) and waiver.expires == expires


def test_calendar_day_refuses_numbers_and_reduces_to_utc() -> None:
    for number in (20270331, 0, 86400, 1.5e9, True):
        with pytest.raises(ValueError, match="not a date"):
            calendar_day(number)
    west = dt.datetime(2026, 11, 24, 20, tzinfo=dt.timezone(dt.timedelta(hours=-10)))
    assert calendar_day(west) == dt.date(2026, 11, 25)
    assert calendar_day("2026-11-25") == dt.date(2026, 11, 25)
    with pytest.raises(ValueError):
        calendar_day("20261125")


def test_utc_today_is_the_utc_day() -> None:
    moment = dt.datetime(2026, 11, 25, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-10)))
    assert utc_today(moment) == dt.date(2026, 11, 26)


# ---------------------------------------------------------------------------------------------
# The machine's zone does not move the day


@pytest.fixture(params=["Pacific/Kiritimati", "America/Adak"])
def machine_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    zone: str = request.param
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    yield zone
    monkeypatch.undo()
    time.tzset()


def test_waivers_list_judges_expiry_on_the_utc_day(
    system: Path, machine_zone: str, run_cli: Callable[..., CliResult]
) -> None:
    # One of the two zones is a day off UTC at any hour: +14 from 10:00 UTC, -10 before 10:00.
    today = dt.datetime.now(dt.UTC).date()
    text = (system / "govern.yaml").read_text() + "waivers:\n"
    # Rules of the system's pack: a waiver naming no loaded rule is malformed whatever its date.
    for rule, expires in (
        ("DEMO-16-PROVIDER", today - dt.timedelta(days=1)),
        ("DEMO-17-QMS", today),
    ):
        text += (
            f"  - rule: {rule}\n    reason: Migration.\n    approved_by: Risk\n"
            f"    expires: {expires.isoformat()}\n"
        )
    (system / "govern.yaml").write_text(text)
    result = run_cli("waivers", "list", system, "--format", "json")
    data = json.loads(result.out)
    assert data["as_of"] == today.isoformat(), machine_zone
    states = {w["rule"]: w["state"] for w in data["waivers"]}
    assert states == {"DEMO-16-PROVIDER": "expired", "DEMO-17-QMS": "expiring"}, machine_zone


def test_check_judges_expiry_on_the_utc_day(
    system: Path, machine_zone: str, run_cli: Callable[..., CliResult]
) -> None:
    today = dt.datetime.now(dt.UTC).date()
    write(
        system / "docs" / "card.yaml", "identity:\n  name: Demo\nlogging:\n  retention_days: 30\n"
    )
    _with_waiver(system, expires=(today - dt.timedelta(days=1)).isoformat())
    result = run_cli("check", system, "-o", "json")
    data = json.loads(result.out)
    rule = next(r for r in data["results"] if r["rule_id"] == RULE)
    assert data["options"]["as_of"] == today.isoformat(), machine_zone
    assert rule["status"] == "fail" and rule["waiver"]["state"] == "expired", machine_zone


@pytest.mark.parametrize("placeholder", ["TODO", "n/a", "-", "   "])
def test_waivers_list_uses_the_same_rule_as_check(
    system: Path, placeholder: str, run_cli: Callable[..., CliResult]
) -> None:
    _with_waiver(system, approver=_quoted(placeholder))
    data = json.loads(run_cli("waivers", "list", system, "--format", "json").out)
    (entry,) = data["waivers"]
    assert entry["state"] == "malformed"
    assert "approved_by" in entry["problem"]
    listed = run_cli("waivers", "list", system, "--expiring", "30", "--as-of", "2026-11-25")
    assert listed.code == 1 and "MALFORMED" in listed.out


# ---------------------------------------------------------------------------------------------
# Attestations


QMS = "DEMO-17-QMS"


@pytest.mark.parametrize("placeholder", [*PLACEHOLDERS[:8], "-", "   "])
@pytest.mark.parametrize("field", ["name", "role"])
def test_placeholder_signer_does_not_attest(system: Path, field: str, placeholder: str) -> None:
    attestations = system / "docs" / "attestations.yaml"
    old = "Ada Lovelace" if field == "name" else "Head of Quality"
    edit(attestations, old, _quoted(placeholder))
    result = _rule(_assess(system), QMS)
    assert result.status == "needs_attestation" and result.gating
    assert result.attestations and result.attestations[0].problem is not None
    assert f"attested_by.{field}" in result.attestations[0].problem


def test_placeholder_statement_does_not_attest(system: Path) -> None:
    edit(system / "docs" / "attestations.yaml", "A documented QMS covers this system.", "TBD")
    assert _rule(_assess(system), QMS).status == "needs_attestation"


def test_a_real_signer_attests(system: Path) -> None:
    assert _rule(_assess(system), QMS).status == "pass"


@pytest.mark.parametrize("field", ["date", "expires"])
@pytest.mark.parametrize("written", ["20260601", "1780000000", "0"])
def test_a_number_is_not_an_attestation_date(
    system: Path, field: str, written: str, run_cli: Callable[..., CliResult]
) -> None:
    attestations = system / "docs" / "attestations.yaml"
    if field == "date":
        edit(attestations, "date: 2026-06-01", f"date: {written}")
    else:
        edit(attestations, "date: 2026-06-01", f"date: 2026-06-01\n    expires: {written}")
    result = run_cli("check", system, "--as-of", "2026-11-25")
    assert result.code == 2
    assert "Traceback" not in result.err
    assert "attestations.yaml" in result.err and "not a date" in result.err
