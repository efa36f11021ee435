"""A small seeded run of benchmarks/fuzz.py: mutated example folders never crash or hang check.

The full run (`python benchmarks/fuzz.py --cases 2000 --seed 1`) is the one reported on issue 13;
this one keeps the classes it covers from coming back.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

FUZZ = Path(__file__).resolve().parents[2] / "benchmarks" / "fuzz.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("govern_fuzz", FUZZ)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_150_seeded_cases_exit_0_1_or_2_without_tracebacks_or_hangs() -> None:
    fuzz = _load()
    stats = fuzz.fuzz(150, seed=13)
    details = [
        f"case {o.case} exit {o.code} {o.seconds:.1f}s {o.mutations}: {o.output[-300:]}"
        for o in stats.failures
    ]
    assert not stats.failures, "\n".join(details)
    assert stats.cases == 150
    assert stats.harness_errors < 15
    # The mutations reach past the parser: some cases still pass or fail on their merits.
    assert stats.codes[2] < 150
