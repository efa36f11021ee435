"""Evaluation evidence of a generative model: benchmark results and red-team exercises.

A generative model's evidence of bias and safety is what harnesses measured, not a predictions
file. Each result says what was measured (benchmark, metric, direction), how sure it is (standard
error or interval, sample size), under which generation settings, on which model revision, by
whom and when: without those a threshold on it cannot honestly pass or fail.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from pydantic import Field, model_validator

from govern.evidence.base import Record

SCHEMA_VERSION = "1"
Party = Literal["first_party", "third_party", "collaborative", "other"]
Independence = Literal["internal", "independent_internal", "third_party"]
# What an evaluation or exercise is evidence of; the packs select evidence by these words.
Category = Literal[
    "bias",
    "toxicity",
    "confabulation",
    "jailbreak",
    "prompt_injection",
    "adversarial",
    "harmful_content",
    "privacy",
    "capability",
    "other",
]


class Benchmark(Record):
    id: str = Field(min_length=1, description="The benchmark or task, e.g. bbq, crows_pairs.")
    version: str | None = None
    split: str | None = None
    subset: str | None = Field(default=None, description="Configuration, subtask or slice.")


class Interval(Record):
    lower: float
    upper: float
    level: float = Field(default=0.95, gt=0, lt=1, description="Confidence level.")

    @model_validator(mode="after")
    def _ordered(self) -> Interval:
        if self.lower > self.upper:
            raise ValueError(f"lower {self.lower} is above upper {self.upper}")
        return self


class GenerationConfig(Record):
    """How outputs were generated; results under unknown settings cannot be reproduced."""

    temperature: float | None = Field(default=None, ge=0)
    top_p: float | None = Field(default=None, ge=0, le=1)
    max_tokens: int | None = Field(default=None, ge=1)
    n_shot: int | None = Field(default=None, ge=0)
    system_prompt_digest: str | None = Field(
        default=None, description="sha256 of the system prompt (the prompt itself may be private)."
    )


class EvaluatedModel(Record):
    id: str | None = None
    revision: str | None = Field(default=None, description="Commit, tag or version evaluated.")
    weights_digest: str | None = None


class Tool(Record):
    name: str = Field(min_length=1)
    version: str | None = None


class Evaluator(Record):
    party: Party | None = Field(default=None, description="Who ran it, relative to the provider.")
    name: str | None = None
    harness: Tool | None = None


class EvaluationResult(Record):
    benchmark: Benchmark
    metric: str = Field(min_length=1)
    direction: Literal["higher", "lower"] = Field(description="Which way is better.")
    value: float
    stderr: float | None = Field(default=None, ge=0)
    interval: Interval | None = None
    n: int | None = Field(default=None, ge=0, description="Samples the value rests on.")
    proportion: bool = Field(
        default=False, description="The value is a share of n (an interval follows from n)."
    )
    categories: list[Category] = []
    generation: GenerationConfig | None = Field(
        default=None, description="Overrides the report's generation settings for this result."
    )
    date: dt.date | None = None


class RedTeamResult(Record):
    """One attack class tried against the model: how often it got through."""

    attack_class: str = Field(min_length=1, description="The tool's name for it (probe, plugin).")
    categories: list[Category] = []
    tool: Tool | None = None
    attempts: int = Field(ge=0)
    successes: int | None = Field(default=None, ge=0)
    success_rate: float | None = Field(default=None, ge=0, le=1)
    interval: Interval | None = None
    date: dt.date | None = None
    tester_independence: Independence | None = None
    mitigations: list[str] = []

    @model_validator(mode="after")
    def _rate(self) -> RedTeamResult:
        if self.successes is not None and self.successes > self.attempts:
            raise ValueError(f"successes {self.successes} exceed attempts {self.attempts}")
        return self

    def rate(self) -> float | None:
        """The success rate, from the counts when they are there."""
        if self.successes is not None and self.attempts:
            return self.successes / self.attempts
        return self.success_rate


class Source(Record):
    format: str
    file: str | None = None
    sha256: str | None = None


class EvaluationReport(Record):
    """Evidence listed in govern.yaml under `evidence.evaluations`: one run or exercise."""

    schema_version: str = SCHEMA_VERSION
    id: str | None = None
    model: EvaluatedModel = EvaluatedModel()
    evaluator: Evaluator = Evaluator()
    date: dt.date | None = Field(default=None, description="When it was run.")
    generation: GenerationConfig | None = None
    results: list[EvaluationResult] = []
    red_team: list[RedTeamResult] = []
    source: Source | None = Field(default=None, description="The tool output it was imported from.")


def z_score(level: float) -> float:
    """The two-sided normal quantile for a confidence level (0.95 -> 1.96), without scipy."""
    target = 1 - (1 - level) / 2
    low, high = 0.0, 10.0
    for _ in range(80):
        mid = (low + high) / 2
        if 0.5 * math.erfc(-mid / math.sqrt(2)) < target:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def wilson(successes: float, trials: int, level: float) -> tuple[float, float]:
    """The Wilson score interval of a proportion: honest near 0 and 1, where red-team rates sit."""
    if trials <= 0:
        return 0.0, 1.0
    z = z_score(level)
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    # Clamped to hold p itself: at 0 or 1 rounding would otherwise leave it a hair outside.
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))
