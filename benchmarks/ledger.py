"""Ledger throughput: 10,000 appends, history queries and a full verify, on SQLite and Postgres.

Run by hand or in CI as a report: `python benchmarks/ledger.py [--appends N] [--postgres URL]`.
Each append records the credit-scoring example's real assessment (311 rule results, ~950 kB of
JSON, 30 fairness metrics) with a new version number: a system whose evidence did not change.
Postgres is the server named by --postgres, GOVERN_TEST_POSTGRES_URL or 127.0.0.1:5432/test, in a
schema of its own that is dropped afterwards; it is skipped with a note when no server answers.

Floors, measured in the same run on the same database: appending the same document, already
serialised, with the plain driver and a sha256 chain (one transaction per append, the same
durability settings: SQLite's synchronous mode is govern's, NORMAL unless
GOVERN_SQLITE_SYNCHRONOUS=FULL); and re-hashing every stored row of the ledger with the plain
driver. The report prints govern's figures as ratios of them. Row format 1 (the whole document
in each row, the rate issue 17 calls "today") can no longer be appended, so the "today" rate is
measured by running this script from a checkout before schema 0002; `--today RATE[,RATE]`
(SQLite, Postgres appends/s measured that way in the same conditions) adds the ratios to it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import statistics
import sys
import tempfile
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from govern.engine.assessment import Assessment  # noqa: E402
from govern.engine.disparities import FairnessMetric, metrics_of  # noqa: E402
from govern.store.database import synchronous  # noqa: E402
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


def run(url: str, appends: int, size: Callable[[], int], raw: Raw) -> dict[str, float]:
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
        ledger.append(assessment, metrics)
        first_size = size()
        start = time.perf_counter()
        for release in releases:
            before = time.perf_counter()
            ledger.append(release, metrics)
            times.append(time.perf_counter() - before)
        total = time.perf_counter() - start
        history_20, entries = timed(lambda: ledger.history(system.id, 20))
        assert len(entries) == min(20, appends + 1)
        history_all, entries = timed(lambda: ledger.history(system.id))
        assert len(entries) == appends + 1
        diff_time, _ = timed(lambda: ledger.snapshot(ledger.resolve("previous", system.id)))
        verify_time, report = timed(ledger.verify)
        assert report.valid and report.runs == appends + 1
    rehash_time, _ = timed(lambda: rehash(raw))
    floor_rate = append_floor(raw, assessment.model_dump_json().encode(), appends)
    total_size = size()
    return {
        "append floor/s": floor_rate,
        "appends/s / floor": (appends / total) / floor_rate,
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
        "re-hash floor s": rehash_time,
        "verify / re-hash": verify_time / rehash_time,
        "size MB": total_size / 1e6,
        "kB per unchanged run": (total_size - first_size) / appends / 1e3,
    }


class Raw:
    """The plain driver on the benchmark's database: what the floors are measured with."""

    def __init__(self, connect: Callable[[], Any], blob: str, placeholder: str) -> None:
        self.connect, self.blob, self.placeholder = connect, blob, placeholder


def rehash(raw: Raw) -> None:
    """Read every row of every govern table, in key order, and sha256 its values.

    The binary columns (a run's document, a blob's data) are zlib-compressed and their digests
    are over the uncompressed bytes, so they are inflated first: the bytes hashed are the ones
    verify hashes.
    """
    conn = raw.connect()
    try:
        for table, key in TABLES:
            cursor = conn.cursor()
            try:
                cursor.execute(f"SELECT * FROM {table} ORDER BY {key}")
            except Exception:  # a ledger of an older schema (govern_blobs came with 0002)
                conn.rollback()
                continue
            while rows := cursor.fetchmany(500):
                for row in rows:
                    digest = hashlib.sha256()
                    for value in row:
                        digest.update(_plain_bytes(value))
                    digest.hexdigest()
    finally:
        conn.close()


