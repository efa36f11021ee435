"""Time govern's fairness metrics against fairlearn's MetricFrame on the same synthetic data."""

# Run by hand:  python benchmarks/fairness.py [--rows N ...] [--huge] [--e2e-rows N]
#
# Four comparisons, each printed as a table, then the three ratios of issue 17 point 6:
#   1. in memory: six metrics for a 2-group feature, a 5-group feature and their intersection,
#      govern (counts + every metric and disparity) against three MetricFrames; numbers compared;
#   2. a pandas DataFrame with string columns (the Python API's usual input): govern against
#      the same MetricFrames and against the floor, one pass of pandas.factorize and bincount;
#   3. bootstrap: 1,000 resamples of every metric and disparity from the counts;
#   4. end to end: `govern fairness` on a CSV against a script that reads it with pandas and
#      runs the same MetricFrames (separate processes, wall time and peak RSS), and govern's
#      peak RSS above the import baseline (a process importing what the command imports).

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import textwrap
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from govern.fairness.analysis import Analysis, analyse
from govern.fairness.counts import counts_from_arrays

SIX = (
    "selection_rate",
    "accuracy",
    "true_positive_rate",
    "false_positive_rate",
    "false_negative_rate",
    "true_negative_rate",
)
AGES = np.array(["18-29", "30-44", "45-59", "60-74", "75+"])


