"""Ledger throughput: 10,000 appends, history queries and a full verify, on SQLite and Postgres.

Run by hand or in CI as a report: `python benchmarks/ledger.py [--appends N] [--postgres URL]`.
Each append records the credit-scoring example's real assessment (132 rule results, ~150 kB of
canonical JSON, 30 fairness metrics) with a new version number. Postgres is the server named by
--postgres, GOVERN_TEST_POSTGRES_URL or 127.0.0.1:5432/test, in a schema of its own that is
dropped afterwards; it is skipped with a note when no server answers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from govern.engine.assessment import Assessment  # noqa: E402
from govern.engine.disparities import FairnessMetric, metrics_of  # noqa: E402
from govern.store.ledger import Ledger  # noqa: E402

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def example() -> tuple[Assessment, list[FairnessMetric]]:
    from govern.engine.evaluate import EngineOptions, assess
    from govern.load.bundle import load_system
    from govern.policy.loader import load_packs

    folder = REPO / "examples" / "credit-scoring"
    bundle = load_system(folder)
    packs = load_packs(bundle.manifest.policy_sources(), bundle.root, bundle.manifest_document)
    assessment = assess(bundle, packs, EngineOptions(as_of=dt.date(2026, 11, 25)))
    return assessment, metrics_of(assessment)


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(url: str, appends: int, size: Callable[[], int]) -> dict[str, float]:
    assessment, metrics = example()
    system = assessment.system
    releases = [
        assessment.model_copy(
            update={"system": system.model_copy(update={"version": f"2.{i // 100}.{i % 100}"})}
        )
        for i in range(appends)
    ]
    times: list[float] = []
    with Ledger.open(url, write=True) as ledger:
        start = time.perf_counter()
        for release in releases:
            before = time.perf_counter()
            ledger.append(release, metrics)
            times.append(time.perf_counter() - before)
        total = time.perf_counter() - start
        history_20, entries = timed(lambda: ledger.history(system.id, 20))
        assert len(entries) == min(20, appends)
        history_all, entries = timed(lambda: ledger.history(system.id))
        assert len(entries) == appends
        diff_time, _ = timed(lambda: ledger.snapshot(ledger.resolve("previous", system.id)))
        verify_time, report = timed(ledger.verify)
        assert report.valid and report.runs == appends
    return {
        "appends/s": appends / total,
        "append mean ms": 1000 * statistics.fmean(times),
        "append p50 ms": 1000 * percentile(times, 0.50),
        "append p95 ms": 1000 * percentile(times, 0.95),
        "append p99 ms": 1000 * percentile(times, 0.99),
        "total append s": total,
        "history last 20 ms": 1000 * history_20,
        f"history all {appends} ms": 1000 * history_all,
        "load one run ms": 1000 * diff_time,
        "verify all s": verify_time,
        "size MB": size() / 1e6,
    }


@contextmanager
def sqlite_ledger() -> Iterator[tuple[str, Callable[[], int]]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.db"

        def size() -> int:
            return sum(p.stat().st_size for p in Path(folder).iterdir())

        yield f"sqlite:///{path}", size


@contextmanager
def postgres_ledger(base: str) -> Iterator[tuple[str, Callable[[], int]]]:
    import psycopg
    from sqlalchemy.engine import make_url

    libpq = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)
    schema = f"govern_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(libpq, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})

    def size() -> int:
        query = (
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'"
        )
        with psycopg.connect(libpq) as conn:
            row = conn.execute(query, (schema,)).fetchone()
        return int(row[0]) if row else 0

    try:
        yield url.render_as_string(hide_password=False), size
    finally:
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=10_000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("GOVERN_TEST_POSTGRES_URL", DEFAULT_POSTGRES),
        help="SQLAlchemy URL of the Postgres server to use",
    )
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with sqlite_ledger() as (url, size):
        results["sqlite"] = run(url, args.appends, size)
    try:
        with postgres_ledger(args.postgres) as (url, size):
            results["postgres"] = run(url, args.appends, size)
    except Exception as exc:  # no server: report SQLite alone rather than nothing
        print(f"postgres skipped: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    names = list(next(iter(results.values())))
    width = max(len(n) for n in names)
    print(f"{'':{width}}  " + "  ".join(f"{b:>10}" for b in results))
    for name in names:
        print(f"{name:{width}}  " + "  ".join(f"{r[name]:>10.2f}" for r in results.values()))


if __name__ == "__main__":
    main()
