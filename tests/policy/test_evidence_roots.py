"""Every evidence root a rule path may start with is known to each stage that names it."""

from __future__ import annotations

from govern.policy.paths import ROOTS
from govern.policy.reads import ROOT_KINDS
from govern.policy.schema_paths import _root_types
from govern.report.wording import _ROOTS as LABELS


def test_roots_kinds_schema_and_labels_in_step() -> None:
    assert set(ROOT_KINDS) == set(ROOTS)
    assert set(_root_types()) == set(ROOTS)
    assert set(ROOTS) <= set(LABELS)
    assert ROOT_KINDS["evaluations"] == "evaluation"
