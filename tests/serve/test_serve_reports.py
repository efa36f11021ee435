"""Reports downloaded from the web view: rendered from the ledger, signed with the server's key,
and the verify page gives the same verdict as `govern verify` for them and for a tampered copy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from govern.serve.config import ServeConfig
from govern.sign.keys import GeneratedKeys, generate_keys
from tests.serve.conftest import CREDIT, Filled, govern, local_client

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> GeneratedKeys:
    folder = tmp_path_factory.mktemp("serve-keys")
    return generate_keys(folder / "server", certificate_subject="govern serve tests")


def upload(web: TestClient, name: str, data: bytes, key: bytes) -> str:
    token = re.search(r'name="csrf" value="([0-9a-f]{64})"', web.get("/verify").text)
    assert token is not None
    files = {"report": (name, data, "application/pdf"), "key": ("key.pub", key, "text/plain")}
    response = web.post("/verify", files=files, data={"csrf": token.group(1)})
    assert response.status_code == 200
    return response.text


def test_signed_pdf_verifies_on_the_page_and_with_govern_verify(
    filled: Filled, keys: GeneratedKeys, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = ServeConfig(db_url=filled.url, sign_key=keys.private_key, cache_dir=tmp_path / "c")
    web = local_client(config)
    response = web.get("/runs/1/report.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="{CREDIT}-run-1-report.pdf"' in response.headers["content-disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert web.get("/runs/1/report.pdf").content == pdf  # cached: the same signed bytes

    key = keys.public_key.read_bytes()
    page = upload(web, "report.pdf", pdf, key)
    assert "VALID: report.pdf" in page and "Verdict as signed" in page and "PASS" in page
    saved = tmp_path / "report.pdf"
    saved.write_bytes(pdf)
    capsys.readouterr()
    assert govern("verify", saved, "--key", keys.public_key) == 0
    assert capsys.readouterr().out.startswith("VALID")

    tampered = pdf.replace(b"Credit Risk Scorer", b"Credit Risk Scorez", 1)
    assert tampered != pdf
    page = upload(web, "report.pdf", tampered, key)
    assert "INVALID: report.pdf" in page and "Verdict as signed" not in page
    saved.write_bytes(tampered)
    assert govern("verify", saved, "--key", keys.public_key) == 1


def test_without_a_signing_key_the_report_says_unsigned(filled: Filled, tmp_path: Path) -> None:
    """Unsigned, and like `govern report --db`: compared with the last passing run before it."""
    web = local_client(ServeConfig(db_url=filled.url, cache_dir=tmp_path))
    assert "unsigned" in web.get("/runs/2").text
    html = web.get("/runs/2/report.html")
    assert html.status_code == 200 and html.headers["content-disposition"].startswith("attachment")
    assert "compared with run 1 (2.3.0" in html.text
    assert "new failure: EUAIA-19-LOG-RETENTION (high, pass -&gt; fail)" in html.text
    assert web.get("/runs/2/report.intoto.jsonl").status_code == 404
