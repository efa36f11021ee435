"""Seeded fuzz of `govern check`: mutated copies of the examples must never crash or hang it.

Run by hand:  python benchmarks/fuzz.py --cases 2000 --seed 1 [--keep-failures DIR]

Each case copies examples/credit-scoring or examples/support-chatbot, applies one to three
mutations to its YAML and JSON files (a value replaced by another type, a huge number, a long or
hostile string, deep nesting, a deleted key; truncation, binary bytes, other encodings; a file
swapped for a symlink out of the folder, a symlink loop, a folder, a FIFO or a device) and runs
`govern check` in-process. It counts what the quality bar forbids: exit codes other than 0/1/2,
tracebacks or "internal error" in the output, and runs over 10 s (a timer interrupts a run that
hangs). The same seed gives the same cases, so a failure can be replayed with --only N.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = ("credit-scoring", "support-chatbot")
AS_OF = "2026-11-25"
SLOW_SECONDS = 10.0
TIMEOUT_SECONDS = 30

HOSTILE_STRINGS = [
    "",
    " ",
    "TODO",
    "../../../../etc/passwd",
    "/etc/shadow",
    "/dev/zero",
    "\x00",
    "a\nb: c",
    "::error::forged%0A",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "\u202eevil\u202c",
    "\ufeffbom",
    "é" * 300,
    "😀" * 100,
    "x" * 20_000,
    "2026-02-30",
    "1e999",
    "nan",
    "-",
    "n/a",
    "${HOME}",
    "{{ 7 * 7 }}",
]
HOSTILE_NUMBERS: list[Any] = [
    2**70,
    -(2**70),
    10**4000,
    -1,
    0,
    1e308,
    -1e-308,
    0.5,
    True,
    False,
    None,
]


@dataclass
class Outcome:
    case: int
    code: int
    seconds: float
    output: str
    mutations: list[str]


@dataclass
class Stats:
    cases: int = 0
    codes: Counter[int] = field(default_factory=Counter)
    bad_codes: list[Outcome] = field(default_factory=list)
    tracebacks: list[Outcome] = field(default_factory=list)
    slow: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    harness_errors: int = 0

    @property
    def failures(self) -> list[Outcome]:
        return [*self.bad_codes, *self.tracebacks, *self.slow]

    def summary(self) -> str:
        codes = ", ".join(f"exit {c}: {n}" for c, n in sorted(self.codes.items()))
        return (
            f"{self.cases} cases in {self.seconds:.0f} s ({codes}); "
            f"exit codes other than 0/1/2: {len(self.bad_codes)}; "
            f"tracebacks or internal errors: {len(self.tracebacks)}; "
            f"runs over {SLOW_SECONDS:.0f} s: {len(self.slow)}; "
            f"mutations the harness could not finish: {self.harness_errors}"
        )


# ---------------------------------------------------------------------------------------------
# Mutations


def _documents(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".json")
    )


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if len(prefix) > 60:  # a file an earlier mutation nested deeply: mutate its upper levels
        return
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data


def _delete(data: Any, path: tuple[Any, ...]) -> Any:
    if not path:
        return data
    node = data
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return data


def _nested(rng: random.Random) -> Any:
    depth = rng.choice([50, 101, 150, 400, 1200])
    value: Any = "leaf"
    for _ in range(depth):
        value = [value] if rng.random() < 0.5 else {"k": value}
    return value


def _hostile_value(rng: random.Random) -> Any:
    kind = rng.randrange(6)
    if kind == 0:
        return rng.choice(HOSTILE_STRINGS)
    if kind == 1:
        return rng.choice(HOSTILE_NUMBERS)
    if kind == 2:
        return _nested(rng)
    if kind == 3:
        return [rng.choice(HOSTILE_STRINGS) for _ in range(rng.choice([0, 1, 3, 2000]))]
    if kind == 4:
        return {rng.choice(HOSTILE_STRINGS)[:50] or "k": rng.choice(HOSTILE_NUMBERS)}
    return rng.choice([{}, [], None, "", 0])


def _load(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def _dump(path: Path, data: Any) -> None:
    if path.suffix == ".json":
        text = json.dumps(data, indent=1, default=str, ensure_ascii=False)
    else:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1 << 30)
    path.write_text(text, encoding="utf-8")


def mutate_value(rng: random.Random, path: Path, root: Path) -> str:
    try:
        data = _load(path)
    except Exception:
        return mutate_text(rng, path, root)
    # At most 5,000 places: an alias bomb from an earlier mutation has astronomically many.
    paths = list(itertools.islice(_paths(data), 5000))
    target = rng.choice(paths)
    if target and rng.random() < 0.25:
        data = _delete(data, target)
        what = f"deleted {target!r}"
    else:
        value = _hostile_value(rng)
        try:
            data = _set(data, target, value)
        except (TypeError, KeyError, IndexError):
            return "no-op"
        what = f"set {target!r} to {type(value).__name__}"
    try:
        _dump(path, data)
    except (ValueError, RecursionError, OverflowError):
        return "no-op (unserialisable)"
    return f"{path.relative_to(root)}: {what}"


def mutate_text(rng: random.Random, path: Path, root: Path) -> str:
    raw = path.read_bytes()
    kind = rng.randrange(10)
    name = path.relative_to(root)
    if kind == 0:
        cut = rng.randrange(len(raw) + 1)
        path.write_bytes(raw[:cut])
        return f"{name}: truncated at {cut}"
    if kind == 1:
        at = rng.randrange(len(raw) + 1)
        path.write_bytes(raw[:at] + rng.randbytes(rng.choice([1, 16, 512])) + raw[at:])
        return f"{name}: random bytes at {at}"
    if kind == 2:
        encoding = rng.choice(["utf-16", "utf-32", "latin-1"])
        path.write_bytes(raw.decode("utf-8", "replace").encode(encoding, "replace"))
        return f"{name}: re-encoded"
    if kind == 3:
        path.write_bytes(b"\xef\xbb\xbf" + raw)
        return f"{name}: BOM"
    if kind == 4:
        depth = rng.choice([101, 500, 5000, 100_000])
        if path.suffix == ".json":
            body = "[" * depth + "]" * depth
        else:
            body = "a: " + "[" * depth + "]" * depth + "\n"
        path.write_text(body, encoding="utf-8")
        return f"{name}: nested {depth} deep"
    if kind == 5:
        number = "9" * rng.choice([20, 400, 5000])
        path.write_text(f"value: {number}\n" if path.suffix != ".json" else number)
        return f"{name}: huge number"
    if kind == 6:
        path.write_bytes(b"")
        return f"{name}: empty"
    if kind == 7:
        path.write_text(
            "a: &a [" + ", ".join(["*a"] * 10) + "]\n" if rng.random() < 0.5 else "&a [*a]"
        )
        return f"{name}: alias bomb / recursive alias"
    if kind == 8:
        path.write_bytes(raw.replace(b"\n", b"\r", rng.randrange(50)))
        return f"{name}: CR line ends"
    path.write_bytes(raw.replace(b": ", b":\t", rng.randrange(1, 20)))
    return f"{name}: tabs"


def mutate_file_kind(rng: random.Random, path: Path, root: Path) -> str:
    name = path.relative_to(root)
    path.unlink()
    kind = rng.randrange(7)
    if kind == 0:
        path.symlink_to("/etc/passwd")
        return f"{name}: symlink to /etc/passwd"
    if kind == 1:
        path.symlink_to(path.name)
        return f"{name}: symlink loop"
    if kind == 2:
        path.mkdir()
        return f"{name}: directory"
    if kind == 3 and hasattr(os, "mkfifo"):
        os.mkfifo(path)
        return f"{name}: FIFO"
    if kind == 4:
        path.symlink_to("/dev/zero")
        return f"{name}: symlink to /dev/zero"
    if kind == 5:
        outside = root.parent / f"outside-{rng.randrange(1 << 30)}.yaml"
        outside.write_text("secret: hunter2\n")
        path.symlink_to(outside)
        return f"{name}: symlink out of the folder"
    return f"{name}: deleted"


def mutate_manifest_paths(rng: random.Random, root: Path) -> str:
    manifest = root / "govern.yaml"
    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        evidence = data["evidence"]
    except Exception:
        return "no-op"
    value = rng.choice(
        [
            "/etc/shadow",
            "/etc/passwd",
            "../" * 8 + "etc/passwd",
            "docs/../../outside.yaml",
            "/dev/zero",
            "/proc/self/environ",
            "a" * 300,
            ("a" * 200 + "/") * 30 + "x.yaml",
            "~/x.yaml",
            "docs",
            "",
            "docs/\x00model_card.yaml",
        ]
    )
    key = rng.choice(["model_card", "attestations", "fairness", "datasets"])
    evidence[key] = [value] if key in ("fairness", "datasets") else value
    if rng.random() < 0.3:
        data["policies"] = [rng.choice(["/etc", "../..", "builtin:../../etc", value])]
    manifest.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return f"govern.yaml: evidence.{key} = {value[:40]!r}"


MUTATORS: list[Callable[[random.Random, Path, Path], str]] = [
    mutate_value,
    mutate_value,
    mutate_value,
    mutate_text,
    mutate_text,
    mutate_file_kind,
]


def build_case(rng: random.Random, base: Path, work: Path) -> list[str]:
    example = rng.choice(EXAMPLES)
    root = work / example
    shutil.copytree(base / example, root, symlinks=True)
    mutations = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        if rng.random() < 0.12:
            mutations.append(mutate_manifest_paths(rng, root))
            continue
        documents = _documents(root)
        if not documents:
            break
        path = rng.choice(documents)
        mutations.append(rng.choice(MUTATORS)(rng, path, root))
    return [f"{example}: {m}" for m in mutations]


# ---------------------------------------------------------------------------------------------
# Running


class _Hang(BaseException):
    """Raised by the timer in a run that did not finish (a BaseException so no handler eats it)."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Hang


