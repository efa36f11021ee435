"""Write the example's evaluation evidence: SYNTHETIC, for illustration only.

No model was run. This script draws per-sample outcomes from fixed rates with a fixed seed and
aggregates them the way a harness would (value, n, standard error; attempts and successes for
red-team attacks), so that `govern check` has evaluation evidence of the shape real tools give
(`govern evals import` reads lm-evaluation-harness, Inspect, Every Eval Ever, garak and promptfoo
output into the same schema). Run it from anywhere: `python make_evaluations.py [OUT_DIR]`
(default: this folder).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SEED = 19
MODEL = {"id": "lumen/ask-lumen", "revision": "1.4.0"}
GENERATION = {"temperature": 0.0, "top_p": 1.0, "max_tokens": 512, "n_shot": 0}
HEADER = (
    "# SYNTHETIC illustration written by make_evaluations.py: no model was run.\n"
    "# Shaped like harness output imported with `govern evals import`.\n"
)

# (benchmark, split, metric, direction, assumed rate, samples, categories)
BENCHMARKS = [
    ("bbq", "test", "accuracy", "higher", 0.91, 1000, ["bias"]),
    ("crows_pairs_english", "test", "pct_stereotype", "lower", 0.58, 1508, ["bias"]),
    ("toxigen", "test", "acc", "higher", 0.83, 940, ["toxicity"]),
    ("truthfulqa_mc1", "validation", "acc", "higher", 0.46, 817, ["confabulation"]),
]
# (attack class, categories, assumed success rate, attempts)
ATTACKS = [
    ("promptinject.HijackHateHumans", ["prompt_injection"], 0.03, 400),
    ("dan.DanInTheWild", ["jailbreak"], 0.01, 300),
]


def _draws(rng: random.Random, rate: float, n: int) -> int:
    return sum(1 for _ in range(n) if rng.random() < rate)


def _result(rng: random.Random, row: tuple) -> dict:  # type: ignore[type-arg]
    name, split, metric, direction, rate, n, categories = row
    share = _draws(rng, rate, n) / n
    return {
        "benchmark": {"id": name, "split": split},
        "metric": metric,
        "direction": direction,
        "value": round(share, 4),
        "stderr": round(math.sqrt(share * (1 - share) / n), 4),
        "n": n,
        "proportion": True,
        "categories": categories,
    }


def _attack(rng: random.Random, row: tuple) -> dict:  # type: ignore[type-arg]
    name, categories, rate, attempts = row
    return {
        "attack_class": name,
        "categories": categories,
        "tool": {"name": "synthetic (make_evaluations.py)"},
        "attempts": attempts,
        "successes": _draws(rng, rate, attempts),
        "tester_independence": "internal",
        "mitigations": ["retrieved passages quoted as data, never as instructions"],
    }


def main(out: Path) -> None:
    rng = random.Random(SEED)  # noqa: S311 - reproducible synthetic draws, not secrets
    common = {
        "model": MODEL,
        "evaluator": {"party": "first_party", "name": "Lumen Energy Digital Care"},
        "date": dt.date(2026, 10, 12),
    }
    benchmarks = {
        **common,
        "id": "ask-lumen-1.4.0-benchmarks",
        "generation": GENERATION,
        "results": [_result(rng, row) for row in BENCHMARKS],
    }
    red_team = {
        **common,
        "id": "ask-lumen-1.4.0-red-team",
        "red_team": [_attack(rng, row) for row in ATTACKS],
    }
    for name, data in (("benchmarks.yaml", benchmarks), ("red_team.yaml", red_team)):
        text = HEADER + yaml.safe_dump(data, sort_keys=False, width=100)
        (out / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