def synthetic(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Plausible predictions: groups of unequal size and slightly different base rates."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(np.array(["F", "M"]), n, p=[0.45, 0.55])
    age = rng.choice(AGES, n, p=[0.2, 0.3, 0.25, 0.15, 0.1])
    base = 0.2 + 0.05 * (sex == "M") + 0.02 * np.searchsorted(AGES, age)
    y_true = (rng.random(n) < base).astype(np.int64)
    score = np.clip(0.35 * y_true + rng.random(n) * 0.65, 0, 1)
    y_pred = (score > 0.5).astype(np.int64)
    return {"y_true": y_true, "y_pred": y_pred, "score": score, "sex": sex, "age_band": age}


def run_govern(data: dict[str, np.ndarray], resamples: int = 0) -> Analysis:
    counts = counts_from_arrays(
        data["y_true"], data["y_pred"], {"sex": data["sex"], "age_band": data["age_band"]}
    )
    return analyse(counts, n_resamples=resamples, seed=1)


def run_fairlearn(data: dict[str, np.ndarray]) -> list[Any]:
    import pandas as pd
    import sklearn.metrics as skm
    from fairlearn import metrics as flm

    functions = {
        "selection_rate": flm.selection_rate,
        "accuracy": skm.accuracy_score,
        "true_positive_rate": flm.true_positive_rate,
        "false_positive_rate": flm.false_positive_rate,
        "false_negative_rate": flm.false_negative_rate,
        "true_negative_rate": flm.true_negative_rate,
    }
    features = [
        data["sex"],
        data["age_band"],
        pd.DataFrame({"sex": data["sex"], "age_band": data["age_band"]}),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [
            flm.MetricFrame(
                metrics=functions,
                y_true=data["y_true"],
                y_pred=data["y_pred"],
                sensitive_features=f,
            )
            for f in features
        ]


def largest_difference(ours: Analysis, frames: list[Any]) -> float:
    """Max |govern - fairlearn| over every group value, overall value, difference and ratio."""
    worst = 0.0
    for index, frame in enumerate(frames):
        view = ours.views[index]
        labels = [view.label(g) for g in range(len(view.groups))]
        for key, row in frame.by_group.iterrows():
            label = "|".join(key) if isinstance(key, tuple) else str(key)
            g = labels.index(label)
            for name in SIX:
                worst = max(worst, abs(float(ours.point.groups[index][name][g]) - row[name]))
        for name in SIX:
            worst = max(worst, abs(float(ours.point.overall[name]) - frame.overall[name]))
        for method in ("between_groups", "to_overall"):
            sel = "selection_rate"
            pairs = [
                (
                    ours.point.disparities[index]["demographic_parity_difference"][method],
                    frame.difference(method=method)[sel],
                ),
                (
                    ours.point.disparities[index]["demographic_parity_ratio"][method],
                    frame.ratio(method=method)[sel],
                ),
            ]
            for got, expected in pairs:
                worst = max(worst, abs(float(got) - float(expected)))
    return worst


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_bytes(fn: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run_govern_frame(frame: Any) -> Analysis:
    counts = counts_from_arrays(
        frame["y_true"], frame["y_pred"], {"sex": frame["sex"], "age_band": frame["age_band"]}
    )
    return analyse(counts)


def floor_frame(frame: Any) -> np.ndarray:
    """The floor: each text column factorized once, one bincount over the combined codes."""
    import pandas as pd

    sex, sexes = pd.factorize(frame["sex"])
    age, ages = pd.factorize(frame["age_band"])
    truth = frame["y_true"].to_numpy()
    pred = frame["y_pred"].to_numpy()
    flat = ((sex * len(ages) + age) * 2 + truth) * 2 + pred
    cells: np.ndarray = np.bincount(flat, minlength=len(sexes) * len(ages) * 4)
    return cells


def data_frame(n: int) -> Any:
    import pandas as pd

    data = synthetic(n)
    # object columns of Python strings, as pandas.read_csv gives them
    return pd.DataFrame(
        {
            "y_true": data["y_true"],
            "y_pred": data["y_pred"],
            "sex": data["sex"].astype(object),
            "age_band": data["age_band"].astype(object),
        }
    )


def data_frames(n: int, ratios: dict[str, float]) -> None:
    print(f"\n2. pandas DataFrame, {n:,} rows, string columns (median of 3)")
    frame = data_frame(n)
    ours_s = median_time(lambda: run_govern_frame(frame))
    floor_s = median_time(lambda: floor_frame(frame))
    data = {c: frame[c] for c in frame.columns}
    theirs_s = median_time(lambda: run_fairlearn(data))
    diff = largest_difference(run_govern_frame(frame), run_fairlearn(data))
    print(
        f"{'fairlearn s':>12} {'govern s':>9} {'floor s':>8} {'speed-up':>9} "
        f"{'govern/floor':>13} {'max |diff|':>11}"
    )
    print(
        f"{theirs_s:>12.3f} {ours_s:>9.4f} {floor_s:>8.4f} {theirs_s / ours_s:>8.0f}x "
        f"{ours_s / floor_s:>13.2f} {diff:>11.1e}"
    )
    ratios["DataFrame speed-up over MetricFrame (goal >= 200)"] = theirs_s / ours_s
    ratios["DataFrame time / factorize-and-bincount floor (goal <= 2)"] = ours_s / floor_s


def median_time(fn: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def in_memory(rows: list[int], fairlearn_max: int, fairlearn_memory: bool) -> None:
    print("\n1. In memory: six metrics x (sex, age_band, sex+age_band)")
    header = (
        f"{'rows':>10} {'fairlearn s':>12} {'govern s':>9} {'speed-up':>9} {'input MB':>9} "
        f"{'govern peak MB':>15} {'peak/input':>11} {'fairlearn peak MB':>18} {'max |diff|':>11}"
    )
    print(header)
    for n in rows:
        data = synthetic(n)
        input_bytes = sum(data[c].nbytes for c in ("y_true", "y_pred", "sex", "age_band"))
        ours_s, ours = timed(lambda d=data: run_govern(d), repeat=3)
        ours_peak = peak_bytes(lambda d=data: run_govern(d))
        theirs_s, diff, theirs_peak = float("nan"), float("nan"), float("nan")
        if n <= fairlearn_max:
            theirs_s, frames = timed(lambda d=data: run_fairlearn(d))
            diff = largest_difference(ours, frames)
            if fairlearn_memory:
                theirs_peak = peak_bytes(lambda d=data: run_fairlearn(d)) / 1e6
        print(
            f"{n:>10,} {theirs_s:>12.2f} {ours_s:>9.4f} {theirs_s / ours_s:>8.0f}x "
            f"{input_bytes / 1e6:>9.1f} {ours_peak / 1e6:>15.1f} "
            f"{ours_peak / input_bytes:>11.2f} {theirs_peak:>18.1f} {diff:>11.1e}"
        )


def bootstrap(rows: list[int], resamples: int) -> None:
    print(f"\n3. Bootstrap: {resamples} resamples of every metric and disparity (no score)")
    print(f"{'rows':>10} {'point s':>9} {'with bootstrap s':>17} {'bootstrap s':>12}")
    for n in rows:
        data = synthetic(n)
        point_s, _ = timed(lambda d=data: run_govern(d), repeat=3)
        full_s, _ = timed(lambda d=data: run_govern(d, resamples), repeat=3)
        print(f"{n:>10,} {point_s:>9.3f} {full_s:>17.3f} {full_s - point_s:>12.3f}")


FAIRLEARN_SCRIPT = """
import sys, warnings
import pandas as pd
import sklearn.metrics as skm
from fairlearn import metrics as flm
warnings.simplefilter("ignore")
frame = pd.read_csv(sys.argv[1])
functions = {
    "selection_rate": flm.selection_rate, "accuracy": skm.accuracy_score,
    "true_positive_rate": flm.true_positive_rate, "false_positive_rate": flm.false_positive_rate,
    "false_negative_rate": flm.false_negative_rate, "true_negative_rate": flm.true_negative_rate,
}
for features in (frame["sex"], frame["age_band"], frame[["sex", "age_band"]]):
    flm.MetricFrame(metrics=functions, y_true=frame["y_true"], y_pred=frame["y_pred"],
                    sensitive_features=features)
"""


# The child is started from this small launcher, not from the benchmark process: Linux keeps
# the peak RSS across fork+exec, so a child forked from a big parent reports the parent's size.
LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status))
"""


def process(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *argv], capture_output=True, text=True, check=True
    )
    elapsed, rss, code = done.stdout.split()
    if int(code) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}")
    return float(elapsed), float(rss)


# What `govern fairness` imports before it reads a row: the baseline its peak RSS is measured over.
IMPORTS = "import govern.cli, govern.cli.fairness, govern.fairness.report, govern.outputs"


def end_to_end(n: int, ratios: dict[str, float]) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    print(f"\n4. End to end on a {n:,}-row CSV (separate processes)")
    with tempfile.TemporaryDirectory() as tmp:
        data = synthetic(n)
        data["score"] = data["score"].round(4)
        path = Path(tmp) / "predictions.csv"
        pacsv.write_csv(pa.table({"id": np.arange(n), **data}), path)
        script = Path(tmp) / "fairlearn_script.py"
        script.write_text(textwrap.dedent(FAIRLEARN_SCRIPT))
        govern = [
            sys.executable,
            "-m",
            "govern",
            "fairness",
            str(path),
            "--y-true",
            "y_true",
            "--y-pred",
            "y_pred",
            "--sensitive",
            "sex,age_band",
            "-o",
            str(Path(tmp) / "f.json"),
        ]
        runs = sorted(process(govern) for _ in range(3))
        ours_s, ours_rss = runs[1][0], sorted(rss for _, rss in runs)[1]
        baseline = sorted(process([sys.executable, "-c", IMPORTS])[1] for _ in range(3))[1]
        theirs_s, theirs_rss = process([sys.executable, str(script), str(path)])
        size = path.stat().st_size / 1e6
        print(
            f"{'CSV MB':>8} {'pandas+fairlearn s':>19} {'govern s':>9} {'speed-up':>9} "
            f"{'fairlearn RSS MB':>17} {'govern RSS MB':>14}"
        )
        print(
            f"{size:>8.1f} {theirs_s:>19.2f} {ours_s:>9.3f} {theirs_s / ours_s:>8.1f}x "
            f"{theirs_rss:>17.0f} {ours_rss:>14.0f}"
        )
        above = ours_rss * 1.048576 - baseline * 1.048576  # MiB -> MB, as the file size
        print(f"import baseline RSS {baseline:.0f} MiB; govern above it {above:.1f} MB")
        ratios["peak RSS above imports / CSV size (goal < 2)"] = above / size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--rows",
        type=int,
        action="append",
        help="row counts to run (repeatable; default 100000 and 1000000)",
    )
    parser.add_argument("--huge", action="store_true", help="add 10,000,000 rows")
    parser.add_argument("--bootstrap", type=int, default=1000, help="resamples (default 1000)")
    parser.add_argument(
        "--e2e-rows",
        type=int,
        default=500_000,
        help="rows of the end-to-end CSV (0 to skip; default 500000)",
    )
    parser.add_argument(
        "--fairlearn-max-rows",
        type=int,
        default=10_000_000,
        help="skip fairlearn above this many rows (it takes minutes at 10M)",
    )
    parser.add_argument(
        "--fairlearn-memory",
        action="store_true",
        help="also trace fairlearn's peak memory (slow: tracemalloc on pandas)",
    )
    parser.add_argument(
        "--frame-rows", type=int, default=1_000_000, help="rows of the DataFrame (default 1M)"
    )
    parser.add_argument(
        "--ratios-only", action="store_true", help="only what the three ratios need"
    )
    args = parser.parse_args()
    rows = args.rows or [100_000, 1_000_000]
    if args.huge:
        rows.append(10_000_000)
    ratios: dict[str, float] = {}
    if not args.ratios_only:
        in_memory(rows, args.fairlearn_max_rows, args.fairlearn_memory)
    data_frames(args.frame_rows, ratios)
    if not args.ratios_only:
        bootstrap(rows, args.bootstrap)
    if args.e2e_rows:
        end_to_end(args.e2e_rows, ratios)
    print("\nRatios (issue 17 point 6)")
    for name, value in ratios.items():
        print(f"  {name}: {value:.2f}")


if __name__ == "__main__":
    main()