def run_check(root: Path) -> tuple[int, str, float]:
    """`govern check ROOT` in this process: (exit code, stdout and stderr, seconds)."""
    from govern.cli import main

    out = io.StringIO()
    start = time.perf_counter()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIMEOUT_SECONDS)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                main(["check", str(root), "--format", "json", "--as-of", AS_OF])
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 0
            except _Hang:
                code = -1
            except BaseException as exc:  # anything escaping main is a finding
                code = -2
                out.write(f"Traceback (escaped main): {type(exc).__name__}: {exc}\n")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return code, out.getvalue(), time.perf_counter() - start


def prepare_base(work: Path) -> Path:
    """The examples' evidence files, without data files check does not read."""
    base = work / "base"
    for example in EXAMPLES:
        shutil.copytree(
            REPO / "examples" / example,
            base / example,
            ignore=shutil.ignore_patterns("*.csv", "*.py", ".govern"),
        )
    return base


def fuzz(
    cases: int,
    seed: int,
    only: int | None = None,
    keep: Path | None = None,
    progress: Callable[[int, Stats], None] | None = None,
) -> Stats:
    stats = Stats()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="govern-fuzz-") as tmp:
        base = prepare_base(Path(tmp))
        for case in range(cases):
            rng = random.Random(f"{seed}:{case}")
            if only is not None and case != only:
                continue
            work = Path(tmp) / f"case-{case}"
            work.mkdir()
            try:
                mutations = build_case(rng, base, work)
            except Exception as exc:  # a mutation the harness cannot make: not govern's fault
                mutations = [f"harness: {type(exc).__name__}: {exc}"]
                stats.harness_errors += 1
            root = next(p for p in work.iterdir() if p.is_dir())
            code, output, seconds = run_check(root)
            outcome = Outcome(case, code, seconds, output, mutations)
            stats.cases += 1
            stats.codes[code] += 1
            failed = False
            if code not in (0, 1, 2):
                stats.bad_codes.append(outcome)
                failed = True
            if "Traceback" in output or "internal error" in output:
                stats.tracebacks.append(outcome)
                failed = True
            if seconds > SLOW_SECONDS:
                stats.slow.append(outcome)
                failed = True
            if failed and keep is not None:
                shutil.copytree(work, keep / f"case-{case}", symlinks=True, dirs_exist_ok=True)
            _remove(work)
            if progress is not None:
                progress(case, stats)
    stats.seconds = time.perf_counter() - started
    return stats


def _remove(path: Path) -> None:
    for child in path.rglob("*"):
        if child.is_dir() and not child.is_symlink():
            child.chmod(0o755)
    shutil.rmtree(path, ignore_errors=True)


def _limit_memory(limit: int) -> None:
    """A run that balloons fails with MemoryError (counted) instead of taking the machine down."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", type=int, help="replay one case by its number")
    parser.add_argument("--keep-failures", type=Path, help="copy failing cases' folders here")
    args = parser.parse_args()
    _limit_memory(4 << 30)

    def progress(case: int, stats: Stats) -> None:
        if (case + 1) % 100 == 0:
            print(f"  {case + 1} cases, {len(stats.failures)} failures", file=sys.stderr)

    stats = fuzz(args.cases, args.seed, args.only, args.keep_failures, progress)
    for outcome in stats.failures[:20]:
        last = outcome.output.strip().splitlines()[-1:] or [""]
        print(
            f"case {outcome.case}: exit {outcome.code}, {outcome.seconds:.1f} s, "
            f"{'; '.join(outcome.mutations)}\n    {last[0][:300]}"
        )
    print(stats.summary())
    return 1 if stats.failures else 0


if __name__ == "__main__":
    sys.exit(main())
