"""The web view at the HTTP level: pages over a real ledger, auth, CSRF, upload limit, headers."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from govern.errors import UsageError
from govern.serve.app import create_app
from govern.serve.config import Credentials, ServeConfig, hash_password
from govern.serve.security import CSRF_COOKIE
from tests.serve.conftest import CHATBOT, CREDIT, Filled, govern, local_client

TOKEN = "s3cret-token-for-tests-0123456789"


def client(url: str, **options: object) -> TestClient:
    return local_client(ServeConfig(db_url=url, **options))  # type: ignore[arg-type]


def text_of(page: str) -> str:
    """The page's text without tags and entities, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_portfolio_lists_both_examples_with_latest_verdicts(filled: Filled) -> None:
    page = client(filled.url).get("/")
    assert page.status_code == 200
    assert f'href="/systems/{CREDIT}"' in page.text and f'href="/systems/{CHATBOT}"' in page.text
    shown = text_of(page.text)
    assert "Credit Risk Scorer" in shown
    assert "2 systems in the ledger" in shown
    # Run 2 of the credit scorer keeps logs 30 days: a failing blocking control, named.
    row = shown[shown.index("Credit Risk Scorer") :]
    credit = row.split("run 2; 2 runs recorded")[0]
    assert "Fail" in credit and "EUAIA-19-LOG-RETENTION" in credit


def test_portfolio_filters_and_sorts_by_query_string(filled: Filled) -> None:
    web = client(filled.url)
    high = text_of(web.get("/", params={"tier": "high"}).text)
    assert "Credit Risk Scorer" in high and "1 shown" in high
    nothing = text_of(web.get("/", params={"framework": "no-such-framework"}).text)
    assert "No system matches these filters" in nothing
    ascending = web.get("/", params={"sort": "name"}).text
    descending = web.get("/", params={"sort": "name", "order": "desc"}).text
    first = ascending.index(f"/systems/{CREDIT}") < ascending.index(f"/systems/{CHATBOT}")
    last = descending.index(f"/systems/{CREDIT}") < descending.index(f"/systems/{CHATBOT}")
    assert first != last
    assert 'aria-sort="descending"' in descending


def test_system_page_groups_results_with_expected_found_and_digests(filled: Filled) -> None:
    page = client(filled.url).get(f"/systems/{CREDIT}")
    assert page.status_code == 200
    shown = text_of(page.text)
    for title in ("EU AI Act", "History of runs", "Fairness", "Expected", "Found"):
        assert title in shown
    digest = hashlib.sha256((filled.credit / "docs" / "model_card.yaml").read_bytes()).hexdigest()
    assert f'title="{digest}"' in page.text
    assert page.text.count("<svg") >= 1  # the report's fairness charts
    assert "<script" not in page.text.lower()


def test_diff_page_shows_what_govern_diff_prints(
    filled: Filled, capsys: pytest.CaptureFixture[str]
) -> None:
    page = client(filled.url).get(f"/systems/{CREDIT}/diff", params={"before": 1, "after": 2})
    assert page.status_code == 200
    capsys.readouterr()
    assert govern("diff", "1", "2", "--system", CREDIT, "--db", filled.url) == 0
    printed = capsys.readouterr().out
    pre = re.search(r'<pre class="diff-text">(.*?)</pre>', page.text, re.S)
    assert pre is not None and html.unescape(pre.group(1)) == printed
    assert "New failures (1)" in text_of(page.text)


def test_ledger_health_shows_the_anchor(filled: Filled, capsys: pytest.CaptureFixture[str]) -> None:
    page = client(filled.url).get("/ledger")
    capsys.readouterr()
    assert govern("ledger", "verify", "--db", filled.url, "--format", "json") == 0
    head = re.search(r'"chain_hash": "([0-9a-f]{64})"', capsys.readouterr().out)
    assert head is not None
    assert f"3:{head.group(1)}" in page.text and "Intact" in page.text


def test_unknown_system_and_run_are_404_pages(filled: Filled) -> None:
    web = client(filled.url)
    assert web.get("/systems/nobody").status_code == 404
    assert web.get("/runs/99").status_code == 404
    assert web.get("/runs/1/passwd").status_code == 404
    assert web.get("/static/../../pyproject.toml").status_code == 404


def test_every_response_carries_the_security_headers(filled: Filled) -> None:
    web = client(filled.url)
    for response in (web.get("/"), web.get("/systems/nobody"), web.get("/static/serve.css")):
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'none'" in csp and "'unsafe-inline'" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


# --- authentication ---------------------------------------------------------------------------


def test_open_host_without_credentials_refuses_to_start(filled: Filled) -> None:
    with pytest.raises(UsageError, match="GOVERN_SERVE_TOKEN_SHA256"):
        create_app(ServeConfig(db_url=filled.url, host="0.0.0.0"))


