"""Recognise a signed file with content added after it: the signed bytes, then more.

A PDF can be changed without touching a single signed byte: an incremental update (a new
revision with an annotation, a form value, replaced text) is appended after the last `%%EOF`.
The DSSE envelope signs the whole file, so such a file fails verification either way; this tells
the user *why*, in words: the signed report is still there, and something was added after it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

# Where a PDF revision may end: `%%EOF` and the end-of-line after it, if any.
_EOF = re.compile(rb"%%EOF(?:\r\n|\r|\n)?")
# A hostile file could hold millions of markers; a real report has a handful of revisions.
_MAX_ENDS = 10_000


@dataclass(frozen=True)
class Appended:
    """The file is the signed file (`signed` bytes long) followed by `added` more bytes."""

    signed: int
    added: int

    def describe(self) -> str:
        return (
            f"content was added after signing: {self.added} byte(s) follow the "
            f"{self.signed} signed bytes (an incremental update or appended data), so this "
            "is not the signed report and it is invalid"
        )


def appended_after(data: bytes, signed_sha256: str) -> Appended | None:
    """Whether `data` is a file whose sha256 is `signed_sha256` with bytes added after its end.

    One pass over the data: the running digest is copied at each place a revision may end.
    """
    running = hashlib.sha256()
    done = 0
    for count, match in enumerate(_EOF.finditer(data)):
        if count >= _MAX_ENDS:
            break
        for end in dict.fromkeys((match.start() + 5, match.end())):  # with and without the EOL
            if end >= len(data):
                continue
            running.update(data[done:end])
            done = end
            if running.copy().hexdigest() == signed_sha256:
                return Appended(signed=end, added=len(data) - end)
    return None
