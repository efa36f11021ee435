"""Canonical JSON, digests and the hash chain, as pure functions the ledger and its tests share."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

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


def verify(links: Sequence[Link], head: Head | None, anchors: Sequence[Anchor] = ()) -> ChainReport:
    """Walk the chain from the first row and name the first row that was tampered with.

    Rows must be given in stored (run id) order. The walk stops at the first problem: once the
    chain is broken, later rows cannot be told apart from rows that follow a forged one.
    A chain rewritten from some row onwards with fresh hashes is consistent again; `anchors`
    (run id and chain hash noted outside the database when they were recorded) catch that.
    """
    expected_prev, expected_id = GENESIS, 1
    for index, link in enumerate(links):
        if head is not None and expected_prev == head.chain_hash and link.run_id > head.run_id:
            return ChainReport(len(links), head, _beyond_head(link, head), index)
        problem = _check_link(links, index, expected_prev, expected_id)
        if problem is not None:
            return ChainReport(len(links), head, problem, index)
        expected_prev, expected_id = link.chain_hash, link.run_id + 1
    problem = _check_head(links, head) or _check_anchors(links, anchors)
    return ChainReport(len(links), head, problem, len(links))


def _check_link(
    links: Sequence[Link], index: int, expected_prev: str, expected_id: int
) -> Problem | None:
    link = links[index]
    if not all(_is_digest(h) for h in (link.prev_hash, link.digest, link.chain_hash)):
        # Written by hand: govern writes lowercase hex, which fromhex() cannot tell from upper.
        return Problem(
            link.run_id, "edited", "its digest or chain hashes are not ones govern writes"
        )
    if chain_hash(link.prev_hash, link.digest) != link.chain_hash:
        return Problem(link.run_id, "edited", "its digest or chain hashes were changed")
    if link.prev_hash != expected_prev:
        return _locate_break(links, index, expected_prev, expected_id)
    if link.run_id != expected_id:
        return Problem(
            link.run_id, "renumbered", f"it follows run {expected_id - 1} but has id {link.run_id}"
        )
    if link.content_problem is not None:
        return Problem(link.run_id, "edited", link.content_problem)
    return None


def _locate_break(
    links: Sequence[Link], index: int, expected_prev: str, expected_id: int
) -> Problem:
    """The row at `index` does not follow its predecessor: did rows go in, out or around?"""
    link = links[index]
    position = {other.chain_hash: i for i, other in enumerate(links)}
    linked = position.get(link.prev_hash)
    if linked is not None and linked > index:
        return Problem(
            link.run_id,
            "reordered",
            f"it was recorded after run {links[linked].run_id} (rows swapped or moved)",
        )
    following = links[index + 1] if index + 1 < len(links) else None
    if following is not None and following.prev_hash == expected_prev:
        before = f"run {links[index - 1].run_id}" if index else "the start of the chain"
        return Problem(
            link.run_id,
            "inserted",
            f"it is not in the chain: run {following.run_id} follows {before} directly",
        )
    if linked is not None and linked < index - 1:
        first = links[linked + 1]
        return Problem(
            first.run_id,
            "inserted",
            f"run {link.run_id} follows run {links[linked].run_id} directly, so run "
            f"{first.run_id} was added between them",
        )
    if link.run_id > expected_id:
        missing = (
            f"run {expected_id}"
            if link.run_id == expected_id + 1
            else f"runs {expected_id}-{link.run_id - 1}"
        )
        return Problem(expected_id, "deleted", f"{missing} missing before run {link.run_id}")
    if index == 0:
        return Problem(
            link.run_id,
            "edited",
            "it does not start the chain: it was rewritten or rows before "
            "it were deleted and the rest renumbered",
        )
    previous = links[index - 1]
    return Problem(
        previous.run_id,
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


def _check_head(links: Sequence[Link], head: Head | None) -> Problem | None:
    """Rows removed from, or added at, the end leave the chain itself intact; the head does not."""
    last = links[-1] if links else None
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
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in text)


def _check_anchors(links: Sequence[Link], anchors: Sequence[Anchor]) -> Problem | None:
    stored = {link.run_id: link.chain_hash for link in links}
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
