"""A pack cannot make govern hang: regexes run on RE2, and nested not/all/any cost linear time or
are refused with one line naming the rule."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govern.policy.checks import (
    MAX_CHECK_DEPTH,
    CheckSyntaxError,
    Context,
    compile_check,
    evaluate,
)
from govern.policy.regex import MAX_PATTERN_LENGTH, PatternError, compile_pattern
from tests.conftest import CliResult, edit

Run = Callable[..., CliResult]

# Patterns that take exponential time in a backtracking engine on the hostile text beside them.
REDOS = [
    (r"(a+)+$", "a" * 5000 + "b"),
    (r"(a|a)*$", "a" * 5000 + "b"),
    (r"(a|aa)+$", "a" * 5000 + "b"),
    (r"(.*a){20}", "a" * 5000),
    (r"(.*a){20}$", "a" * 19 + "b" * 5000),
    (r"^(\w+\s?)*$", "word " * 1000 + "!"),
    (r"(x+x+)+y", "x" * 5000),
    (
        r"^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$",
        "a" * 3000 + "!",
    ),
]
# What RE2 cannot run in linear time, or at all: refused when the pack loads.
REFUSED = [r"(a)\1", r"(?=a)b", r"(?<!a)b", r"(?P<x>a)(?P=x)", r"a{2000}", "(", "a**"]


def _context(view: dict[str, Any]) -> Context:
    return Context(view, {}, lambda control: [], dt.date(2026, 11, 25))


@pytest.mark.parametrize(("pattern", "text"), REDOS)
def test_backtracking_patterns_match_in_linear_time(pattern: str, text: str) -> None:
    check = compile_check({"matches": {"path": "model_card.provider.contact", "pattern": pattern}})
    view = {"model_card": {"provider": {"contact": text * 20}}}
    started = time.perf_counter()
    outcome = evaluate(check, _context(view))
    assert time.perf_counter() - started < 1.0
    assert outcome.status in ("pass", "fail")


@pytest.mark.parametrize("pattern", REFUSED)
def test_patterns_re2_cannot_run_are_syntax_errors(pattern: str) -> None:
    with pytest.raises(CheckSyntaxError, match="invalid regular expression") as caught:
        compile_check({"matches": {"path": "model_card.provider.contact", "pattern": pattern}})
    assert caught.value.where == ("matches", "pattern")
    assert "\n" not in str(caught.value)


def test_a_pattern_too_long_is_refused_before_compiling() -> None:
    with pytest.raises(PatternError, match="limit"):
        compile_pattern("a" * (MAX_PATTERN_LENGTH + 1))


def test_re2_keeps_search_semantics_of_the_built_in_patterns() -> None:
    contact = compile_pattern("@|^https?://")
    assert contact.search("risk@bank.example") and contact.search("https://bank.example")
    assert not contact.search("call the bank")
    assert compile_pattern("(?i)^todo").search("ToDo later")


@settings(max_examples=60, deadline=2000)
@given(st.text(alphabet="ab(|)*+?.{}$^\\0123456789", max_size=30), st.text(max_size=2000))
def test_any_pattern_is_refused_or_runs_fast(pattern: str, text: str) -> None:
    try:
        compiled = compile_pattern(pattern)
    except PatternError as exc:
        assert "\n" not in str(exc)
        return
    started = time.perf_counter()
    compiled.search(text * 10)
    assert time.perf_counter() - started < 0.5


def _nest(depth: int, kinds: list[str]) -> dict[str, Any]:
    check: dict[str, Any] = {"present": "model_card.identity.name"}
    for level in range(depth):
        kind = kinds[level % len(kinds)]
        if kind == "not":
            check = {"not": check}
        else:
            check = {kind: [check, {"present": "model_card.identity.version"}]}
    return check


SHAPES = [["not"], ["all"], ["any"], ["not", "all"], ["not", "any"], ["not", "any", "not", "all"]]


@pytest.mark.parametrize("kinds", SHAPES, ids="-".join)
def test_nesting_below_the_limit_evaluates_in_linear_time(kinds: list[str]) -> None:
    # Before, `not` over `any` re-evaluated its operand to find what held: 2^(depth/2) times.
    check = compile_check(_nest(MAX_CHECK_DEPTH - 1, kinds))
    view = {"model_card": {"identity": {"name": "Scorer", "version": "1.0"}}}
    started = time.perf_counter()
    outcome = evaluate(check, _context(view))
    assert time.perf_counter() - started < 0.5
    assert outcome.status in ("pass", "fail")


def test_not_over_any_still_points_at_what_held() -> None:
    check = compile_check(_nest(9, ["not", "any"]))
    view = {"model_card": {"identity": {"name": "Scorer", "version": "1.0"}}}
    outcome = evaluate(check, _context(view))
    assert outcome.status == "fail"
    assert [f.path for f in outcome.findings] == [("model_card", "identity", "version")]
    assert outcome.findings[0].held and outcome.findings[0].found == "'1.0'"


@pytest.mark.parametrize("depth", [MAX_CHECK_DEPTH, 100, 250, 500])
@pytest.mark.parametrize("kinds", SHAPES[:4], ids="-".join)
def test_nesting_past_the_limit_is_one_clear_error(depth: int, kinds: list[str]) -> None:
    with pytest.raises(CheckSyntaxError, match=f"more than {MAX_CHECK_DEPTH} levels"):
        compile_check(_nest(depth, kinds))


def test_each_counts_towards_the_depth() -> None:
    check: dict[str, Any] = {"present": "item.id"}
    for _ in range(MAX_CHECK_DEPTH + 1):
        check = {"each": {"path": "datasets[*]", "check": {"not": {"not": check}}}}
    with pytest.raises(CheckSyntaxError, match="levels"):
        compile_check(check)


# ---------------------------------------------------------------------------------------------
# Through the CLI: one line, exit 2, naming the rule; never a hang or a traceback


@pytest.mark.parametrize("pattern", [r"(a)\\1", r"(?=x)y", r"a{5000}"])
def test_check_refuses_a_pack_with_an_unsupported_pattern(
    system: Path, run_cli: Run, pattern: str
) -> None:
    edit(
        system / "pack" / "rules.yaml",
        "{present: model_card.provider.name}",
        f'{{matches: {{path: model_card.provider.name, pattern: "{pattern}"}}}}',
    )
    for args in (("check", system), ("policies", "lint", system / "pack")):
        result = run_cli(*args)
        assert result.code in (1, 2) and "Traceback" not in result.err
        assert "DEMO-16-PROVIDER" in result.err and "invalid regular expression" in result.err
        assert "pack/rules.yaml:" in result.err
    assert run_cli("check", system).code == 2


@pytest.mark.parametrize(("pattern", "text"), REDOS[:4])
def test_check_with_a_redos_pattern_finishes(
    system: Path, run_cli: Run, pattern: str, text: str
) -> None:
    edit(
        system / "pack" / "rules.yaml",
        "{present: model_card.provider.name}",
        f"{{matches: {{path: model_card.provider.name, pattern: '{pattern}'}}}}",
    )
    edit(system / "docs" / "card.yaml", "name: Demo Bank", f"name: {text}")
    started = time.perf_counter()
    result = run_cli("check", system, "--as-of", "2026-11-25")
    assert time.perf_counter() - started < 5
    assert result.code in (0, 1), result.err
    assert run_cli("policies", "lint", system / "pack").code == 0


@pytest.mark.parametrize("depth", [50, 200, 500])
def test_check_and_lint_refuse_deep_nesting_in_one_line(
    system: Path, run_cli: Run, depth: int
) -> None:
    nested = "{present: model_card.provider.name}"
    for level in range(depth):
        nested = f"{{not: {nested}}}" if level % 2 else f"{{any: [{nested}]}}"
    edit(system / "pack" / "rules.yaml", "{present: model_card.provider.name}", nested)
    started = time.perf_counter()
    results = [run_cli("check", system), run_cli("policies", "lint", system / "pack")]
    assert time.perf_counter() - started < 5
    for result in results:
        assert "Traceback" not in result.err
        if depth >= MAX_CHECK_DEPTH:
            assert result.code in (1, 2)
            (line,) = result.err.splitlines()
            assert line.startswith("error: ") and "pack/rules.yaml:" in line
            # Very deep YAML is refused by the reader itself, before the check compiler sees it.
            assert "levels deep" in line or "too deeply" in line
        else:
            assert result.code in (0, 1), result.err
