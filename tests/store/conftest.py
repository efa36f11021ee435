"""Ledger fixtures: real assessments of the examples as releases, and a database on each backend."""

# Every store test runs on SQLite and on Postgres. GOVERN_TEST_POSTGRES_URL makes the Postgres runs
# required (CI); without it they use the local server at 127.0.0.1:5432 and skip if none answers.
# Each Postgres test gets its own schema, dropped afterwards, so runs never see each other's rows.

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from govern.engine.assessment import Assessment
from govern.engine.disparities import FairnessMetric, metrics_of
from tests.conftest import copy_example, edit

POSTGRES_ENV = "GOVERN_TEST_POSTGRES_URL"
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
AS_OF = dt.date(2026, 11, 25)
RETENTION_RULE = "EUAIA-19-LOG-RETENTION"

# ---------------------------------------------------------------------------------------------
# Releases: the credit-scoring example, changed the way a team changes it between releases


@dataclass(frozen=True)
class Release:
    assessment: Assessment
    fairness: list[FairnessMetric]
    folder: Path


def assess_folder(folder: Path, as_of: dt.date = AS_OF) -> Release:
    from govern.engine.evaluate import EngineOptions, assess
    from govern.load.bundle import load_system
    from govern.policy.loader import load_packs

    bundle = load_system(folder)
    packs = load_packs(bundle.manifest.policy_sources(), bundle.root, bundle.manifest_document)
    assessment = assess(bundle, packs, EngineOptions(as_of=as_of))
    return Release(assessment, metrics_of(assessment), folder)


def _lower_parity(folder: Path, by: float) -> None:
    path = folder / "reports" / "fairness.json"
    report: dict[str, Any] = json.loads(path.read_text())
    for feature in report["features"]:
        ratio = feature["disparities"]["demographic_parity_ratio"]["between_groups"]
        ratio["value"] = round(ratio["value"] - by, 4)
    path.write_text(json.dumps(report, indent=2))


WAIVER = f"""waivers:
  - rule: {RETENTION_RULE}
    reason: Log store migration finishes in December.
    approved_by: Head of Model Risk
    expires: 2026-12-31
"""


@pytest.fixture(scope="session")
def releases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Release]:
    """Credit scoring as released over time.

    v1   2.3.0 as in the example: passes.
    v2   2.4.0 keeps logs 90 days (a high-severity failure) and its parity ratios drop by 0.1.
    v2w  2.4.0 with that failure waived until 2026-12-31, assessed on 2026-11-25.
    v3   the same files as v2w assessed on 2027-01-10: the waiver has expired.
    chat the support chatbot example (another system, failing).
    """
    root = tmp_path_factory.mktemp("releases")
    v1 = copy_example("credit-scoring", root / "v1")
    v2 = copy_example("credit-scoring", root / "v2")
    edit(v2 / "govern.yaml", "version: 2.3.0", "version: 2.4.0")
    # the card and fairness report document the same release (GOVERN-COHERENCE-*)
    edit(v2 / "docs" / "model_card.yaml", "  version: 2.3.0\n", "  version: 2.4.0\n")
    edit(v2 / "reports" / "fairness.json", '"model_version": "2.3.0"', '"model_version": "2.4.0"')
    edit(v2 / "docs" / "model_card.yaml", "retention_days: 1826", "retention_days: 90")
    _lower_parity(v2, 0.1)
    v2w = root / "v2w"
    shutil.copytree(v2, v2w)
    edit(v2w / "govern.yaml", "waivers: []\n", WAIVER)
    chat = copy_example("support-chatbot", root / "chat")
    return {
        "v1": assess_folder(v1),
        "v2": assess_folder(v2),
        "v2w": assess_folder(v2w),
        "v3": assess_folder(v2w, dt.date(2027, 1, 10)),
        "chat": assess_folder(chat),
    }


def fixed_clock(start: dt.datetime | None = None) -> Callable[[], dt.datetime]:
    """A clock that ticks one minute per reading, so recorded times are known in advance."""
    moment = [start or dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)]

    def now() -> dt.datetime:
        moment[0] += dt.timedelta(minutes=1)
        return moment[0]

    return now


# ---------------------------------------------------------------------------------------------
# Backends


def _libpq(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The Postgres to test against: required when GOVERN_TEST_POSTGRES_URL is set."""
    import psycopg

    from govern.store.database import mask

    configured = os.environ.get(POSTGRES_ENV)
    url = configured or LOCAL_POSTGRES
    try:
        with psycopg.connect(_libpq(url), connect_timeout=3):
            pass
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if configured:
            pytest.fail(f"{POSTGRES_ENV} is set but {mask(url)} does not answer: {reason}")
        pytest.skip(
            f"no PostgreSQL server answers at {mask(url)} ({reason}); set {POSTGRES_ENV} to "
            "require these tests"
        )
    return url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, uniquely named schema on the test server, as the only one on the search path."""
    import psycopg
    from sqlalchemy.engine import make_url

    schema = f"govern_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(postgres_server), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = make_url(postgres_server).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(postgres_server), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL for an empty ledger: a SQLite file, or a Postgres schema of its own."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def execute(url: str, *statements: str, params: dict[str, Any] | None = None) -> list[Any]:
    """Run SQL straight against the database, as someone with write access (not govern) would."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result: list[Any] = []
            for statement in statements:
                cursor = conn.execute(text(statement), params or {})
                result = list(cursor) if cursor.returns_rows else []
            return result
    finally:
        engine.dispose()
