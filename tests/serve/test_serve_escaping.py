"""Hostile names and evidence values reach the web view as text, never as markup."""

from __future__ import annotations

from pathlib import Path

from govern.serve.config import ServeConfig
from tests.conftest import edit
from tests.serve.conftest import local_client, record

NAME = "<script>alert('name')</script> Scorer"
PROVIDER = '"><img src=x onerror=alert(1)>'
BIDI = "Bank\u202egnp.exe"


def test_hostile_system_name_and_evidence_values_are_escaped(system: Path, tmp_path: Path) -> None:
    edit(system / "govern.yaml", "name: Demo Scorer", f'name: "{NAME}"')
    edit(system / "docs" / "card.yaml", "name: Demo Bank", f"name: '{PROVIDER}{BIDI}'")
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    record(system, url)
    web = local_client(ServeConfig(db_url=url))
    edit(system / "docs" / "card.yaml", "retention_days: 200", "retention_days: 30")
    record(system, url)  # run 2: a new failure, so the diff page shows the hostile names too
    paths = ("/", "/systems/demo", "/runs/1", "/systems/demo/diff?before=1&after=2", "/ledger")
    pages = [web.get(path).text for path in paths]
    assert "New failures" in pages[3] and "DEMO-12-LOG-RETENTION" in pages[3]
    for page in pages:
        assert "<script>" not in page and "<img" not in page
        assert "\u202e" not in page
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; Scorer" in pages[0]
    assert "&lt;script&gt;" in pages[2]
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in pages[1]
    # A bidi override is shown as what it is (U+202E, or \u202e as the engine quotes values).
    assert "202e" in pages[1].lower()