def _plain_bytes(value: object) -> bytes:
    if isinstance(value, bytes | memoryview):  # psycopg hands BYTEA back as memoryview
        return zlib.decompress(value)
    return str(value).encode()


TABLES = (
    ("govern_assessments", "id"),
    ("govern_findings", "assessment_id, position"),
    ("govern_evidence", "assessment_id, position"),
    ("govern_waivers", "assessment_id, position"),
    ("govern_fairness", "assessment_id, position"),
    ("govern_blobs", "sha256"),
    ("govern_systems", "id"),
)


def append_floor(raw: Raw, document: bytes, appends: int) -> float:
    """Appends per second of `document` with a sha256 chain, one transaction each."""
    p = raw.placeholder
    conn = raw.connect()
    try:
        cursor = conn.cursor()
        cursor.execute(
            f"CREATE TABLE floor_chain (id INTEGER PRIMARY KEY, document {raw.blob}, "
            "digest TEXT, prev_hash TEXT, chain_hash TEXT)"
        )
        conn.commit()
        prev = "0" * 64
        start = time.perf_counter()
        for run_id in range(1, appends + 1):
            digest = hashlib.sha256(document).hexdigest()
            link = hashlib.sha256(bytes.fromhex(prev) + bytes.fromhex(digest)).hexdigest()
            cursor.execute(
                f"INSERT INTO floor_chain VALUES ({p}, {p}, {p}, {p}, {p})",
                (run_id, document, digest, prev, link),
            )
            conn.commit()
            prev = link
        rate = appends / (time.perf_counter() - start)
        cursor.execute("DROP TABLE floor_chain")
        conn.commit()
        return rate
    finally:
        conn.close()


@contextmanager
def sqlite_ledger() -> Iterator[tuple[str, Callable[[], int], Raw]]:
    import sqlite3

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.db"

        def connect() -> sqlite3.Connection:
            conn = sqlite3.connect(path)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(f"PRAGMA synchronous = {synchronous()}")
            return conn

        def size() -> int:  # pages in use, once the write-ahead log is folded in
            with sqlite3.connect(path) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                pages = conn.execute("PRAGMA page_count").fetchone()[0]
                free = conn.execute("PRAGMA freelist_count").fetchone()[0]
                page = conn.execute("PRAGMA page_size").fetchone()[0]
            return int((pages - free) * page)

        yield f"sqlite:///{path}", size, Raw(connect, "BLOB", "?")


@contextmanager
def postgres_ledger(base: str) -> Iterator[tuple[str, Callable[[], int], Raw]]:
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

    def connect() -> Any:
        conn = psycopg.connect(libpq)
        conn.execute(f'SET search_path = "{schema}"')
        return conn

    try:
        yield url.render_as_string(hide_password=False), size, Raw(connect, "BYTEA", "%s")
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
    parser.add_argument(
        "--today",
        default="",
        help="appends/s of a checkout before schema 0002, as SQLITE[,POSTGRES], for the ratio",
    )
    args = parser.parse_args()
    today = [float(rate) for rate in args.today.split(",") if rate.strip()]
    print(f"SQLite synchronous = {synchronous()}")
    results: dict[str, dict[str, float]] = {}
    with sqlite_ledger() as (url, size, raw):
        results["sqlite"] = run(url, args.appends, size, raw)
    try:
        with postgres_ledger(args.postgres) as (url, size, raw):
            results["postgres"] = run(url, args.appends, size, raw)
    except Exception as exc:  # no server: report SQLite alone rather than nothing
        print(f"postgres skipped: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    for figures, rate in zip(results.values(), today, strict=False):
        figures["appends/s / today"] = figures["appends/s"] / rate
    nan = float("nan")
    names = list(next(iter(results.values())))
    width = max(len(n) for n in names)
    print(f"{'':{width}}  " + "  ".join(f"{b:>10}" for b in results))
    for name in names:
        cells = (f"{r.get(name, nan):>10.2f}" for r in results.values())
        print(f"{name:{width}}  " + "  ".join(cells))


if __name__ == "__main__":
    main()
