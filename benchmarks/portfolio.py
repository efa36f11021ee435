"""govern's wall time over a portfolio of systems, against the parse-and-hash floor in the same run.

Run by hand: `python benchmarks/portfolio.py [--n 1000] [--runs 1] [--cli]`. It copies
examples/credit-scoring N times into a temporary folder, then measures
- the floor: read every evidence file, sha256 it, and parse the YAML/JSON ones with PyYAML's C
  loader (what any tool must do to read the same evidence);
- govern: load every system, its packs parsed once for the whole run, and assess it, in one process,
  with the functions `govern check --all` calls for each system;
- with --cli, the command as well: `govern check --all ROOT --jobs 1`, and with its default
  `--jobs` (one worker process per core; the floor stays one process, so that row shows what a
  user waits for, not the engine's cost).
It prints the times and govern's ratio to the floor (goal: at most 2x, in one process).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "credit-scoring"
PARSED = (".yaml", ".yml", ".json")


def make_portfolio(root: Path, n: int) -> list[Path]:
    """N copies of the example (scripts left out: govern reads none), one folder each."""
    systems = []
    for index in range(n):
        folder = root / f"system-{index:05d}"
        shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        systems.append(folder)
    return systems


def floor(systems: list[Path]) -> None:
    """Read, hash and (for YAML/JSON) parse every file of every system."""
    loader = yaml.CSafeLoader
    for system in systems:
        for path in sorted(system.rglob("*")):
            if not path.is_file():
                continue
            raw = path.read_bytes()
            hashlib.sha256(raw).hexdigest()
            if path.suffix in PARSED:
                yaml.load(raw, Loader=loader)  # CSafeLoader is the safe loader


def govern_run(systems: list[Path]) -> None:
    """Assess every system in this process with what `govern check --all --jobs 1` runs for each
    (its pack cache included), leaving out only the rendering of its text line."""
    from govern.cli.portfolio_run import load_system_cached
    from govern.cli.run import engine_options_from
    from govern.engine.evaluate import assess

    options = engine_options_from(None, "high", False, "amended", False)
    for system in systems:
        bundle, packs = load_system_cached(system, None)
        assess(bundle, packs, options)


def cli_supports_all() -> bool:
    out = subprocess.run(
        [sys.executable, "-m", "govern", "check", "--help"], capture_output=True, text=True
    )
    return "--all" in out.stdout and "--jobs" in out.stdout


def cli_run(root: Path, *options: str) -> None:
    cmd = [sys.executable, "-m", "govern", "check", "--all", str(root), *options]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def clocked(action: Callable[[], None]) -> tuple[float, float]:
    """Wall and CPU seconds of one run (CPU time is steadier on a shared machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def timed(action: Callable[[], None], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="systems in the portfolio")
    parser.add_argument("--runs", type=int, default=1, help="median of this many runs")
    parser.add_argument("--cli", action="store_true", help="also time `govern check --all`")
    args = parser.parse_args()
    # The process settings the govern command runs with (fewer collections, no pydantic plugin
    # scan, the loaded packs frozen out of the collector's passes), for the floor and govern
    # alike: what is measured is the command's work per system.
    from govern.__main__ import as_command

    as_command()
    with tempfile.TemporaryDirectory(prefix="govern-portfolio-") as tmp:
        root = Path(tmp)
        systems = make_portfolio(root, args.n)
        govern_run(systems[:1])  # warm: imports and the OS file cache, for both sides alike
        floor(systems[:1])
        # Floor and govern alternate, run by run, so that a busy machine weighs on both alike.
        pairs = [
            (clocked(lambda: floor(systems)), clocked(lambda: govern_run(systems)))
            for _ in range(args.runs)
        ]
        base = statistics.median(b[0] for b, _ in pairs)
        ours = statistics.median(g[0] for _, g in pairs)
        ratio = statistics.median(g[0] / b[0] for b, g in pairs)
        cpu_ratio = statistics.median(g[1] / b[1] for b, g in pairs)
        rows = [("floor: read + sha256 + CSafeLoader", base), ("govern: load + assess", ours)]
        if args.cli and cli_supports_all():
            one = timed(lambda: cli_run(root, "--jobs", "1"), args.runs)
            rows.append(("govern check --all --jobs 1", one))
            cores = os.cpu_count() or 1
            every_core = timed(lambda: cli_run(root), args.runs)
            rows.append((f"govern check --all ({cores} jobs)", every_core))
    print(f"{args.n} systems, median of {args.runs}")
    print(f"{'what':<40}{'total s':>10}{'ms/system':>11}{'x floor':>9}")
    for name, seconds in rows:
        per = seconds / args.n * 1000
        print(f"{name:<40}{seconds:>10.2f}{per:>11.2f}{seconds / base:>9.2f}")
    print(f"goal: govern <= 2.0x the floor; now {ratio:.2f}x (median of the runs' ratios)")
    print(f"CPU time: govern {cpu_ratio:.2f}x the floor")


if __name__ == "__main__":
    main()
