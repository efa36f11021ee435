"""The PDF laid out by a forked child (govern.report.pdf_worker): the same bytes as in one process,
and whatever goes wrong in the child, the render is done here instead."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import govern
from govern.report import pdf_worker
from govern.report.html import RenderedHtml
from govern.report.pdf import RENDERER, render_pdf
from govern.report.pdf_result import Attachment, PdfResult
from govern.report.pdf_worker import SWITCH, ForkedPdfRenderer, fork_is_safe

DAY = dt.date(2026, 11, 25)
HTML = RenderedHtml(
    "<html><head><title>t</title></head><body><h1>Report</h1><p>Worker \u2265 \u00d7</p>"
    "<img src='https://example.org/x.png'></body></html>",
    {},
)
ATTACHED = (Attachment("assessment.json", b'{"a": 1}', "application/json", "the assessment"),)


@pytest.fixture
def here() -> PdfResult:
    return render_pdf(HTML, DAY, ATTACHED)


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Forking allowed whatever the test process's settings (the suite may set the switch)."""
    monkeypatch.delenv(SWITCH, raising=False)
    yield


def start(meanwhile: Callable[[], None] = lambda: None) -> ForkedPdfRenderer:
    worker = ForkedPdfRenderer.start(meanwhile, only_in_command=False)
    assert worker is not None, "the test process could not fork"
    return worker


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.usefixtures("forked")
def test_the_child_lays_out_the_same_pdf_and_is_reaped(here: PdfResult) -> None:
    ran: list[bool] = []
    worker = start(lambda: ran.append(True))
    pid = worker._pid
    assert pid is not None
    assert worker.renderer() == RENDERER
    result = worker.render(HTML, DAY, ATTACHED)
    assert result.data == here.data and result.pages == here.pages == 1
    # What the child's fetcher refused comes back with the PDF, as in one process.
    assert [r.decision for r in result.fetches.records] == ["refused"]
    assert ran == [True]  # the parent's own work ran while the child rendered
    assert gone(pid)


@pytest.mark.usefixtures("forked")
def test_a_child_that_raises_leaves_the_render_to_this_process(
    monkeypatch: pytest.MonkeyPatch, here: PdfResult
) -> None:
    parent = os.getpid()

    def fails_in_the_child(*args: object) -> PdfResult:
        if os.getpid() != parent:
            raise RuntimeError("no fonts in the child")
        return render_pdf(HTML, DAY, ATTACHED)

    monkeypatch.setattr("govern.report.pdf.render_pdf", fails_in_the_child)
    worker = start()
    pid = worker._pid
    assert worker.render(HTML, DAY, ATTACHED).data == here.data
    assert pid is not None and gone(pid)


@pytest.mark.usefixtures("forked")
def test_a_child_that_dies_before_it_is_ready_is_not_waited_for(
    monkeypatch: pytest.MonkeyPatch, here: PdfResult
) -> None:
    monkeypatch.setattr(pdf_worker, "_detach_from_terminal", lambda: os._exit(3))
    worker = start()
    assert worker.renderer() == RENDERER  # this process's own WeasyPrint answers
    assert worker.render(HTML, DAY, ATTACHED).data == here.data


@pytest.mark.usefixtures("forked")
def test_a_child_that_gets_no_job_is_ended() -> None:
    """A command that fails before it has HTML (bad input) ends the child at once."""
    worker = start()
    pid = worker._pid
    assert pid is not None
    worker.close()
    worker.close()  # idempotent: the `finally` of the command may run after a failed render
    assert gone(pid)


def test_forks_only_in_the_command_alone_and_unless_switched_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(SWITCH, raising=False)
    monkeypatch.setattr(govern, "command_process", False)
    assert not fork_is_safe()  # a library caller's process is not forked
    assert ForkedPdfRenderer.start() is None
    monkeypatch.setattr(govern, "command_process", True)
    assert fork_is_safe()
    monkeypatch.setenv(SWITCH, "0")
    assert not fork_is_safe()
    monkeypatch.delenv(SWITCH)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not fork_is_safe()  # a fork would copy another thread's locks, held
    finally:
        stop.set()
        other.join()


def test_the_command_signs_what_its_worker_laid_out(tmp_path: Path) -> None:
    """`govern report --sign-key` as a user runs it (the PDF laid out by the forked child, pyHanko
    imported meanwhile): the PDF it writes verifies on its own, PAdES signature included."""
    from govern.sign.keys import generate_keys
    from tests.sign.conftest import make_system

    keys = generate_keys(tmp_path / "signer", certificate_subject="Worker Test Signer")
    system = make_system(tmp_path / "system")
    pdf = tmp_path / "out" / "report.pdf"
    env = {k: v for k, v in os.environ.items() if k not in (SWITCH, "GOVERN_KEY_PASSPHRASE")}
    govern_command = [sys.executable, "-m", "govern"]
    report = [*govern_command, "report", str(system), "--pdf", str(pdf), "--as-of", "2026-11-25"]
    made = subprocess.run(
        [*report, "--sign-key", str(keys.private_key)], capture_output=True, text=True, env=env
    )
    assert made.returncode == 0, made.stderr
    assert "signed DSSE envelope and PAdES signature" in made.stderr
    verify = [*govern_command, "verify", str(pdf), "--key", str(keys.public_key)]
    checked = subprocess.run(verify, capture_output=True, text=True, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "PAdES signature: intact, by Worker Test Signer" in checked.stdout