def test_cli_refuses_an_open_host_without_credentials(
    filled: Filled, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("GOVERN_SERVE_TOKEN_SHA256", "GOVERN_SERVE_USER", "GOVERN_SERVE_BASIC_HASH"):
        monkeypatch.delenv(name, raising=False)
    assert govern("serve", "--db", filled.url, "--host", "0.0.0.0") == 2
    assert "reachable from other machines" in capsys.readouterr().err


def test_token_is_required_off_loopback(filled: Filled) -> None:
    credentials = Credentials(token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest())
    web = client(filled.url, host="0.0.0.0", credentials=credentials)
    refused = web.get("/")
    assert refused.status_code == 401 and "Systems" not in refused.text
    assert refused.headers["content-security-policy"]
    assert web.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert web.get("/static/serve.css").status_code == 401
    assert web.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_basic_credentials_are_checked_against_a_salted_hash(filled: Filled) -> None:
    credentials = Credentials(user="officer", password_hash=hash_password("correct horse"))
    web = client(filled.url, host="192.0.2.10", credentials=credentials)

    def basic(user: str, password: str) -> dict[str, str]:
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    assert web.get("/").headers["www-authenticate"].startswith("Basic")
    assert web.get("/", headers=basic("officer", "wrong")).status_code == 401
    assert web.get("/", headers=basic("intruder", "correct horse")).status_code == 401
    assert web.get("/", headers={"Authorization": "Basic !!!"}).status_code == 401
    assert web.get("/", headers=basic("officer", "correct horse")).status_code == 200


def test_credentials_are_only_accepted_hashed() -> None:
    with pytest.raises(UsageError, match="64 hex digits"):
        Credentials(token_sha256=TOKEN)
    with pytest.raises(UsageError, match="scrypt"):
        Credentials(user="officer", password_hash="plain-password")


# --- the verify form --------------------------------------------------------------------------


def _form_token(web: TestClient) -> str:
    page = web.get("/verify")
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert found is not None and web.cookies.get(CSRF_COOKIE)
    return found.group(1)


def test_verify_form_needs_the_csrf_token(filled: Filled, tmp_path: Path) -> None:
    web = client(filled.url)
    files = {"report": ("report.pdf", b"%PDF-1.7 not signed", "application/pdf")}
    assert web.post("/verify", files=files).status_code == 403
    _form_token(web)
    assert web.post("/verify", files=files, data={"csrf": "0" * 64}).status_code == 403
    other = client(filled.url)  # a token rendered for another browser does not fit this cookie
    assert web.post("/verify", files=files, data={"csrf": _form_token(other)}).status_code == 403


def test_verify_upload_over_the_limit_is_413(filled: Filled) -> None:
    web = client(filled.url, max_upload=4096)
    token = _form_token(web)
    files = {"report": ("report.pdf", b"x" * 10_000, "application/pdf")}
    response = web.post("/verify", files=files, data={"csrf": token})
    assert response.status_code == 413
    assert "4,096 bytes" in text_of(response.text)


def test_verify_an_unsigned_file_is_invalid_and_nothing_is_kept(
    filled: Filled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govern.sign.keys import generate_keys

    keys = generate_keys(tmp_path / "k", certificate_subject="Test")
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    web = client(filled.url)
    token = _form_token(web)
    files = {
        "report": ("../../evil.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf"),
        "key": ("signer.pub", keys.public_key.read_bytes(), "application/x-pem-file"),
    }
    response = web.post("/verify", files=files, data={"csrf": token})
    assert response.status_code == 200
    shown = text_of(response.text)
    assert "INVALID" in shown and "Verdict as signed" not in shown
    assert list((tmp_path / "tmp").iterdir()) == []


def test_pages_need_nothing_the_content_security_policy_blocks(filled: Filled) -> None:
    """No script, no inline style or event handler: the CSP holds without 'unsafe-inline'."""
    web = client(filled.url)
    paths = ["/", f"/systems/{CREDIT}", f"/systems/{CHATBOT}", "/runs/1", "/verify", "/ledger"]
    paths.append(f"/systems/{CREDIT}/diff?before=1&after=2")
    for path in paths:
        page = web.get(path).text.lower()
        assert "<script" not in page and "<style" not in page, path
        assert re.search(r"\sstyle=", page) is None, path
        assert re.search(r"\son[a-z]+=", page) is None, path
        assert re.findall(r'(?:href|src)="(https?:)?//', page) == [], path  # no CDN, no remote


def test_ledger_page_checks_an_anchor_like_ledger_verify(filled: Filled) -> None:
    web = client(filled.url)
    anchor = re.search(r"<code>(3:[0-9a-f]{64})</code>", web.get("/ledger").text)
    assert anchor is not None
    kept = web.get("/ledger", params={"anchor": anchor.group(1)})
    assert kept.status_code == 200 and "Intact" in kept.text
    forged = web.get("/ledger", params={"anchor": "3:" + "0" * 64})
    assert forged.status_code == 200 and "TAMPERED" in forged.text
    assert web.get("/ledger", params={"anchor": "<b>nonsense</b>"}).status_code == 400


def test_without_credentials_only_local_host_names_are_answered(filled: Filled) -> None:
    """A page elsewhere that rebinds its own name to 127.0.0.1 cannot read the ledger."""
    web = client(filled.url)
    assert web.get("/", headers={"Host": "localhost:8000"}).status_code == 200
    rebound = web.get("/", headers={"Host": "attacker.example:8000"})
    assert rebound.status_code == 400 and "Credit Risk Scorer" not in rebound.text
    assert rebound.headers["content-security-policy"]
