"""Rule paths lint against evidence_fields.json, a table made from the evidence models: it must be
the models' current fields, and linting must not need the models themselves."""

from __future__ import annotations

import subprocess
import sys

from govern.policy.checks import compile_check
from govern.policy.evidence_fields import ROOT_MODELS, table_text
from govern.policy.schema_paths import TABLE_FILE, unknown_paths

MODEL_MODULES = {module for module, _, _ in ROOT_MODELS.values()} | {"govern.evidence.gpai"}


def test_table_matches_the_evidence_models() -> None:
    """evidence_fields.json is derived data: regenerate with
    `python -m govern.policy.evidence_fields` after changing an evidence model."""
    assert TABLE_FILE.read_text(encoding="utf-8") == table_text()


def test_linting_paths_imports_no_evidence_model() -> None:
    code = (
        "import sys\n"
        "from govern.policy.checks import compile_check\n"
        "from govern.policy.schema_paths import unknown_paths\n"
        "for path in ('model_card.identity.nme', 'fairness[*].overall', 'gpai.copyright_policy',\n"
        "             'incidents[*].id', 'evaluations[*].x', 'classification.tier'):\n"
        "    unknown_paths(compile_check({'present': path}))\n"
        f"print(sorted(set(sys.modules) & set({sorted(MODEL_MODULES)!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_entries_of_a_view_that_is_no_list_are_refused() -> None:
    """`classification` and `gpai` are records of answers and documents, not lists."""
    for root in ("classification", "gpai"):
        assert unknown_paths(compile_check({"present": f"{root}[*].x"})) == [
            f"path '{root}[*].x': {root} is not a list ({root}); [..] selects entries of a list"
        ]
