"""Canonical JSON, digests and the hash chain, as pure functions the ledger and its tests share."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, cast

# The predecessor of the first row: a chain hash no real row can have.
GENESIS = "0" * 64

ProblemKind = Literal["edited", "inserted", "deleted", "reordered", "renumbered"]


def canonical_json(value: Any) -> bytes:
    """One byte string per value, so that a digest taken today can be recomputed in ten years.

    UTF-8; object keys sorted by code point; no whitespace; no NaN or Infinity; floats in Python's
    shortest round-trip form. Dates and times must already be strings (see `canonical_time`).
    """
    text = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def canonical_time(moment: dt.datetime) -> str:
    """UTC with microseconds and a Z, whatever zone (or none, for SQLite) the driver returns."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest(value: Any) -> str:
    """The sha256 of a value's canonical JSON."""
    return sha256_hex(canonical_json(value))


def chain_hash(prev_hash: str, row_digest: str) -> str:
    """Link a row to its predecessor: changing, removing or moving any earlier row changes this."""
    return sha256_hex(bytes.fromhex(prev_hash) + bytes.fromhex(row_digest))


@dataclass(frozen=True)
class Link:
    """What verification needs to know about one stored row, in stored order.

    `content_problem` says how the row's stored content disagrees with its digest (None when it
    agrees); the ledger works it out by recomputing the digests from the rows themselves.
    """

    run_id: int
    prev_hash: str
    digest: str
    chain_hash: str
    content_problem: str | None = None


@dataclass(frozen=True)
class Head:
    """The chain head as recorded beside the rows: the last run appended and its chain hash."""

    run_id: int
    chain_hash: str


@dataclass(frozen=True)
class Problem:
    run_id: int
    kind: ProblemKind
    detail: str


@dataclass(frozen=True)
class ChainReport:
    runs: int
    head: Head | None
    problem: Problem | None
    checked: int

    @property
    def valid(self) -> bool:
        return self.problem is None


class Rows(Protocol):
    """Stored rows looked up by what a broken link points at, for naming what happened.

    A position orders rows as they are stored: a list index, or the run id in a database.
    """

    def find(self, chain_hash: str) -> tuple[int, Link] | None:
        """The row whose chain hash is `chain_hash`, with its position."""

    def after(self, position: int) -> tuple[int, Link] | None:
        """The first row stored after `position`."""


@dataclass(frozen=True)
class ListedRows:
    """`Rows` over links held in memory (tests, small ledgers)."""

    links: Sequence[Link]

    def find(self, chain_hash: str) -> tuple[int, Link] | None:
        for index, link in enumerate(self.links):
            if link.chain_hash == chain_hash:
                return index, link
        return None

    def after(self, position: int) -> tuple[int, Link] | None:
        following = position + 1
        return (following, self.links[following]) if following < len(self.links) else None


def verify(
    links: Iterable[Link] | Iterable[tuple[int, Link]],
    head: Head | None,
    anchors: Sequence[Anchor] = (),
    rows: Rows | None = None,
    runs: int | None = None,
) -> ChainReport:
    """Walk the chain from the first row and name the first row that was tampered with.

    Rows must be given in stored (run id) order: a list of links, or, with `rows` to look rows
    up by, a stream of (position, link) pairs that is read once and never held in memory. The
    walk stops at the first problem: once the chain is broken, later rows cannot be told apart
    from rows that follow a forged one. A chain rewritten from some row onwards with fresh
    hashes is consistent again; `anchors` (run id and chain hash noted outside the database
    when they were recorded) catch that. `runs` is the number of stored rows, when known.
    """
    if rows is None:
        listed = list(cast("Iterable[Link]", links))
        rows, runs = ListedRows(listed), len(listed)
        links = enumerate(listed)
    walk = _Walk(rows, {anchor.run_id for anchor in anchors})
    for position, link in cast("Iterable[tuple[int, Link]]", links):
        problem = walk.step(position, link, head)
        if problem is not None:
            return ChainReport(
                runs if runs is not None else walk.checked + 1, head, problem, walk.checked
            )
    total = runs if runs is not None else walk.checked
    problem = _check_head(walk.last, head) or _check_anchors(walk.anchored, anchors)
    return ChainReport(total, head, problem, walk.checked)


