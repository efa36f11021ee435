"""Regenerate data/predictions.csv: synthetic test-set predictions of the credit risk scorer."""

# Run from examples/credit-scoring:  python data/make_predictions.py
# Standard library only and a fixed seed, so the file (and its sha256) is the same on every run.
#
# The figures follow docs/data/testing.yaml: 38,412 applications, 2,626 defaults (6.8%), the
# sex x age-band cell sizes listed there. Scores come from a calibrated-looking logit model
# (AUC about 0.78) with small age and sex effects; the model predicts default when the score
# reaches the 0.12 cut-off. Draws are stratified within each cell (one draw per quantile slice),
# so each cell's rates sit at the model's. With independent draws, sampling noise alone (F|60+
# has about 150 defaults, a TPR standard error near 0.04) would put the intersection's
# equalized odds difference anywhere from 0.05 to 0.14 and fail the 0.1 gate about half the time;
# the report's bootstrap intervals show that uncertainty either way.

from __future__ import annotations

import csv
import hashlib
import math
import random
from pathlib import Path
from statistics import NormalDist

SEED = 2024
CUTOFF = 0.12
# (sex, age band): applications in the test set
CELLS = {
    ("F", "18-29"): 3711,
    ("F", "30-44"): 6538,
    ("F", "45-59"): 4947,
    ("F", "60+"): 2474,
    ("M", "18-29"): 4356,
    ("M", "30-44"): 7674,
    ("M", "45-59"): 5808,
    ("M", "60+"): 2904,
}
DEFAULTS = 2626
# default rate relative to the average, by age band and sex (younger applicants default more)
AGE_RISK = {"18-29": 1.09, "30-44": 1.01, "45-59": 0.96, "60+": 0.94}
SEX_RISK = {"F": 0.97, "M": 1.03}
# small shifts of the score's logit: the model is not perfectly neutral, but within the gates
AGE_SHIFT = {"18-29": 0.04, "30-44": 0.01, "45-59": -0.01, "60+": -0.03}
SEX_SHIFT = {"F": -0.01, "M": 0.01}
# logit(score) ~ Normal(mean, sd) by true label: TPR ~0.56 and FPR ~0.11 at the cut-off
NEGATIVE = (math.log(CUTOFF / (1 - CUTOFF)) - 1.227, 1.0)
POSITIVE = (math.log(CUTOFF / (1 - CUTOFF)) + 0.242, 1.6)


def defaults_per_cell() -> dict[tuple[str, str], int]:
    """Split the 2,626 defaults over the cells by relative risk, summing exactly."""
    weights = {c: n * AGE_RISK[c[1]] * SEX_RISK[c[0]] for c, n in CELLS.items()}
    scale = DEFAULTS / sum(weights.values())
    counts = {c: round(w * scale) for c, w in weights.items()}
    largest = max(CELLS, key=CELLS.__getitem__)
    counts[largest] += DEFAULTS - sum(counts.values())
    return counts


def stratified_normal(rng: random.Random, n: int) -> list[float]:
    """n standard normal draws, one from each of n equal-probability slices, in random order."""
    slices = list(range(n))
    rng.shuffle(slices)
    normal = NormalDist()
    return [normal.inv_cdf((s + rng.random()) / n) for s in slices]


def rows(rng: random.Random) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    positives = defaults_per_cell()
    for (sex, band), n in CELLS.items():
        shift = AGE_SHIFT[band] + SEX_SHIFT[sex]
        for label, count in ((1, positives[(sex, band)]), (0, n - positives[(sex, band)])):
            mean, sd = POSITIVE if label else NEGATIVE
            for z in stratified_normal(rng, count):
                score = round(1 / (1 + math.exp(-(mean + shift + sd * z))), 4)
                out.append(
                    {
                        "default": label,
                        "predicted_default": int(score >= CUTOFF),
                        "score": f"{score:.4f}",
                        "sex": sex,
                        "age_band": band,
                    }
                )
    rng.shuffle(out)
    for i, row in enumerate(out):
        # pseudonymous ids, as the dataset record describes (a keyed hash of the account)
        row["applicant_id"] = hashlib.sha256(f"{SEED}:{i}".encode()).hexdigest()[:16]
    return out


def write(path: Path) -> None:
    columns = ["applicant_id", "default", "predicted_default", "score", "sex", "age_band"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows(random.Random(SEED)))  # noqa: S311 (synthetic data, not secrets)


if __name__ == "__main__":
    write(Path(__file__).with_name("predictions.csv"))
