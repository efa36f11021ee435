"""docs/ci.md stays true: every option, variable, format and action input it must name, it names."""

from __future__ import annotations

import json
import re

import click
import yaml

from govern.cli.check import command as check
from govern.engine.baseline import Baseline
from govern.render import RENDERERS
from tests.conftest import REPO

DOC = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")


def test_every_check_option_and_its_variable_is_documented() -> None:
    for param in check.params:
        if isinstance(param, click.Option):
            assert param.envvar, f"{param.name} reads no environment variable"
            assert f"`{param.envvar}`" in DOC, param.envvar
            assert f"`{param.opts[-1]}`" in DOC or f"`{param.opts[0]}`" in DOC, param.opts


def test_every_format_is_documented() -> None:
    for name in RENDERERS:
        assert f"| `{name}` |" in DOC, name


def test_every_action_input_is_documented() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    for name in action["inputs"]:
        assert f"| `{name}` |" in DOC, name


def test_the_documented_baseline_is_a_baseline() -> None:
    block = re.search(r"The file:\n\n```json\n(.*?)```", DOC, re.S)
    assert block is not None
    data = json.loads(block[1].replace("<sha256 of rule, file, field and expected>", "0" * 64))
    assert Baseline.model_validate(data).format == "govern.baseline/1"
