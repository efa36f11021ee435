"""Validate the crosswalk between the three frameworks: every id in every row must exist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govern.errors import Problem
from govern.load.documents import SourceDocument, load_document
from govern.reference import load_catalogue

# section -> ((field, framework, is_list), ...); the NIST characteristics are NIST catalogue ids.
_SECTIONS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "nist_to_iso42001": (("nist", "nist-ai-rmf", False), ("iso42001", "iso-42001", True)),
    "iso42001_to_nist": (("iso42001", "iso-42001", False), ("nist", "nist-ai-rmf", True)),
    "nist_characteristics_to_eu_ai_act": (
        ("nist_characteristic", "nist-ai-rmf", False),
        ("eu_ai_act_articles", "eu-ai-act", True),
    ),
    "genai_risks_to_nist_characteristics": (
        ("genai_risk", "nist-ai-rmf", False),
        ("nist_characteristics", "nist-ai-rmf", True),
    ),
    "eu_ai_act_to_iso42001": (("eu_ai_act", "eu-ai-act", True), ("iso42001", "iso-42001", True)),
    "eu_ai_act_to_nist_ai_rmf": (
        ("eu_ai_act", "eu-ai-act", True),
        ("nist_ai_rmf", "nist-ai-rmf", True),
    ),
}


def crosswalk_problems(path: Path, display: str | None = None) -> list[Problem]:
    document = load_document(path, display or str(path))
    return validate_crosswalk(document)


def validate_crosswalk(document: SourceDocument) -> list[Problem]:
    data = document.data
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return [document.problem((), "a crosswalk is a mapping of sections")]
    for section, fields in _SECTIONS.items():
        rows: Any = data.get(section)
        prefix: tuple[str | int, ...] = (section,)
        if isinstance(rows, dict) and "rows" in rows:
            rows, prefix = rows["rows"], (section, "rows")
        if rows is None:
            continue
        if not isinstance(rows, list):
            problems.append(document.problem(prefix, "expected a list of rows"))
            continue
        for index, row in enumerate(rows):
            where = (*prefix, index)
            if not isinstance(row, dict):
                problems.append(document.problem(where, "a row is a mapping"))
                continue
            for name, framework, is_list in fields:
                problems.extend(_check_ids(document, row, name, framework, is_list, where))
    return problems


def _check_ids(
    document: SourceDocument,
    row: dict[str, Any],
    name: str,
    framework: str,
    is_list: bool,
    where: tuple[str | int, ...],
) -> list[Problem]:
    if name not in row:
        return [document.problem(where, f"row has no {name!r}")]
    value = row[name]
    ids = value if is_list and isinstance(value, list) else [value]
    catalogue = load_catalogue(framework)
    problems = []
    for index, provision in enumerate(ids):
        at = (*where, name, index) if is_list else (*where, name)
        if str(provision) not in catalogue:
            problems.append(
                document.problem(
                    at, f"{provision!r} is not a {framework} id in the reference catalogue"
                )
            )
    return problems
