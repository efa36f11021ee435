"""The web view over a shared Postgres ledger while CI runners keep appending to it."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from govern.serve.config import ServeConfig
from govern.store import record as append
from govern.store.ledger import Ledger
from tests.serve.conftest import CHATBOT, CREDIT, Filled, local_client, record

pytestmark = pytest.mark.postgres

WRITERS = 3
RUNS_EACH = 4


def test_pages_stay_consistent_while_runners_append(
    postgres_url: str, filled: Filled, tmp_path: Path
) -> None:
    record(filled.credit, postgres_url)
    record(filled.chatbot, postgres_url)
    with Ledger.open(postgres_url) as ledger:
        credit = ledger.snapshot(1).assessment
    web = local_client(ServeConfig(db_url=postgres_url))
    errors: list[BaseException] = []

    def runner() -> None:
        try:
            for _ in range(RUNS_EACH):
                append(credit, postgres_url, tmp_path)
        except BaseException as exc:  # reported below: a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=runner) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        for path in ("/", f"/systems/{CREDIT}", "/ledger"):
            response = web.get(path)
            assert response.status_code == 200, (path, response.text[:500])
        assert "Intact" in web.get("/ledger").text
    for thread in threads:
        thread.join()
    assert errors == []
    total = 2 + WRITERS * RUNS_EACH
    portfolio = web.get("/").text
    assert f"run {total}; {total - 1} runs recorded" in re.sub(r"\s+", " ", portfolio)
    assert f"/systems/{CHATBOT}" in portfolio
    health = web.get("/ledger").text
    assert "Intact" in health and re.search(rf"<code>{total}:[0-9a-f]{{64}}</code>", health)
