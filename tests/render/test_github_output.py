"""GitHub workflow commands: an annotation per rule that needs work, on its evidence line."""

from __future__ import annotations

import re

from govern.engine.assessment import Assessment
from govern.render.github import _command, render
from tests.conftest import REPO

COMMAND = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def annotations(text: str) -> list[tuple[str, dict[str, str], str]]:
    found = []
    for line in text.splitlines():
        match = COMMAND.match(line)
        if match:
            props = dict(p.split("=", 1) for p in match["props"].split(","))
            found.append((match[1], props, match["message"]))
    return found


def test_errors_for_the_rules_that_fail_the_run(chatbot: Assessment) -> None:
    found = annotations(render(chatbot, base_path="examples/support-chatbot"))
    errors = [a for a in found if a[0] == "error"]
    warnings = [a for a in found if a[0] == "warning" and "file" in a[1]]
    assert len(errors) == len(chatbot.summary.gating) > 0
    failing = ("fail", "error", "needs_attestation")
    non_gating = [r for r in chatbot.results if r.status in failing and not r.gating]
    notes = sum(len(r.notes) for r in chatbot.results)
    assert len(warnings) == len(non_gating) + notes
    assert len([a for a in found if a[0] == "warning"]) == len(warnings) + len(chatbot.warnings)
    for _, props, message in errors + warnings[: len(non_gating)]:
        assert (REPO / props["file"]).is_file()
        assert int(props["line"]) >= 1 and int(props["col"]) >= 1
        assert props["title"].split(" ")[0] in {r.rule_id for r in chatbot.results}
        assert "%0A" in message and "Fix%3A" not in message and "Fix: " in message
    titles = [props["title"] for _, props, _ in errors]
    assert any(t.startswith("EUAIA-50-AI-DISCLOSURE") for t in titles)


def test_the_report_follows_for_the_log(chatbot: Assessment) -> None:
    out = render(chatbot)
    assert "Verdict: FAIL" in out
    assert "\x1b[" not in out
    assert out.index("::error") < out.index("Verdict:")


def test_passing_system_has_no_error(credit: Assessment) -> None:
    out = render(credit)
    assert not [a for a in annotations(out) if a[0] == "error"]
    assert "Verdict: PASS" in out


def test_waived_rules_are_notices(waived_chatbot: Assessment) -> None:
    notices = [a for a in annotations(render(waived_chatbot)) if a[0] == "notice"]
    assert len(notices) == 2
    assert all("waived until" in message for _, _, message in notices)


def test_values_are_escaped_as_the_toolkit_does() -> None:
    line = _command("error", "a,b:c.yaml", 3, 1, "R [high, blocking]", "50% done\r\nnext")
    assert line == (
        "::error file=a%2Cb%3Ac.yaml,line=3,col=1,title=R [high%2C blocking]::50%25 done%0D%0Anext"
    )