@dataclass
class _Walk:
    """The state of a walk along the chain: what the next row must link to, and nothing more."""

    rows: Rows
    anchor_ids: set[int]
    expected_prev: str = GENESIS
    expected_id: int = 1
    previous: tuple[int, Link] | None = None
    checked: int = 0
    anchored: dict[int, str] = field(default_factory=dict)

    @property
    def last(self) -> Link | None:
        return self.previous[1] if self.previous else None

    def step(self, position: int, link: Link, head: Head | None) -> Problem | None:
        if head is not None and self.expected_prev == head.chain_hash and link.run_id > head.run_id:
            return _beyond_head(link, head)
        problem = self._check(position, link)
        if problem is not None:
            return problem
        if link.run_id in self.anchor_ids:
            self.anchored[link.run_id] = link.chain_hash
        self.expected_prev, self.expected_id = link.chain_hash, link.run_id + 1
        self.previous = (position, link)
        self.checked += 1
        return None

    def _check(self, position: int, link: Link) -> Problem | None:
        if not all(_is_digest(h) for h in (link.prev_hash, link.digest, link.chain_hash)):
            # Written by hand: govern writes lowercase hex, which fromhex() cannot tell from upper.
            return Problem(
                link.run_id, "edited", "its digest or chain hashes are not ones govern writes"
            )
        if chain_hash(link.prev_hash, link.digest) != link.chain_hash:
            return Problem(link.run_id, "edited", "its digest or chain hashes were changed")
        if link.prev_hash != self.expected_prev:
            return self._locate_break(position, link)
        if link.run_id != self.expected_id:
            return Problem(
                link.run_id,
                "renumbered",
                f"it follows run {self.expected_id - 1} but has id {link.run_id}",
            )
        if link.content_problem is not None:
            return Problem(link.run_id, "edited", link.content_problem)
        return None

    def _locate_break(self, position: int, link: Link) -> Problem:
        """The row at `position` does not follow its predecessor: did rows go in, out or around?"""
        linked = self.rows.find(link.prev_hash)
        if linked is not None and linked[0] > position:
            return Problem(
                link.run_id,
                "reordered",
                f"it was recorded after run {linked[1].run_id} (rows swapped or moved)",
            )
        following = self.rows.after(position)
        if following is not None and following[1].prev_hash == self.expected_prev:
            before = f"run {self.previous[1].run_id}" if self.previous else "the start of the chain"
            return Problem(
                link.run_id,
                "inserted",
                f"it is not in the chain: run {following[1].run_id} follows {before} directly",
            )
        if linked is not None and self.previous is not None and linked[0] < self.previous[0]:
            first = self.rows.after(linked[0])
            first_id = first[1].run_id if first else link.run_id
            return Problem(
                first_id,
                "inserted",
                f"run {link.run_id} follows run {linked[1].run_id} directly, so run "
                f"{first_id} was added between them",
            )
        return self._gap_or_rewrite(link)

    def _gap_or_rewrite(self, link: Link) -> Problem:
        expected_id = self.expected_id
        if link.run_id > expected_id:
            missing = (
                f"run {expected_id}"
                if link.run_id == expected_id + 1
                else f"runs {expected_id}-{link.run_id - 1}"
            )
            return Problem(expected_id, "deleted", f"{missing} missing before run {link.run_id}")
        if self.previous is None:
            return Problem(
                link.run_id,
                "edited",
                "it does not start the chain: it was rewritten or rows before "
                "it were deleted and the rest renumbered",
            )
        return Problem(
            self.previous[1].run_id,
            "edited",
            f"run {link.run_id} no longer follows it: it was rewritten with fresh hashes, or rows "
            "after it were deleted and the rest renumbered",
        )


def _beyond_head(link: Link, head: Head) -> Problem:
    return Problem(
        link.run_id,
        "inserted",
        f"it was added after run {head.run_id}, the last run govern recorded",
    )


def _check_head(last: Link | None, head: Head | None) -> Problem | None:
    """Rows removed from, or added at, the end leave the chain itself intact; the head does not."""
    last_id, last_hash = (last.run_id, last.chain_hash) if last else (0, GENESIS)
    if head is None:
        return Problem(last_id, "deleted", "the chain head row is missing")
    if head.run_id == last_id and head.chain_hash == last_hash:
        return None
    if head.run_id > last_id:
        missing = (
            f"run {head.run_id}"
            if head.run_id == last_id + 1
            else f"runs {last_id + 1}-{head.run_id}"
        )
        return Problem(last_id + 1, "deleted", f"{missing} (the newest) missing")
    # The walk passed the head's run without meeting its hash: the head or that run was rewritten.
    return Problem(
        min(head.run_id, last_id),
        "edited",
        "its chain hash is not the one the chain head recorded (the head or the run was rewritten)",
    )


@dataclass(frozen=True)
class Anchor:
    """A run's chain hash kept outside the ledger (a CI log, a signed report): `RUN:HASH`."""

    run_id: int
    chain_hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        run, _, value = text.strip().partition(":")
        if not (run.isascii() and run.isdigit()) or len(value) != 64 or not _is_hex(value):
            raise ValueError(f"{text!r} is not RUN:HASH (a run id and its 64-digit chain hash)")
        from govern.store.bounds import bounded  # raises RunNotFound, a usage error

        return cls(bounded(run, "anchored run"), value.lower())


def _is_digest(value: object) -> bool:
    """A sha256 as govern stores it: 64 lowercase hex digits."""
    return isinstance(value, str) and len(value) == 64 and not value.strip("0123456789abcdef")


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in text)


def _check_anchors(stored: Mapping[int, str], anchors: Sequence[Anchor]) -> Problem | None:
    """`stored`: the chain hash of each anchored run met on the walk."""
    for anchor in sorted(anchors, key=lambda a: a.run_id):
        found = stored.get(anchor.run_id)
        if found is None:
            return Problem(anchor.run_id, "deleted", "the anchored run is no longer in the ledger")
        if found != anchor.chain_hash:
            return Problem(
                anchor.run_id,
                "edited",
                "its chain hash is not the anchored one: the ledger up to it was rewritten",
            )
    return None
