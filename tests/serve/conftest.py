"""A ledger filled by real `govern check --record` runs of both examples, for the web view tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from govern.cli import main
from govern.serve.app import create_app
from govern.serve.config import ServeConfig
from tests.conftest import copy_example, edit

CREDIT = "credit-risk-scorer"
CHATBOT = "ask-lumen-support-chatbot"


def govern(*args: str | Path) -> int:
    """Run the real `govern` entry point; its exit code."""
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def local_client(config: ServeConfig) -> TestClient:
    """A client of the app for `config`, asking for 127.0.0.1 as a local browser does."""
    return TestClient(create_app(config), base_url="http://127.0.0.1")


def record(system: Path, url: str) -> None:
    code = govern("check", system, "--record", "--db", url, "--format", "json")
    assert code in (0, 1), f"govern check --record {system} exited {code}"


@dataclass(frozen=True)
class Filled:
    """The ledger's URL and the example copies recorded into it."""

    url: str
    credit: Path
    chatbot: Path


@pytest.fixture(scope="session")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Filled:
    """Runs 1 and 2 of the credit scorer (the second with logs kept 30 days: a new failure) and
    run 3 of the support chatbot."""
    root = tmp_path_factory.mktemp("served")
    url = f"sqlite:///{root / 'ledger.db'}"
    credit = copy_example("credit-scoring", root / "credit-scoring")
    chatbot = copy_example("support-chatbot", root / "support-chatbot")
    record(credit, url)
    edit(credit / "docs" / "model_card.yaml", "retention_days: 1826", "retention_days: 30")
    record(credit, url)
    record(chatbot, url)
    return Filled(url, credit, chatbot)


# The Postgres schema per test, as the store tests make it (skips when no server answers).
from tests.store.conftest import postgres_server, postgres_url  # noqa: E402, F401
