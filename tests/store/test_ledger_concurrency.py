"""Many processes appending at once: every append lands, in one unbroken chain, on both backends."""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.synchronize import Event

import pytest

from govern.engine.assessment import Assessment
from govern.store.ledger import Ledger
from tests.store.conftest import Release, execute

# Many processes appending at once (~20 s).
pytestmark = pytest.mark.slow

PROCESSES = 8
APPENDS = 50


def _appender(url: str, worker: int, assessment: Assessment, start: Event) -> None:
    """One CI runner: open the ledger and record its releases as fast as it can."""
    start.wait(30)
    try:
        with Ledger.open(url, write=True) as ledger:
            for n in range(APPENDS):
                version = f"2.{worker}.{n}"
                system = assessment.system.model_copy(update={"version": version})
                ledger.append(assessment.model_copy(update={"system": system}))
    except BaseException as exc:  # report, then exit non-zero: the parent checks exit codes
        print(f"worker {worker}: {type(exc).__name__}: {exc}", flush=True)
        os._exit(1)
    os._exit(0)


def test_parallel_appends_are_serialised(db_url: str, releases: dict[str, Release]) -> None:
    # Nobody has opened this ledger yet: the processes also race to create its schema.
    context = multiprocessing.get_context("fork")
    start = context.Event()
    assessment = releases["v1"].assessment
    workers = [
        context.Process(target=_appender, args=(db_url, i, assessment, start))
        for i in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0] * PROCESSES

    with Ledger.open(db_url) as ledger:
        report = ledger.verify()
    assert report.valid, report.problem
    assert report.runs == PROCESSES * APPENDS
    ids = [row[0] for row in execute(db_url, "SELECT id FROM govern_assessments ORDER BY id")]
    assert ids == list(range(1, PROCESSES * APPENDS + 1))
    versions = execute(db_url, "SELECT count(DISTINCT system_version) FROM govern_assessments")
    assert versions[0][0] == PROCESSES * APPENDS
