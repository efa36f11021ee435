"""The assessment as JSON: the machine-readable contract documented in docs/assessment-json.md."""

from __future__ import annotations

import json

from govern.engine.assessment import Assessment
from govern.render.interface import FunctionRenderer


def render(assessment: Assessment) -> str:
    data = assessment.model_dump(mode="json")
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


RENDERER = FunctionRenderer(
    "json", "application/json", lambda assessment, _options: render(assessment)
)
