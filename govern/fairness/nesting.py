"""Find JSON Lines rows nested too deeply for Arrow's JSON reader before it sees them.

Arrow parses each row recursively in C++: a row nested some tens of thousands of levels deep
overflows its stack and kills the process (a segmentation fault, not an error govern can
report). Prediction rows are flat, so a row more than MAX_DEPTH levels deep is refused with its
line, in the same pass over the file that looks for `null` lines.
"""

from __future__ import annotations

import re

from govern.load.documents import MAX_DEPTH, json_too_deep

# A stretch of a line with more than MAX_DEPTH opening brackets: the only lines that can be
# nested that deep. Each attempt stops at the line's end, so the search stays linear.
_MANY_OPENINGS = re.compile(rb"(?:[\[{][^\[{\n]*){%d}" % (MAX_DEPTH + 1))
# Arrow refuses a row longer than its block (1 MB) anyway; an unfinished line is kept up to
# twice that so a deep row split between two reads is still seen whole.
_CARRY = 2 << 20


class DeepRowScan:
    """Fed a file's bytes chunk by chunk; `feed` and `finish` return the first deep line."""

    def __init__(self) -> None:
        self.carry = b""
        self.lines = 0

    def feed(self, chunk: bytes) -> int | None:
        data = self.carry + chunk
        cut = data.rfind(b"\n") + 1
        found = self._scan(data[:cut])
        self.lines += data.count(b"\n", 0, cut)
        self.carry = data[cut:][-_CARRY:]
        return found

    def finish(self) -> int | None:
        return self._scan(self.carry)

    def _scan(self, data: bytes) -> int | None:
        checked_to = -1
        for match in _MANY_OPENINGS.finditer(data):
            if match.start() < checked_to:
                continue
            start = data.rfind(b"\n", 0, match.start()) + 1
            end = data.find(b"\n", match.start())
            end = len(data) if end < 0 else end
            checked_to = end
            if json_too_deep(data[start:end].decode("utf-8", "replace")) is not None:
                return self.lines + data.count(b"\n", 0, start) + 1
        return None
