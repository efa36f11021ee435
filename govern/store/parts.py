"""An assessment split into content-addressed parts, so that runs which did not change share them.

A run's row keeps the small, changing facts of its assessment (system, dates, summary: the
"skeleton"); the parts that repeat from run to run (each rule result, the packs, the fairness
snapshots, the attestations) are blobs keyed by the sha256 of their bytes, stored once for every
run that has them. The row's digest names each part by key, and each key is the hash of the part,
so the hash chain commits to the whole document (a Merkle tree of depth two: the results list is
itself a blob listing the key of every result).

The bytes are pydantic's JSON of each model: deterministic for a given govern, which is all
content addressing needs, and several times cheaper than sorting every key. Joining the parts
gives one JSON document that validates back into the same Assessment.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

from govern.engine.assessment import Assessment, RuleResult
from govern.store.chain import canonical_json

# Parts stored as blobs, each the JSON object {"<name>": value}; the rest is the skeleton.
SHARED = ("packs", "fairness", "attestations")
# Parts whose blob is the JSON list of the keys of one blob per item.
INDEXED = ("results",)
PART_NAMES = (*SHARED, *INDEXED)
# zlib level 1: a third of level 6's time on these parts for a few percent more bytes; blobs are
# written once per change, the skeleton once per run.
LEVEL = 1


@dataclass(frozen=True)
class Split:
    """One assessment as the ledger stores it."""

    skeleton: bytes
    parts: dict[str, str]
    blobs: dict[str, bytes]


def key_of(data: bytes) -> str:
    """A blob's key: the sha256 of its uncompressed bytes."""
    return hashlib.sha256(data).hexdigest()


def split(assessment: Assessment) -> Split:
    """The skeleton, the key of each part, and every blob (item blobs and index blobs)."""
    blobs: dict[str, bytes] = {}

    def add(data: bytes) -> str:
        key = key_of(data)
        blobs[key] = data
        return key

    skeleton = assessment.model_dump_json(exclude={*SHARED, *INDEXED}).encode()
    parts = {name: add(assessment.model_dump_json(include={name}).encode()) for name in SHARED}
    items = [add(data) for data in result_items(assessment.results)]
    parts["results"] = add(canonical_json(items))
    return Split(skeleton, parts, blobs)


def result_items(results: list[RuleResult]) -> list[bytes]:
    """Each result's JSON. Measured: one call per result costs what one call for the whole list
    does (the time is the serialising itself, ~5 ms for the example's 311 results), and cutting
    the list's JSON apart afterwards adds ~2 ms, so each result is serialised on its own."""
    # The serializer's own bytes: model_dump_json would decode them to str and back.
    return [result.__pydantic_serializer__.to_json(result) for result in results]


def index_keys(data: bytes) -> list[str]:
    """The item keys an index blob lists; ValueError when it is not such a list."""
    keys = json.loads(data)
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise ValueError("not a list of keys")
    return keys


def join(skeleton: bytes, parts: Mapping[str, str], blobs: Mapping[str, bytes]) -> bytes:
    """The whole assessment as one JSON document; KeyError or ValueError when a part is missing."""
    if not (skeleton.startswith(b"{") and skeleton.endswith(b"}")):
        raise ValueError("the skeleton is not a JSON object")
    pieces = [skeleton[:-1]]
    for name in SHARED:
        pieces += [b",", blobs[parts[name]][1:-1]]
    items = (blobs[key] for key in index_keys(blobs[parts["results"]]))
    pieces += [b',"results":[', b",".join(items), b"]}"]
    return b"".join(pieces)


def pack(data: bytes) -> bytes:
    return zlib.compress(data, LEVEL)


def unpack(stored: object) -> bytes | None:
    """The stored bytes uncompressed, or None when they are not what govern wrote."""
    try:
        return zlib.decompress(bytes(stored))  # type: ignore[call-overload]
    except (zlib.error, TypeError, ValueError):  # SQLite keeps text in a BLOB column
        return None
