"""Start-up cost of govern against its floors, measured in the same run.

Run by hand or in CI as a report: `python benchmarks/startup.py [--runs N]`. It prints wall times
(median of N runs) and two ratios: `govern check` on the bundled example against importing what
it cannot do without (`python -c "import pydantic, click, yaml"`, goal <= 1.5x), and
`govern --version` against a bare interpreter (`python -c pass`, goal <= 2.5x); then the heavy
modules `govern check` imported (there should be none).
"""

from __future__ import annotations

import argparse
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


def timed(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def heavy_imports(example: Path) -> list[str]:
    code = (
        "import sys\nfrom govern.cli import main\n"
        f"try:\n    main(['check', {str(example)!r}])\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("HEAVY:")), "HEAVY:")
    return [m for m in line.removeprefix("HEAVY:").split(",") if m]


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
    print(f"{'command':<44}{'median s':>10}{'x python':>10}{'x imports':>10}")
    for name, seconds in (
        ("python -c pass", baseline),
        ("python -c 'import pydantic, click, yaml'", imports),
        ("govern --version", version),
        (f"govern check {args.example.name}", check),
    ):
        print(f"{name:<44}{seconds:>10.3f}{seconds / baseline:>10.2f}{seconds / imports:>10.2f}")
    print(f"govern check / import floor: {check / imports:.2f}x (goal <= 1.5x)")
    print(f"govern --version / python -c pass: {version / baseline:.2f}x (goal <= 2.5x)")
    heavy = heavy_imports(args.example)
    print(f"heavy modules imported by check: {', '.join(heavy) if heavy else 'none'}")


if __name__ == "__main__":
    main()
