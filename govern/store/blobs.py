"""govern_blobs in the database: store the parts a run names once, fetch them, check their keys."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from sqlalchemy import Connection, select

from govern.store.parts import INDEXED, PART_NAMES, index_keys, key_of, pack, unpack
from govern.store.tables import BlobRow

BLOBS = BlobRow.__table__  # type: ignore[attr-defined]
# Keys per IN (...) query: far below SQLite's and Postgres's limits on bound parameters.
_CHUNK = 500


def store(
    conn: Connection,
    parts: Mapping[str, str],
    blobs: Mapping[str, bytes],
    stored_parts: set[str],
) -> int:
    """Insert the blobs the ledger does not hold yet; the caller holds the chain-head lock.

    `stored_parts` are the part keys the ledger holds (the caller looks them up with the head).
    An index blob is written in the same transaction as the items it lists and no blob is ever
    deleted, so a stored index means its items are stored: a run whose evidence did not change
    costs one lookup of its few part keys. Returns how many blobs were new.
    """
    wanted = set(parts.values())
    have = set(stored_parts)
    for name in INDEXED:
        if parts[name] not in have:
            listed = set(index_keys(blobs[parts[name]]))
            wanted |= listed
            have |= stored(conn, sorted(listed))
    missing = sorted(wanted - have)
    if missing:
        # The plain driver: one executemany, no SQLAlchemy statement compiled per append.
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        insert = f"INSERT INTO {BLOBS.name} (sha256, data) VALUES ({mark}, {mark})"  # noqa: S608
        conn.exec_driver_sql(
            insert + " ON CONFLICT (sha256) DO NOTHING",
            [(key, pack(blobs[key])) for key in missing],
        )
    return len(missing)


def stored(conn: Connection, keys: list[str]) -> set[str]:
    """Which of `keys` the ledger holds."""
    have: set[str] = set()
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        have.update(conn.execute(select(BLOBS.c.sha256).where(BLOBS.c.sha256.in_(chunk))).scalars())
    return have


def fetch(conn: Connection, keys: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
    """Each stored blob among `keys`, uncompressed, or None when it is not what govern wrote."""
    wanted = sorted(set(keys))
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        query = select(BLOBS.c.sha256, BLOBS.c.data).where(BLOBS.c.sha256.in_(chunk))
        for key, stored in conn.execute(query):
            yield key, unpack(stored)


class Checker:
    """The blobs behind runs, each fetched and hashed once however many runs share it.

    `check` takes the parts of a batch of runs at once: two queries per batch at most.
    `data` keeps the blobs checked since the last `forget()` (verify forgets after each batch;
    reading one run keeps what it needs to join the document).
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.problems: dict[str, str | None] = {}
        self.data: dict[str, bytes] = {}

    def check(self, batch: Iterable[Mapping[str, str]]) -> None:
        """Fetch and hash every blob the batch names that was not checked before."""
        batch = list(batch)
        self._hash({key for parts in batch for key in parts.values()})
        for index in {parts[name] for parts in batch for name in INDEXED}:
            self._index(index)

    def problem(self, parts: Mapping[str, str]) -> str | None:
        """What is wrong with the blobs a run names (after `check`), or None."""
        for name in PART_NAMES:
            found = self.problems.get(parts[name], "not checked")
            if found is not None:
                return f"its assessment parts were changed: {name}: {found}"
        return None

    def forget(self) -> None:
        self.data.clear()

    def _hash(self, keys: Iterable[str]) -> None:
        unseen = [key for key in keys if key not in self.problems]
        for key, data in fetch(self.conn, unseen):
            if data is None or key_of(data) != key:
                self.problems[key] = f"blob {key[:12]}, shared by every run that names it"
            else:
                self.problems[key], self.data[key] = None, data
        for key in unseen:
            self.problems.setdefault(key, f"blob {key[:12]} is missing")

    def _index(self, key: str) -> None:
        data = self.data.get(key)
        if data is None:  # checked in an earlier batch, or itself changed or missing
            return
        try:
            items = index_keys(data)
        except ValueError:
            self.problems[key] = f"blob {key[:12]} is not a list of parts"
            return
        self._hash(items)
        self.problems[key] = next(
            (self.problems[item] for item in items if self.problems[item] is not None), None
        )
