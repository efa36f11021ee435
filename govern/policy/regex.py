"""Regular expressions from policy packs, run by RE2 so that no pattern can make a match hang.

A pack is data that anyone may hand to `govern check` in a pull request. Python's `re` backtracks:
`(a+)+$` against forty `a`s and a `b` runs for minutes. RE2 matches in time linear in the input
and refuses what it cannot do that way (backreferences, lookaround), so such a pattern is a load
and lint error naming the rule instead of a hang at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# What one pattern may cost RE2 to compile and run; the default is 8 MiB. Past it, compiling fails
# ("pattern too large"), which is reported like any other unsupported pattern.
MAX_PATTERN_MEMORY = 8 << 20
MAX_PATTERN_LENGTH = 4096


class PatternError(ValueError):
    """A pattern RE2 cannot compile, or one too long to be a pack's pattern."""


@dataclass(frozen=True, eq=False)
class PackPattern:
    """A compiled pack pattern with `re`'s search semantics (a match anywhere in the text)."""

    pattern: str
    compiled: Any  # re2._Regexp; google-re2 ships no type information

    def search(self, text: str) -> bool:
        return self.compiled.search(text) is not None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PackPattern) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)


def compile_pattern(pattern: str) -> PackPattern:
    """Compile a pack's pattern with RE2, or say in one line why it cannot be one."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(
            f"pattern is {len(pattern)} characters; the limit is {MAX_PATTERN_LENGTH}"
        )
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern to stderr itself
    options.max_mem = MAX_PATTERN_MEMORY
    try:
        compiled = re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "cannot compile"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(
            f"{reason}; pack patterns run on RE2, a linear-time engine without backreferences "
            "or lookaround"
        ) from None
    return PackPattern(pattern, compiled)
