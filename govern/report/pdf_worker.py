"""`govern report --pdf` on two cores: a child process imports WeasyPrint while this one assesses.

Why: importing WeasyPrint costs about as much as loading and assessing the system and writing its
HTML (0.6-0.8 s each here), and a signed report then imports pyHanko (0.4 s) before it can sign.
One after the other they add 1-1.5 s to every report, while the second core sits idle. So the
command forks a child as soon as it starts, before any evidence is read; the child imports
WeasyPrint and waits for its one job. The parent loads, assesses and renders the HTML, hands the
HTML over, imports what signing needs while the child lays out the pages, and takes the PDF back.

Which process rendered never shows in the result: the child runs the same
`govern.report.pdf.render_pdf` on the same inputs, and the PDF is reproducible (the test suite
compares the bytes of both ways). Whenever the child cannot give an answer (it could not be
forked, it died, it raised) the parent renders in its own process, so an error is reported as in
a one-process run. A fork is made only where it is safe: in the govern command's own process (a
library caller's process is not ours to fork), on Linux (macOS system libraries do not survive a
fork without exec), while no other thread runs, and unless GOVERN_PDF_WORKER=0.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from govern.report.pdf_result import RenderHere

if TYPE_CHECKING:
    import datetime as dt

    from govern.report.html import RenderedHtml
    from govern.report.pdf_result import Attachment, PdfResult

SWITCH = "GOVERN_PDF_WORKER"
_LENGTH = struct.Struct("!Q")


class ForkedPdfRenderer:
    """A PdfRenderer whose pages are laid out by a child forked at the start of the command."""

    def __init__(
        self, pid: int, jobs: int, replies: int, meanwhile: Callable[[], None] | None
    ) -> None:
        self._pid: int | None = pid
        self._jobs: int | None = jobs
        self._replies: int | None = replies
        self._meanwhile = meanwhile
        self._name: str | None = None
        self._failed = False

    @classmethod
    def start(
        cls, meanwhile: Callable[[], None] | None = None, *, only_in_command: bool = True
    ) -> ForkedPdfRenderer | None:
        """Fork the child, or None where a fork is not safe (see the module docstring).

        `meanwhile` runs in this process while the child lays out the pages: work that signing
        will need anyway, such as imports. `only_in_command=False` is for tests, which fork from
        the test process on purpose.
        """
        if not fork_is_safe(only_in_command):
            return None
        jobs_read, jobs_write = os.pipe()
        replies_read, replies_write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (jobs_read, jobs_write, replies_read, replies_write):
                os.close(fd)
            return None
        if pid == 0:  # the child
            os.close(jobs_write)
            os.close(replies_read)
            _serve_one_job(jobs_read, replies_write)
        os.close(jobs_read)
        os.close(replies_write)
        return cls(pid, jobs_write, replies_read, meanwhile)

    def renderer(self) -> str:
        """The child's "WeasyPrint <version>", sent once its import is done."""
        if self._name is None and not self._failed:
            message = self._receive()
            if message is not None and message[0] == "ready" and isinstance(message[1], str):
                self._name = message[1]
            else:
                self._give_up()
        return self._name if self._name is not None else RenderHere().renderer()

    def render(
        self, html: RenderedHtml, as_of: dt.date, attachments: tuple[Attachment, ...]
    ) -> PdfResult:
        """The child's PDF of `html`; rendered here instead if the child gives none."""
        self.renderer()  # the child's first message, so that the next one is the PDF
        if not self._failed and self._jobs is not None:
            try:
                _send(self._jobs, (html, as_of, attachments))
            except OSError:
                self._give_up()
            else:
                if self._meanwhile is not None:
                    self._meanwhile()
                message = self._receive()
                if message is not None and message[0] == "done":
                    result: PdfResult = message[1]
                    self.close()
                    return result
                self._give_up()
        return RenderHere().render(html, as_of, attachments)

    def close(self) -> None:
        """End the child (whatever it is doing) and reap it; safe to call more than once."""
        for fd in (self._jobs, self._replies):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._jobs = self._replies = None
        if self._pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(self._pid, 0)
            self._pid = None

    def _receive(self) -> tuple[str, Any] | None:
        """The child's next message, or None if it died or sent something unreadable."""
        if self._replies is None:
            return None
        try:
            message = _receive(self._replies)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            return None
        if isinstance(message, tuple) and len(message) == 2 and isinstance(message[0], str):
            return message
        return None

    def _give_up(self) -> None:
        self._failed = True
        self.close()


def fork_is_safe(only_in_command: bool = True) -> bool:
    """Whether forking the render child is safe and wanted in this process."""
    from govern.__main__ import running_as_command

    if os.environ.get(SWITCH, "1") == "0":
        return False
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if only_in_command and not running_as_command():
        return False
    # A fork copies only the calling thread: a lock another thread held stays locked for good.
    return threading.active_count() == 1


def _serve_one_job(jobs: int, replies: int) -> NoReturn:
    """The child: import WeasyPrint, say so, render the one job, send the PDF back, and exit.

    It never returns into the parent's code (its stack is a copy of the parent's), and it leaves
    with os._exit so that nothing of the parent's (buffers, atexit handlers) runs twice.
    """
    code = 0
    try:
        _detach_from_terminal()
        from govern.report.pdf import RENDERER, render_pdf

        _send(replies, ("ready", RENDERER))
        try:
            html, as_of, attachments = _receive(jobs)
        except EOFError:  # the command ended (or failed) before it had HTML to lay out
            os._exit(0)
        _send(replies, ("done", render_pdf(html, as_of, attachments)))
    except BaseException as exc:
        code = 1
        with contextlib.suppress(BaseException):
            _send(replies, ("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        os._exit(code)


def _detach_from_terminal() -> None:
    """Standard streams to /dev/null: nothing the child might print reaches the user twice, and
    a caller reading the command's output is not kept waiting for the child to close them."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _send(fd: int, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_LENGTH.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _receive(fd: int) -> Any:
    """One message from the other process (the pipe joins a parent and its own child only)."""
    (length,) = _LENGTH.unpack(_read_exactly(fd, _LENGTH.size))
    return pickle.loads(_read_exactly(fd, length))  # noqa: S301 - our own child's bytes


def _read_exactly(fd: int, size: int) -> bytes:
    chunks: list[bytes] = []
    left = size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other process closed the pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
