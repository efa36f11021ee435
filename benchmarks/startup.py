"""Start-up cost of govern against its floors, measured in the same run.

Run by hand or in CI as a report: `python benchmarks/startup.py [--runs N]`. It prints wall times
(median of N runs) and two ratios: `govern check` on the bundled example against importing what
it cannot do without (`python -c "import pydantic, click, yaml"`, goal <= 1.5x), and
`govern --version` against a bare interpreter (`python -c pass`, goal <= 2.5x); then the heavy
modules `govern check` imported (there should be none), and govern's own slowest imports (from
`python -X importtime`), so whoever works on start-up next sees where the time goes.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HEAVY = (
    "pandas",
    "numpy",
    "fairlearn",
    "weasyprint",
    "sqlalchemy",
    "sqlmodel",
    "pyarrow",
    "sklearn",
    "rich",
)


def timed(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of the command, in seconds.

    CPU time is what the command itself costs; on a busy machine wall time also counts waiting
    for a core, so the CPU ratio is the steadier one to compare runs by.
    """
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def heavy_imports(example: Path) -> list[str]:
    code = (
        "import sys\nfrom govern.cli import main\n"
        f"try:\n    main(['check', {str(example)!r}])\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("HEAVY:")), "HEAVY:")
    return [m for m in line.removeprefix("HEAVY:").split(",") if m]


def slowest_govern_imports(example: Path, count: int = 15) -> list[tuple[str, int, int]]:
    """govern's own modules by import time spent in the module itself (microseconds): name, self
    and cumulative (with what it imports). Self times add up; cumulative ones overlap."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "govern", "check", str(example)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    rows = []
    for line in out.stderr.splitlines():
        # "import time:  self [us] | cumulative | imported package", the name indented by depth.
        fields = line.removeprefix("import time:").split("|")
        if len(fields) != 3 or not fields[0].strip().isdigit():
            continue
        name = fields[2].strip()
        if name == "govern" or name.startswith("govern."):
            rows.append((name, int(fields[0]), int(fields[1])))
    return sorted(rows, key=lambda row: row[1], reverse=True)[:count]


def compile_govern() -> None:
    """Byte-compile govern as `pip install` does, so a checkout measures what users run even
    where PYTHONDONTWRITEBYTECODE is set (Python then still reads the compiled files)."""
    import compileall

    import govern

    compileall.compile_dir(str(Path(govern.__file__).parent), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--example", type=Path, default=REPO / "examples" / "credit-scoring")
    args = parser.parse_args()
    compile_govern()
    baseline = timed([sys.executable, "-c", "pass"], args.runs)
    imports = timed([sys.executable, "-c", "import pydantic, click, yaml"], args.runs)
    version = timed([sys.executable, "-m", "govern", "--version"], args.runs)
    check = timed([sys.executable, "-m", "govern", "check", str(args.example)], args.runs)
    print(f"{'command':<44}{'median s':>10}{'x python':>10}{'x imports':>10}{'cpu s':>8}")
    for name, (seconds, cpu) in (
        ("python -c pass", baseline),
        ("python -c 'import pydantic, click, yaml'", imports),
        ("govern --version", version),
        (f"govern check {args.example.name}", check),
    ):
        ratios = f"{seconds / baseline[0]:>10.2f}{seconds / imports[0]:>10.2f}"
        print(f"{name:<44}{seconds:>10.3f}{ratios}{cpu:>8.3f}")
    print(
        f"govern check / import floor: {check[0] / imports[0]:.2f}x (goal <= 1.5x); "
        f"CPU time: {check[1] / imports[1]:.2f}x"
    )
    print(
        f"govern --version / python -c pass: {version[0] / baseline[0]:.2f}x (goal <= 2.5x); "
        f"CPU time: {version[1] / baseline[1]:.2f}x"
    )
    heavy = heavy_imports(args.example)
    print(f"heavy modules imported by check: {', '.join(heavy) if heavy else 'none'}")
    print("slowest govern imports of check (-X importtime, one run, ms):")
    print(f"  {'self':>6}{'cumul.':>8}  module")
    for name, own, cumulative in slowest_govern_imports(args.example):
        print(f"  {own / 1000:>6.1f}{cumulative / 1000:>8.1f}  {name}")


if __name__ == "__main__":
    main()
