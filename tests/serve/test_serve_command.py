"""`govern serve` as a user starts it: the real command in a subprocess, answering on a port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from govern.serve.config import Credentials
from tests.conftest import REPO
from tests.serve.conftest import CHATBOT, CREDIT, Filled


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


@pytest.mark.slow
def test_govern_serve_shows_both_examples(filled: Filled) -> None:
    port = _free_port()
    env = {**os.environ, "GOVERN_DATABASE_URL": filled.url, "GOVERN_SERVE_PORT": str(port)}
    server = subprocess.Popen(
        [sys.executable, "-m", "govern", "serve"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = _get(f"http://127.0.0.1:{port}/")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.communicate()[1]
                assert time.monotonic() < deadline, "govern serve did not answer"
                time.sleep(0.2)
        assert f"/systems/{CREDIT}" in page and f"/systems/{CHATBOT}" in page
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert f"on http://127.0.0.1:{port}/ (no credentials: loopback only)" in err


def test_hash_password_prints_a_hash_the_server_accepts() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "govern", "serve", "--hash-password"],
        input="correct horse\n",
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    stored = done.stdout.strip()
    assert stored.startswith("scrypt$") and "correct horse" not in stored
    credentials = Credentials(user="officer", password_hash=stored)
    assert credentials.basic_ok("officer", "correct horse")
    assert not credentials.basic_ok("officer", "correct horse ")
