"""Issue 13 point 5: hostile sizes are bad input (one line, exit 2), never an internal error.

Names over the file system's limit, evidence nested hundreds of levels deep (YAML and JSON, our
own files and foreign formats through their importers), and numbers beyond 64-bit integers where
the ledger takes a run id or a count, on SQLite as on Postgres.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govern.load.documents import MAX_DEPTH, json_too_deep
from tests.conftest import CliResult, copy_example, edit, write
from tests.store.conftest import (  # noqa: F401 - fixtures used by name
    db_url,
    postgres_server,
    postgres_url,
)

Run = Callable[..., CliResult]
AS_OF = "2026-11-25"
HUGE = str(2**70)
LONG = "a" * 300


def _one_line_exit_2(result: CliResult, *words: str) -> None:
    assert result.code == 2, (result.code, result.out, result.err)
    text = result.out + result.err
    assert "Traceback" not in text and "internal error" not in text
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    for word in words:
        assert word in result.err, result.err


def _yaml_lists(depth: int) -> str:
    return "identity: " + "[" * depth + "]" * depth + "\n"


def _yaml_blocks(depth: int) -> str:
    return "".join("  " * i + "k:\n" for i in range(depth)) + "  " * depth + "1\n"


def _yaml_sequences(depth: int) -> str:
    return (
        "identity:\n" + "".join("  " * i + "-\n" for i in range(1, depth)) + "  " * depth + "- 1\n"
    )


def _json(depth: int) -> str:
    return '{"identity": ' + "[" * depth + "]" * depth + "}"


_DEEP_CASES = [
    (name, make, depth)
    for name, make in [
        ("card.yaml", _yaml_lists),
        ("card.yaml", _yaml_blocks),
        ("card.yaml", _yaml_sequences),
        ("card.json", _json),
    ]
    # libyaml itself stops at 1000 levels: 1200 is past that limit, 50,000 only for JSON.
    for depth in [MAX_DEPTH + 1, 300, 1200, *([50_000] if name.endswith(".json") else [])]
]


@pytest.mark.parametrize(("name", "make", "depth"), _DEEP_CASES)
def test_deep_evidence_is_refused_with_its_file_and_line(
    run_cli: Run, system: Path, name: str, make: Callable[[int], str], depth: int
) -> None:
    write(system / "docs" / name, make(depth))
    edit(system / "govern.yaml", "docs/card.yaml", f"docs/{name}")
    result = run_cli("check", system, "--as-of", AS_OF)
    _one_line_exit_2(result, f"docs/{name}:")
    assert "nested" in result.err


def test_nesting_up_to_the_limit_is_read(run_cli: Run, system: Path) -> None:
    card = (system / "docs" / "card.yaml").read_text()
    deep = "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2)
    write(system / "docs" / "card.yaml", card + f"extra_notes: {deep}\n")
    result = run_cli("check", system, "--as-of", AS_OF)
    assert "nested" not in result.err
    assert "Traceback" not in result.err and "internal error" not in result.err


@pytest.mark.parametrize(
    ("fmt", "body"),
    [
        ("mct", '{"model_details": {"name": ' + "[" * 5000 + "]" * 5000 + "}}"),
        ("cyclonedx", '{"bomFormat": "CycloneDX", "x": ' + "{" * 400 + "}" * 400 + "}"),
        ("spdx3", '{"@context": "x", "@graph": ' + "[" * 2000 + "]" * 2000 + "}"),
        ("huggingface", "---\nlicense: " + "[" * 600 + "]" * 600 + "\n---\n# card\n"),
    ],
)
def test_deep_foreign_files_are_refused_through_their_importers(
    run_cli: Run, system: Path, fmt: str, body: str
) -> None:
    name = "README.md" if fmt == "huggingface" else "card.json"
    write(system / "docs" / name, body)
    edit(
        system / "govern.yaml",
        "model_card: docs/card.yaml",
        f"model_card: {{path: docs/{name}, format: {fmt}}}",
    )
    result = run_cli("check", system, "--as-of", AS_OF)
    assert result.code == 2, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert f"docs/{name}" in result.err


def test_a_deep_cyclonedx_property_value_is_kept_as_unmapped(run_cli: Run, system: Path) -> None:
    deep = "[" * 5000 + "]" * 5000
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [
            {
                "type": "machine-learning-model",
                "name": "demo",
                "modelCard": {"properties": [{"name": "govern:logging", "value": deep}]},
            }
        ],
    }
    write(system / "docs" / "card.cdx.json", json.dumps(bom))
    edit(
        system / "govern.yaml",
        "model_card: docs/card.yaml",
        "model_card: {path: docs/card.cdx.json, format: cyclonedx}",
    )
    result = run_cli("check", system, "--as-of", AS_OF)
    assert result.code in (0, 1, 2), result.err
    assert "Traceback" not in result.err and "internal error" not in result.err


@pytest.mark.parametrize(
    "args",
    [
        ("check", LONG),
        ("check", f"{LONG}/{LONG}"),
        ("classify", LONG),
        ("waivers", "list", LONG),
        ("card", "lint", LONG),
        ("report", LONG, "--json", "out.json"),
        ("diff", LONG, "latest"),
    ],
)
def test_names_over_the_file_system_limit(
    run_cli: Run, tmp_path: Path, args: tuple[str, ...]
) -> None:
    result = run_cli(*[a.replace("out.json", str(tmp_path / "out.json")) for a in args])
    _one_line_exit_2(result)


def test_a_long_name_inside_a_system(run_cli: Run, system: Path) -> None:
    (system / "docs" / "card.yaml").unlink()
    (system / "docs" / "card.yaml").mkdir()
    edit(system / "govern.yaml", "docs/card.yaml", f"docs/{LONG}.yaml")
    result = run_cli("check", system, "--as-of", AS_OF)
    _one_line_exit_2(result, "too long for a file name")


@pytest.fixture
def recorded(run_cli: Run, tmp_path: Path, db_url: str) -> str:  # noqa: F811
    credit = copy_example("credit-scoring", tmp_path / "credit")
    assert run_cli("check", credit, "--record", "--db", db_url, "--as-of", AS_OF).code == 0
    return db_url


@pytest.mark.parametrize(
    "args",
    [
        ("diff", HUGE, "latest"),
        ("diff", "latest", "#" + HUGE),
        ("diff", f"latest~{HUGE}", "latest"),
        ("diff", "9" * 5000, "latest"),
        ("diff", str(2**63), "latest"),
        ("history", "--limit", HUGE),
        ("history", "--limit", str(2**63)),
        ("ledger", "verify", "--anchor", f"{HUGE}:{'a' * 64}"),
        ("ledger", "verify", "--anchor", f"{'9' * 5000}:{'a' * 64}"),
    ],
)
def test_numbers_beyond_64_bits_are_usage_errors(
    run_cli: Run, recorded: str, args: tuple[str, ...]
) -> None:
    result = run_cli(*args, "--db", recorded)
    _one_line_exit_2(result)
    assert len(result.err) < 400


def test_the_largest_64_bit_run_id_is_simply_not_found(run_cli: Run, recorded: str) -> None:
    result = run_cli("diff", str(2**63 - 1), "latest", "--db", recorded)
    _one_line_exit_2(result, f"has no run {2**63 - 1}")
    history = run_cli("history", "--limit", str(2**63 - 1), "--db", recorded)
    assert history.code == 0, history.err


def _depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


_json_values = st.recursive(
    st.none() | st.integers() | st.text(alphabet='[]{}"\\ab', max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(alphabet='[]{}"\\', max_size=3), inner, max_size=3)
    ),
    max_leaves=40,
)


@given(_json_values, st.integers(min_value=0, max_value=12))
def test_json_depth_scan_agrees_with_the_parsed_depth(value: Any, limit: int) -> None:
    text = json.dumps(value)
    assert (json_too_deep(text, limit) is None) == (_depth(value) <= limit)


@pytest.mark.parametrize(
    "deep",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        "[1," * 3_000 + "1" + "]" * 3_000,
    ],
)
def test_deep_json_lines_rows_never_reach_arrow(run_cli: Run, tmp_path: Path, deep: str) -> None:
    # Arrow's recursive JSON parser would overflow its stack: a segfault, not an error.
    rows = ['{"y_true": 1, "y_pred": 1, "sex": "a"}'] * 3
    rows.append('{"y_true": 0, "y_pred": 1, "sex": "b", "x": ' + deep + "}")
    predictions = write(tmp_path / "p.jsonl", "\n".join(rows) + "\n")
    result = run_cli(
        "fairness", predictions, "--y-true", "y_true", "--y-pred", "y_pred", "--sensitive", "sex"
    )
    _one_line_exit_2(result, "p.jsonl:4:1: the row is nested more than 100 levels deep")
