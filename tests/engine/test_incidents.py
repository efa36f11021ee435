"""Art.73 serious-incident records against a fixed clock: reported on time, one day late, open.

Real files in (a copy of the credit-scoring example with incident records added), `govern check
--format json` and `govern history` out.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govern.engine.incidents import summarise_incidents
from govern.evidence.incident import IncidentRecord
from govern.policy.checks import PASS, CheckSyntaxError, Context, compile_check, evaluate
from govern.policy.loader import load_packs
from tests.conftest import CliResult, copy_example, edit, write

Run = Callable[..., CliResult]
RULE_BY_KIND = {
    "widespread": "EUAIA-73-REPORT-2-DAYS",
    "critical_infrastructure": "EUAIA-73-REPORT-2-DAYS",
    "death": "EUAIA-73-REPORT-10-DAYS",
    "serious_harm": "EUAIA-73-REPORT-15-DAYS",
    "fundamental_rights": "EUAIA-73-REPORT-15-DAYS",
}


@pytest.fixture
def credit(tmp_path: Path) -> Path:
    return copy_example("credit-scoring", tmp_path / "credit")


def _incident(
    root: Path, name: str, kind: str, aware: str, reports: list[str], closed: str | None = None
) -> None:
    sent = "".join(f"\n  - {{sent_on: {day}, to: Banca d'Italia}}" for day in reports)
    write(
        root / "governance" / "incidents" / f"{name}.yaml",
        f"id: {name}\ntitle: Incident {name}\nkind: {kind}\ndetected_on: 2026-10-30\n"
        f"aware_on: {aware}\nreports:{sent or ' []'}\n"
        + (f"closed_on: {closed}\n" if closed else ""),
    )


def _list(root: Path, *names: str) -> None:
    paths = ", ".join(f"governance/incidents/{n}.yaml" for n in names)
    edit(
        root / "govern.yaml",
        "  attestations: governance/attestations.yaml\n",
        f"  attestations: governance/attestations.yaml\n  incidents: [{paths}]\n",
    )


def _check(run_cli: Run, root: Path, as_of: str) -> dict[str, Any]:
    result = run_cli("check", root, "--as-of", as_of, "--format", "json")
    assert result.code in (0, 1), result.err
    document: dict[str, Any] = json.loads(result.out)
    return document


def _result(document: dict[str, Any], rule_id: str) -> dict[str, Any]:
    (found,) = [r for r in document["results"] if r["rule_id"] == rule_id]
    return found


@pytest.mark.parametrize(
    ("kind", "aware", "reports", "as_of", "status", "state", "found"),
    [
        # 15 days for serious harm: reported on the 15th day, then on the 16th.
        ("serious_harm", "2026-11-01", ["2026-11-16"], "2026-12-06", "pass", "on_time", None),
        (
            "serious_harm",
            "2026-11-01",
            ["2026-11-17"],
            "2026-12-06",
            "fail",
            "late",
            "2026-11-17 (16 days after 2026-11-01)",
        ),
        # 10 days for a death; the earliest report counts, follow-ups do not move it.
        (
            "death",
            "2026-11-01",
            ["2026-11-20", "2026-11-11"],
            "2026-12-06",
            "pass",
            "on_time",
            None,
        ),
        (
            "death",
            "2026-11-01",
            ["2026-11-12"],
            "2026-12-06",
            "fail",
            "late",
            "2026-11-12 (11 days after 2026-11-01)",
        ),
        # 2 days for critical infrastructure: still open and not overdue, then a day overdue.
        ("critical_infrastructure", "2026-12-03", [], "2026-12-05", "pass", "due", None),
        (
            "critical_infrastructure",
            "2026-12-03",
            [],
            "2026-12-06",
            "fail",
            "overdue",
            "none by 2026-12-06 (3 days after 2026-12-03)",
        ),
        # A report dated after the assessment date was not sent yet on that date.
        (
            "widespread",
            "2026-12-01",
            ["2026-12-09"],
            "2026-12-05",
            "fail",
            "overdue",
            "none by 2026-12-05 (4 days after 2026-12-01)",
        ),
        ("fundamental_rights", "2026-11-20", [], "2026-12-05", "pass", "due", None),
    ],
)
def test_report_deadlines_counted_from_awareness(
    credit: Path,
    run_cli: Run,
    kind: str,
    aware: str,
    reports: list[str],
    as_of: str,
    status: str,
    state: str,
    found: str | None,
) -> None:
    _incident(credit, "INC-1", kind, aware, reports)
    _list(credit, "INC-1")
    document = _check(run_cli, credit, as_of)
    rule = _result(document, RULE_BY_KIND[kind])
    assert rule["status"] == status, rule["message"]
    # The other deadline rules see no incident of their kind.
    for other in set(RULE_BY_KIND.values()) - {RULE_BY_KIND[kind]}:
        assert _result(document, other)["status"] == "pass"
    (summary,) = document["incidents"]
    assert summary["report_state"] == state
    assert summary["kind"] == kind and summary["open"] is True
    if found is not None:
        (finding,) = rule["findings"]
        assert finding["found"] == found
        # The claim traces to the incident file by path, digest and line.
        assert finding["location"]["file"] == "governance/incidents/INC-1.yaml"
        assert finding["location"]["sha256"] == summary["sha256"]
        assert finding["location"]["line"] >= 6
        assert rule["gating"] is True and document["summary"]["verdict"] == "fail"


def test_one_day_late_fails_the_check(credit: Path, run_cli: Run) -> None:
    _incident(credit, "INC-7", "death", "2026-11-01", ["2026-11-12"])
    _list(credit, "INC-7")
    result = run_cli("check", credit, "--as-of", "2026-12-06")
    assert result.code == 1
    assert "EUAIA-73-REPORT-10-DAYS" in result.out
    assert "2026-11-12 (11 days after 2026-11-01)" in result.out
    assert "governance/incidents/INC-7.yaml:" in result.out


def test_history_shows_open_incidents_of_the_newest_run(credit: Path, run_cli: Run) -> None:
    _incident(credit, "INC-OPEN", "critical_infrastructure", "2026-12-03", [])
    _incident(credit, "INC-SHUT", "serious_harm", "2026-11-01", ["2026-11-05"], "2026-11-30")
    _list(credit, "INC-OPEN", "INC-SHUT")
    recorded = run_cli("check", credit, "--as-of", "2026-12-06", "--record")
    assert recorded.code == 1, recorded.err
    shown = run_cli("history", "--dir", credit)
    assert shown.code == 0, shown.err
    assert "1 open serious incident(s) in run 1 (as of 2026-12-06)" in shown.out
    line = next(x for x in shown.out.splitlines() if x.startswith("INC-OPEN"))
    assert "critical_infrastructure" in line and "2026-12-05" in line and "OVERDUE" in line
    assert "INC-SHUT" not in shown.out
    as_json = json.loads(run_cli("history", "--dir", credit, "--format", "json").out)
    assert [i["id"] for i in as_json["open_incidents"]] == ["INC-OPEN"]
    assert as_json["open_incidents"][0]["run_id"] == 1
    markdown = run_cli("history", "--dir", credit, "--format", "markdown").out
    assert "| INC\\-OPEN |" in markdown or "| INC-OPEN |" in markdown


def test_history_without_incidents_is_unchanged(credit: Path, run_cli: Run) -> None:
    assert run_cli("check", credit, "--as-of", "2026-12-06", "--record").code == 0
    shown = run_cli("history", "--dir", credit)
    assert "open serious incident" not in shown.out
    as_json = json.loads(run_cli("history", "--dir", credit, "--format", "json").out)
    assert as_json["open_incidents"] == []


def test_awareness_before_detection_is_refused_in_one_line(credit: Path, run_cli: Run) -> None:
    _incident(credit, "INC-1", "death", "2026-10-01", [])
    _list(credit, "INC-1")
    result = run_cli("check", credit, "--as-of", "2026-12-06")
    assert result.code == 2
    assert "governance/incidents/INC-1.yaml" in result.err
    assert "aware_on 2026-10-01 is before detected_on 2026-10-30" in result.err
    assert "Traceback" not in result.err and result.out == ""


def test_two_records_with_one_id_are_refused(credit: Path, run_cli: Run) -> None:
    _incident(credit, "INC-1", "death", "2026-11-01", [])
    write(
        credit / "governance" / "incidents" / "copy.yaml",
        (credit / "governance" / "incidents" / "INC-1.yaml").read_text(encoding="utf-8"),
    )
    _list(credit, "INC-1", "copy")
    result = run_cli("check", credit, "--as-of", "2026-12-06")
    assert result.code == 2
    assert "incident id 'INC-1' is already used by governance/incidents/INC-1.yaml" in result.err


def test_an_unknown_kind_names_the_allowed_ones(credit: Path, run_cli: Run) -> None:
    _incident(credit, "INC-1", "minor", "2026-11-01", [])
    _list(credit, "INC-1")
    result = run_cli("check", credit, "--as-of", "2026-12-06")
    assert result.code == 2
    assert "governance/incidents/INC-1.yaml:3" in result.err and "death" in result.err


DEADLINE = compile_check(
    {
        "within_days": {
            "from": "incidents[0].aware_on",
            "to": "incidents[0].reports[*].sent_on",
            "days": {"param": "max_days"},
        }
    }
)


@given(
    aware=st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)),
    days=st.integers(0, 30),
    offsets=st.lists(st.integers(0, 60), max_size=3),
    wait=st.integers(0, 60),
)
def test_within_days_fails_exactly_when_the_first_report_is_late(
    aware: dt.date, days: int, offsets: list[int], wait: int
) -> None:
    """Reports after the assessment date do not count; without one the assessment date stands in."""
    as_of = aware + dt.timedelta(days=wait)
    sent = [aware + dt.timedelta(days=n) for n in offsets]
    view = {"incidents": [{"aware_on": aware, "reports": [{"sent_on": d} for d in sent]}]}
    ctx = Context(view, {"max_days": days}, lambda control: [], as_of)
    counted = [d for d in sent if d <= as_of]
    end = min(counted) if counted else as_of
    outcome = evaluate(DEADLINE, ctx)
    assert (outcome.status == PASS) == ((end - aware).days <= days)


@functools.cache
def _deadline_rules() -> dict[str, Any]:
    packs = load_packs(["builtin:eu-ai-act"], Path("."))
    return {rule.id: rule for rule in packs.rules if rule.id in set(RULE_BY_KIND.values())}


@given(
    kind=st.sampled_from(sorted(RULE_BY_KIND)),
    aware=st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)),
    offsets=st.lists(st.integers(0, 40), max_size=3),
    wait=st.integers(0, 40),
)
def test_the_ledger_summary_agrees_with_the_pack_rule(
    kind: str, aware: dt.date, offsets: list[int], wait: int
) -> None:
    """What history shows (statutory deadlines) and what the pack gates on never disagree."""
    reports = [
        {"sent_on": (aware + dt.timedelta(days=n)).isoformat(), "to": "Authority"} for n in offsets
    ]
    record = IncidentRecord.model_validate(
        {
            "id": "INC-1",
            "title": "t",
            "kind": kind,
            "detected_on": aware,
            "aware_on": aware,
            "reports": reports,
        }
    )
    as_of = aware + dt.timedelta(days=wait)
    item = SimpleNamespace(model=record, path="incidents/INC-1.yaml", sha256="0" * 64)
    (summary,) = summarise_incidents([item], as_of)  # type: ignore[list-item]
    rule = _deadline_rules()[RULE_BY_KIND[kind]]
    view = {"incidents": [record.model_dump()]}
    outcome = evaluate(rule.check, Context(view, rule.params, lambda control: [], as_of))
    assert (outcome.status == PASS) == (summary.report_state in ("on_time", "due"))


def test_hostile_titles_are_escaped_in_history(credit: Path, run_cli: Run) -> None:
    _incident(credit, "INC-1", "death", "2026-11-01", [])
    path = credit / "governance" / "incidents" / "INC-1.yaml"
    edit(path, "title: Incident INC-1", 'title: "Bad \\e[2J | *x* <b>"')
    _list(credit, "INC-1")
    assert run_cli("check", credit, "--as-of", "2026-12-06", "--record").code == 1
    text = run_cli("history", "--dir", credit).out
    assert "\x1b" not in text and "Bad <U+001B>[2J | *x* <b>" in text
    markdown = run_cli("history", "--dir", credit, "--format", "markdown").out
    row = next(line for line in markdown.splitlines() if line.startswith("| INC-1 "))
    assert "\x1b" not in row and "\\|" in row and "\\*x\\*" in row and "<b>" not in row


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"from": "incidents[*].aware_on", "to": "incidents[0].closed_on", "days": 2}, "one date"),
        ({"from": "incidents[0].aware_on", "to": "incidents[0].closed_on", "days": "2"}, "number"),
        ({"from": "incidents[0].aware_on", "days": 2}, "missing argument 'to'"),
        (
            {"from": "incidents[0].aware_on", "to": "x.y", "days": 2},
            "path must start with one of",
        ),
    ],
)
def test_malformed_deadlines_are_refused_when_the_pack_loads(
    arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(CheckSyntaxError, match=message):
        compile_check({"within_days": arguments})


def test_a_misspelt_deadline_field_is_a_lint_error(tmp_path: Path, run_cli: Run) -> None:
    pack = tmp_path / "pack"
    write(pack / "pack.yaml", "id: org\ntitle: Org\nversion: 0.0.1\nframework: eu-ai-act\n")
    write(
        pack / "rules.yaml",
        """\
        - id: ORG-73-CLOSED
          title: Incidents closed within 90 days
          refs: {eu-ai-act: ["Art.73(6)"]}
          severity: medium
          check:
            each:
              path: "incidents[*]"
              check: {within_days: {from: item.aware_on, to: item.closed, days: 90}}
          remediation: Close the investigation.
        """,
    )
    result = run_cli("policies", "lint", pack)
    assert result.code == 1
    assert "closed" in result.out + result.err and "closed_on" in result.out + result.err
