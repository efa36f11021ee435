"""The ledger: open a database by URL, append assessments to the chain, verify it, read history."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Dialect, Engine, Select, Table, and_, func, select
from sqlalchemy import exc as sa_exc

from govern.engine.assessment import Assessment
from govern.engine.diff import Snapshot
from govern.engine.disparities import KEY_METRICS, FairnessMetric, worst
from govern.store import blobs, database, migrate
from govern.store.bounds import bounded, capped, storable
from govern.store.chain import (
    Anchor,
    ChainReport,
    Head,
    Link,
    Problem,
    chain_hash,
    sha256_hex,
    verify,
)
from govern.store.errors import LedgerCorrupt, LedgerError, NoLedger, RunNotFound
from govern.store.parts import join, unpack
from govern.store.records import (
    CHILD_COLUMNS,
    FAILURE_STATUSES,
    content_problem,
    parts_of,
    prepare,
    row_digest,
)
from govern.store.runs import SEVERITIES, HistoryEntry, RecordedRun, SystemSummary
from govern.store.system_rows import FirstRun, SystemRecord, systems_problem
from govern.store.tables import (
    CHILD_TABLES,
    AssessmentRow,
    ChainHeadRow,
    FairnessRow,
    FindingRow,
    SystemRow,
)

Clock = Callable[[], dt.datetime]
_VERIFY_BATCH = 500
_REF = re.compile(r"^(?:#?(?P<id>\d+)|latest(?:~(?P<back>\d+))?|previous|approved)$")

A = AssessmentRow.__table__  # type: ignore[attr-defined]
HEAD = ChainHeadRow.__table__  # type: ignore[attr-defined]
SYSTEMS = SystemRow.__table__  # type: ignore[attr-defined]
FINDINGS = FindingRow.__table__  # type: ignore[attr-defined]
FAIRNESS = FairnessRow.__table__  # type: ignore[attr-defined]
CHILDREN = {name: table.__table__ for name, table in CHILD_TABLES.items()}  # type: ignore[attr-defined]


def is_run_reference(text: str) -> bool:
    """Whether `text` names a recorded run (`12`, `latest`, `latest~2`, `previous`, `approved`)."""
    return _REF.match(text) is not None


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Ledger:
    """An open ledger. Use `Ledger.open(url)` as a context manager; it closes its connections."""

    def __init__(self, target: database.Target, engine: Engine, timeout: float) -> None:
        self.target = target
        self.engine = engine
        self.timeout = timeout

    @classmethod
    def open(
        cls, url: str, *, write: bool = False, timeout: float = database.DEFAULT_TIMEOUT
    ) -> Ledger:
        """Open the ledger at `url`; with `write`, create its schema if the database is empty.

        Raises SchemaOutdated when the ledger needs `govern ledger upgrade` and SchemaTooNew when a
        newer govern made it; nothing is changed in either case.
        """
        target = database.parse(url)
        engine = database.connect(target, write=write, timeout=timeout)
        ledger = cls(target, engine, timeout)
        try:
            ledger._ready(create=write)
        except BaseException:
            engine.dispose()
            raise
        return ledger

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- transactions --------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, action: str, *, write: bool = False) -> Iterator[Connection]:
        with database.translated(self.target, action, self.timeout), self.engine.connect() as conn:
            if write:
                conn.execution_options(**{database.WRITE_OPTION: True})
            elif self.target.postgres:
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    def _ready(self, *, create: bool) -> None:
        with self._transaction("opening the ledger") as conn:
            state = migrate.state(conn, self.target.display)
        if state == "current":
            return
        if not create:
            raise NoLedger(
                f"no ledger in {self.target.display}: nothing has been recorded there yet "
                "(record with `govern check --record`)"
            )
        with self._transaction("creating the ledger", write=True) as conn:
            migrate.lock(conn)
            if migrate.state(conn, self.target.display) == "empty":  # another process may have won
                migrate.upgrade(conn)

    @classmethod
    def upgrade_schema(
        cls, url: str, *, timeout: float = database.DEFAULT_TIMEOUT
    ) -> tuple[str, str]:
        """Bring a ledger's schema to this govern's revision, all in one transaction: (from, to).

        Migrations only add: a row's digest covers the columns of its own row format, so no
        recorded run changes and the chain stays valid.
        """
        target = database.parse(url)
        if target.path is not None and not target.path.is_file():
            raise NoLedger(f"no ledger at {target.path}: nothing to upgrade")
        engine = database.connect(target, write=True, timeout=timeout)
        with (
            cls(target, engine, timeout) as ledger,
            ledger._transaction("upgrading the ledger", write=True) as conn,
        ):
            migrate.lock(conn)
            found = migrate.revision(conn)
            if found is None:
                raise NoLedger(f"no ledger in {target.display}: nothing to upgrade")
            migrate.ensure_known(found, target.display)
            if found != migrate.HEAD:
                migrate.upgrade(conn)
        return found, migrate.HEAD

    # -- append --------------------------------------------------------------------------------

    def append(
        self,
        assessment: Assessment,
        fairness: Sequence[FairnessMetric] = (),
        now: Clock = _utcnow,
    ) -> RecordedRun:
        """Append one assessment at the end of the chain; all of its rows are written, or none."""
        entry = prepare(assessment, fairness)
        columns = entry.columns()
        with self._transaction("recording the assessment", write=True) as conn:
            head, stored = self._lock_head(conn, sorted(set(entry.parts.values())))
            recorded_at = now().astimezone(dt.UTC)
            run_id = head.run_id + 1
            digest = row_digest(columns, recorded_at)
            link = chain_hash(head.chain_hash, digest)
            blobs.store(conn, entry.parts, entry.blobs, stored)
            with self._pipelined(conn, commit=True):
                # The system's row is written by its first run (the head lock serialises appenders).
                system = (entry.system_id, entry.system_name, recorded_at)
                _plain_insert(conn, SYSTEMS, _SYSTEM_COLUMNS, [system], unless_exists="id")
                row = {
                    "id": run_id,
                    **columns,
                    "recorded_at": recorded_at,
                    "digest": digest,
                    "prev_hash": head.chain_hash,
                    "chain_hash": link,
                }
                _plain_insert(conn, A, list(row), [tuple(row.values())])
                self._insert_children(conn, run_id, entry.children)
                mark = _mark(conn)
                conn.exec_driver_sql(
                    f"UPDATE {HEAD.name} SET run_id = {mark}, chain_hash = {mark} WHERE id = 1",  # noqa: S608
                    (run_id, link),
                )
        return RecordedRun(
            run_id=run_id,
            chain_hash=link,
            system_id=entry.system_id,
            system_version=entry.system_version,
            recorded_at=recorded_at,
            database=self.target.display,
        )

    @contextmanager
    def _pipelined(self, conn: Connection, *, commit: bool = False) -> Iterator[None]:
        """On Postgres, send the statements that need no answer in between in one round trip.

        With `commit`, the COMMIT goes in the same round trip; the transaction's own commit
        afterwards then sends nothing (psycopg skips COMMIT when no transaction is open). An
        error the server reports at the end is raised as SQLAlchemy would have raised it, so
        the transaction rolls back and the message names the database like any other.
        """
        if not self.target.postgres:
            yield
            return
        import psycopg

        _quiet_pipeline_exit()
        driver = conn.connection.driver_connection
        try:
            with driver.pipeline():  # type: ignore[union-attr]
                yield
                if commit:
                    driver.commit()  # type: ignore[union-attr]
        except psycopg.Error as error:
            raise sa_exc.DBAPIError.instance(
                "pipelined append", None, error, psycopg.Error
            ) from error

    def _lock_head(self, conn: Connection, part_keys: list[str]) -> tuple[Head, set[str]]:
        """The chain head, locked until commit, and which of `part_keys` the ledger already holds.

        Blobs are never deleted, so looking them up under the lock or before it gives the same
        answer. On Postgres the lock timeout, the head and the lookup go in one round trip.
        """
        if self.target.postgres:
            row, stored = self._lock_head_pipelined(conn, part_keys)
        else:
            query = select(HEAD.c.run_id, HEAD.c.chain_hash).where(HEAD.c.id == 1)
            row = conn.execute(query.with_for_update()).first()
            stored = blobs.stored(conn, part_keys)
        if row is None:
            raise LedgerCorrupt(
                f"{self.target.display}: the chain head row is missing, so nothing can be "
                "appended safely; run `govern ledger verify`"
            )
        return Head(row[0], row[1]), stored

    def _lock_head_pipelined(
        self, conn: Connection, part_keys: list[str]
    ) -> tuple[Sequence[Any] | None, set[str]]:
        driver = conn.connection.driver_connection
        # Wait for the previous appender at most `timeout`, then fail with a clear message.
        timeout = f"SET LOCAL lock_timeout = '{int(self.timeout * 1000)}ms'"
        head = f"SELECT run_id, chain_hash FROM {HEAD.name} WHERE id = 1 FOR UPDATE"  # noqa: S608
        lookup = f"SELECT sha256 FROM {blobs.BLOBS.name} WHERE sha256 = ANY(%s)"  # noqa: S608
        with self._pipelined(conn):
            driver.execute(timeout)  # type: ignore[union-attr]
            head_cursor = driver.execute(head)  # type: ignore[union-attr]
            lookup_cursor = driver.execute(lookup, (part_keys,))  # type: ignore[union-attr]
        return head_cursor.fetchone(), {key for (key,) in lookup_cursor.fetchall()}

    def _insert_children(
        self, conn: Connection, run_id: int, children: Mapping[str, list[dict[str, Any]]]
    ) -> None:
        """One executemany per group of child rows (see _plain_insert)."""
        for name, rows in children.items():
            if rows:
                columns = ("assessment_id", *CHILD_COLUMNS[name])
                values = [(run_id, *(row[c] for c in columns[1:])) for row in rows]
                _plain_insert(conn, CHILDREN[name], columns, values)

    # -- verify --------------------------------------------------------------------------------

    def verify(self, anchors: Sequence[Anchor] = ()) -> ChainReport:
        """Recompute every digest and link from the stored rows, in one consistent snapshot.

        Rows are read in batches and each shared blob is hashed once: memory stays flat however
        long the ledger is.
        """
        with self._transaction("verifying the ledger") as conn:
            row = conn.execute(select(HEAD.c.run_id, HEAD.c.chain_hash)).first()
            runs, last = conn.execute(select(func.count(A.c.id), func.max(A.c.id))).one()
            last = last or 0
            if row is not None and not (
                isinstance(row.run_id, int) and isinstance(row.chain_hash, str)
            ):  # SQLite keeps text in an integer column
                garbled = Problem(
                    last, "edited", "the chain head row holds values govern never writes"
                )
                return ChainReport(runs, None, garbled, runs)
            head = Head(row.run_id, row.chain_hash) if row else None
            stream = ((link.run_id, link) for link in self._links(conn))
            report = verify(stream, head, anchors, rows=_StoredRows(conn), runs=runs)
            problem = systems_problem(*self._system_facts(conn), last) if report.valid else None
            if problem is None:
                return report
            before = conn.execute(select(func.count(A.c.id)).where(A.c.id < problem.run_id))
            return dataclasses.replace(report, problem=problem, checked=before.scalar_one())

    def _system_facts(self, conn: Connection) -> tuple[dict[str, FirstRun], list[SystemRecord]]:
        """Each system's first run (hashed) and the govern_systems rows that should repeat it."""
        first = (
            select(A.c.system_id, func.min(A.c.id).label("run_id"))
            .group_by(A.c.system_id)
            .subquery()
        )
        query = select(A.c.id, A.c.system_id, A.c.system_name, A.c.recorded_at).join(
            first, A.c.id == first.c.run_id
        )
        runs = {
            r.system_id: FirstRun(r.id, r.system_name, r.recorded_at) for r in conn.execute(query)
        }
        rows = _readable(conn, select(SYSTEMS.c.id, SYSTEMS.c.name, SYSTEMS.c.first_recorded_at))
        if rows is None:  # a time that cannot be read is not the time of any run
            rows = [
                {**r, "first_recorded_at": None}
                for r in conn.execute(select(SYSTEMS.c.id, SYSTEMS.c.name)).mappings()
            ]
        stored = [SystemRecord(r["id"], r["name"], r["first_recorded_at"]) for r in rows]
        return runs, stored

    def _links(self, conn: Connection) -> Iterator[Link]:
        last: int | None = None
        checker = blobs.Checker(conn)
        while True:
            ids = select(A.c.id).order_by(A.c.id).limit(_VERIFY_BATCH)
            if last is not None:
                ids = ids.where(A.c.id > last)
            batch = list(conn.execute(ids).scalars())
            if not batch:
                return
            rows = _readable(conn, select(A).where(A.c.id.between(batch[0], batch[-1])))
            by_id = {row["id"]: row for row in rows} if rows is not None else {}
            children = self._children(conn, batch[0], batch[-1])
            named = {run_id: _parts(row) for run_id, row in by_id.items()}
            checker.forget()
            checker.check(parts for parts in named.values() if parts is not None)
            for run_id in batch:
                row = by_id.get(run_id) or _first(
                    _readable(conn, select(A).where(A.c.id == run_id))
                )
                if row is None:
                    yield self._unreadable_link(conn, run_id)
                    continue
                parts = named.get(run_id)
                yield Link(
                    run_id=row["id"],
                    prev_hash=row["prev_hash"],
                    digest=row["digest"],
                    chain_hash=row["chain_hash"],
                    content_problem=content_problem(
                        row,
                        row["recorded_at"],
                        row["digest"],
                        unpack(row["document"]),
                        {name: groups.get(row["id"], []) for name, groups in children.items()},
                        None if parts is None else checker.problem(parts),
                    ),
                )
            last = batch[-1]

    def _unreadable_link(self, conn: Connection, run_id: int) -> Link:
        """A row with a value its column's type cannot hold (a date of 'garbage', an infinity)."""
        hashes = select(A.c.prev_hash, A.c.digest, A.c.chain_hash).where(A.c.id == run_id)
        row = conn.execute(hashes).one()
        return Link(
            run_id=run_id,
            prev_hash=row.prev_hash,
            digest=row.digest,
            chain_hash=row.chain_hash,
            content_problem="its columns hold values govern never writes (they cannot be read)",
        )

    def _children(
        self, conn: Connection, first: int, last: int
    ) -> dict[str, dict[int, list[dict[str, Any]]]]:
        """Each run's child rows, read with the plain driver: no statement compiled, no row objects.

        SQLite hands booleans back as 0 and 1 and dates as text; govern wrote `true`/`false` and
        ISO dates, which is what the digest is over, so 0 and 1 become booleans and any other
        value is hashed as found (a date's text is its ISO form, or it was changed).
        """
        grouped: dict[str, dict[int, list[dict[str, Any]]]] = {}
        # The DBAPI cursor of this transaction's connection: the same snapshot, without a
        # SQLAlchemy row object per child row (a third of the time of reading them).
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        unreadable = (*_CONVERSION_ERRORS, conn.dialect.loaded_dbapi.DataError)
        try:
            for name, table in CHILDREN.items():
                try:
                    cursor.execute(self._children_sql(conn, name), (first, last))
                    grouped[name] = self._grouped(name, cursor.fetchall())
                except unreadable:  # one run's rows hold a value that cannot be read
                    names = CHILD_COLUMNS[name]
                    grouped[name] = self._children_one_by_one(conn, table, names, (first, last))
        finally:
            cursor.close()
        return grouped

    @staticmethod
    def _children_sql(conn: Connection, name: str) -> str:
        mark, selected = _mark(conn), ", ".join(CHILD_COLUMNS[name])
        where = f"assessment_id BETWEEN {mark} AND {mark}"
        # Table and column names are govern's constants; the run ids are bound.
        sql = f"SELECT assessment_id, {selected} FROM {CHILDREN[name].name} WHERE {where}"  # noqa: S608
        return sql + " ORDER BY assessment_id, position"

    def _grouped(self, name: str, rows: Sequence[Sequence[Any]]) -> dict[int, list[dict[str, Any]]]:
        """Child rows as the dicts their digest is over, grouped by run."""
        names = CHILD_COLUMNS[name]
        flags = (
            []
            if self.target.postgres
            else [i for i, n in enumerate(names) if n in _BOOLEAN_COLUMNS]
        )
        groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            values = row[1:]
            if flags:
                values = list(values)
                for index in flags:
                    values[index] = _boolean(values[index])
            groups[row[0]].append(dict(zip(names, values, strict=True)))
        return groups

    @staticmethod
    def _children_one_by_one(
        conn: Connection,
        table: Any,
        names: Sequence[str],
        runs: tuple[int, int],
    ) -> defaultdict[int, list[dict[str, Any]]]:
        """Each run's child rows read on their own, to find the run whose value cannot be read."""
        columns = [table.c[column] for column in names]
        query = select(*columns).order_by(table.c.position)
        groups: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
        for run_id in range(runs[0], runs[1] + 1):
            found = _readable(conn, query.where(table.c.assessment_id == run_id))
            if found is None:
                groups[run_id].append(dict(_UNREADABLE))
                continue
            groups[run_id] += [{c: row[c] for c in names} for row in found]
        return groups

    # -- reading -------------------------------------------------------------------------------

    def systems(self) -> list[SystemSummary]:
        """Every system with runs, from the hashed run rows (govern_systems is not hashed).

        The name is the one its newest run recorded.
        """
        runs = (
            select(A.c.system_id, func.count(A.c.id).label("runs"), func.max(A.c.id).label("last"))
            .group_by(A.c.system_id)
            .subquery()
        )
        query = (
            select(runs.c.system_id, A.c.system_name, runs.c.runs, runs.c.last)
            .join(A, A.c.id == runs.c.last)
            .order_by(runs.c.system_id)
        )
        with self._transaction("reading the ledger") as conn:
            return [SystemSummary(r[0], r[1], r[2], r[3]) for r in conn.execute(query)]

    def pick_system(self, system_id: str | None) -> str:
        """The system asked for, or the only one recorded; otherwise say which ones there are."""
        systems = self.systems()
        known = [s.id for s in systems]
        if system_id is not None:
            if system_id not in known:
                listed = ", ".join(known) or "none yet"
                raise RunNotFound(
                    f"{self.target.display} has no runs of system {system_id!r} "
                    f"(recorded: {listed})"
                )
            return system_id
        if len(known) == 1:
            return known[0]
        if not known:
            raise NoLedger(f"{self.target.display} has no recorded runs yet")
        raise RunNotFound(
            f"{self.target.display} holds several systems ({', '.join(known)}); name one "
            "(govern history SYSTEM, govern diff --system SYSTEM, or GOVERN_SYSTEM)"
        )

    def history(self, system_id: str, limit: int | None = None) -> list[HistoryEntry]:
        """The system's runs, oldest first (the newest `limit` of them)."""
        query = select(A.c.id, A.c.recorded_at, A.c.system_version, A.c.verdict, A.c.as_of).where(
            A.c.system_id == system_id
        )
        query = query.order_by(A.c.id.desc())
        if limit is not None:
            query = query.limit(capped(limit))
        with self._transaction("reading the history") as conn:
            runs = list(reversed(conn.execute(query).all()))
            if not runs:
                return []
            first = runs[0].id
            counts = self._finding_counts(conn, system_id, first)
            fairness = self._key_fairness(conn, system_id, first)
        entries = []
        for run in runs:
            tally = counts.get(run.id, {})
            entries.append(
                HistoryEntry(
                    run_id=run.id,
                    recorded_at=_utc(run.recorded_at),
                    system_id=system_id,
                    version=run.system_version,
                    verdict=run.verdict,
                    as_of=run.as_of,
                    failures={
                        s: sum(tally.get((s, st), 0) for st in FAILURE_STATUSES) for s in SEVERITIES
                    },
                    needs_attestation=sum(
                        tally.get((s, "needs_attestation"), 0) for s in SEVERITIES
                    ),
                    waived=sum(tally.get((s, "waived"), 0) for s in SEVERITIES),
                    fairness=worst(fairness.get(run.id, [])),
                )
            )
        return entries

    def _finding_counts(
        self, conn: Connection, system_id: str, first: int
    ) -> dict[int, dict[tuple[str, str], int]]:
        query = (
            select(FINDINGS.c.assessment_id, FINDINGS.c.severity, FINDINGS.c.status, func.count())
            .select_from(FINDINGS.join(A, A.c.id == FINDINGS.c.assessment_id))
            # The bound on the child's own key lets the planner range-scan its primary key.
            .where(
                and_(A.c.system_id == system_id, A.c.id >= first, FINDINGS.c.assessment_id >= first)
            )
            .group_by(FINDINGS.c.assessment_id, FINDINGS.c.severity, FINDINGS.c.status)
        )
        counts: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
        for run_id, severity, status, n in conn.execute(query):
            counts[run_id][(severity, status)] = n
        return counts

    def _key_fairness(
        self, conn: Connection, system_id: str, first: int
    ) -> dict[int, list[FairnessMetric]]:
        query = (
            select(FAIRNESS)
            .select_from(FAIRNESS.join(A, A.c.id == FAIRNESS.c.assessment_id))
            .where(
                and_(
                    A.c.system_id == system_id,
                    A.c.id >= first,
                    FAIRNESS.c.assessment_id >= first,
                    FAIRNESS.c.method == "between_groups",
                    FAIRNESS.c.metric.in_(KEY_METRICS),
                )
            )
        )
        found: dict[int, list[FairnessMetric]] = defaultdict(list)
        for row in conn.execute(query).mappings():
            found[row["assessment_id"]].append(_metric(row))
        return found

    def resolve(self, reference: str, system_id: str | None) -> int:
        """The run id a reference names: an id, `latest`, `latest~N`, `previous` or `approved`.

        `approved` is the newest passing run before the latest one: what "since the last
        approved release" compares against.
        """
        match = _REF.match(reference)
        if match is None:
            raise RunNotFound(
                f"{reference!r} is not a run id, latest, latest~N, previous or approved"
            )
        if match["id"] is not None:
            run_id = bounded(match["id"], "run id")
            if not storable(run_id, self.target.postgres):
                raise RunNotFound(f"{self.target.display} has no run {run_id}")
            with self._transaction("reading the ledger") as conn:
                if conn.execute(select(A.c.id).where(A.c.id == run_id)).first() is None:
                    raise RunNotFound(f"{self.target.display} has no run {run_id}")
            return run_id
        system = self.pick_system(system_id)
        back = 1 if reference == "previous" else bounded(match["back"] or "0", "latest~N: N")
        query = select(A.c.id, A.c.verdict).where(A.c.system_id == system).order_by(A.c.id.desc())
        with self._transaction("reading the ledger") as conn:
            if reference == "approved":
                rows = conn.execute(query.limit(1)).all()
                passing = query.where(A.c.verdict == "pass")
                if rows:
                    passing = passing.where(A.c.id < rows[0].id)
                found = conn.execute(passing.limit(1)).first()
                if found is None:
                    raise RunNotFound(f"no passing run of {system} before its latest run")
                return int(found.id)
            found = conn.execute(query.offset(back).limit(1)).first()
        if found is None:
            raise RunNotFound(f"{system} has fewer than {back + 1} recorded runs ({reference})")
        return int(found.id)

    def snapshot(self, run_id: int) -> Snapshot:
        """A recorded run as diff takes it: the assessment and its fairness metrics."""
        with self._transaction("reading the ledger") as conn:
            row = conn.execute(
                select(
                    A.c.document,
                    A.c.document_sha256,
                    A.c.recorded_at,
                    A.c.row_format,
                    A.c.parts,
                ).where(A.c.id == run_id)
            ).first()
            if row is None:
                raise RunNotFound(f"{self.target.display} has no run {run_id}")
            metrics = [
                _metric(m)
                for m in conn.execute(
                    select(FAIRNESS)
                    .where(FAIRNESS.c.assessment_id == run_id)
                    .order_by(FAIRNESS.c.position)
                ).mappings()
            ]
            text = self._document(conn, run_id, row._mapping)
        try:
            assessment = Assessment.model_validate_json(text)
        except ValueError as error:
            raise LedgerError(
                f"{self.target.display}: run {run_id} was recorded by a govern whose assessment "
                f"format this one cannot read ({str(error).splitlines()[0]}); upgrade govern"
            ) from error
        return Snapshot(
            label=f"run {run_id}",
            assessment=assessment,
            fairness=metrics,
            run_id=run_id,
            recorded_at=_utc(row.recorded_at),
        )

    def _document(self, conn: Connection, run_id: int, row: Mapping[Any, Any]) -> bytes:
        """A run's whole assessment JSON, every piece checked against the digests it is under."""
        skeleton = unpack(row["document"])
        problem = None
        parts = _parts(row)
        if skeleton is None or sha256_hex(skeleton) != row["document_sha256"]:
            problem = "its assessment does not match its digest"
        elif parts is not None:
            checker = blobs.Checker(conn)
            checker.check([parts])
            problem = checker.problem(parts)
            if problem is None:
                skeleton = join(skeleton, parts, checker.data)
        if problem is not None or skeleton is None:
            raise LedgerError(
                f"{self.target.display}: run {run_id}: {problem}; run `govern ledger verify`"
            )
        return skeleton


class _StoredRows:
    """The chain's rows looked up in the database, to name what a broken link means."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def find(self, chain_hash: str) -> tuple[int, Link] | None:
        return self._one(select(*_HASHES).where(A.c.chain_hash == chain_hash))

    def after(self, position: int) -> tuple[int, Link] | None:
        return self._one(select(*_HASHES).where(A.c.id > position).order_by(A.c.id).limit(1))

    def _one(self, query: Select[Any]) -> tuple[int, Link] | None:
        row = self.conn.execute(query).first()
        if row is None:
            return None
        return row.id, Link(row.id, row.prev_hash, row.digest, row.chain_hash)


_HASHES = (A.c.id, A.c.prev_hash, A.c.digest, A.c.chain_hash)


def _parts(row: Mapping[Any, Any]) -> dict[str, str] | None:
    """The parts a row names, or None for row format 1 or a garbled row (its digest says so)."""
    try:
        return parts_of(row)
    except (ValueError, TypeError, KeyError):
        return None


def _metric(row: Mapping[Any, Any]) -> FairnessMetric:
    return FairnessMetric(
        report=row["report"],
        feature=row["feature"],
        metric=row["metric"],
        method=row["method"],
        value=row["value"],
        lower=row["lower"],
        upper=row["upper"],
    )


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands times back without a zone; govern stores them all in UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


class _SecondPipelineError(logging.Filter):
    """Drops psycopg's warning that leaving a failed pipeline failed again.

    When a statement fails inside the batch, the error raised is the statement's and govern
    reports it in one line; psycopg then logs that the pipeline's closing sync failed too (the
    same abort, seen twice), which would print a second, raw line on stderr.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("error ignored terminating")


def _quiet_pipeline_exit() -> None:
    logger = logging.getLogger("psycopg")
    if not any(isinstance(f, _SecondPipelineError) for f in logger.filters):
        logger.addFilter(_SecondPipelineError())


_SYSTEM_COLUMNS = ("id", "name", "first_recorded_at")
_Processor = Callable[[Any], Any]


def _plain_insert(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: list[tuple[Any, ...]],
    unless_exists: str | None = None,
) -> None:
    """Rows through the plain driver in one executemany, each value converted by SQLAlchemy's
    own bind processor for its column, so the stored bytes are those SQLAlchemy would write
    (sqlite3's own date adapter, for one, is deprecated and differs).

    An append's few statements cost several times more compiled by SQLAlchemy than sent as
    they are. With `unless_exists`, a row whose key column is taken is left as it is.
    """
    convert = _bind_processors(conn.dialect, table)
    steps = [(i, p) for i, name in enumerate(columns) if (p := convert[name]) is not None]
    if steps:
        rows = [_converted(row, steps) for row in rows]
    marks = ", ".join([_mark(conn)] * len(columns))
    # Table and column names are govern's constants; every value is bound.
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    if unless_exists:
        sql += f" ON CONFLICT ({unless_exists}) DO NOTHING"
    conn.exec_driver_sql(sql, rows)


def _converted(row: tuple[Any, ...], steps: list[tuple[int, _Processor]]) -> tuple[Any, ...]:
    values = list(row)
    for index, processor in steps:
        values[index] = processor(values[index])
    return tuple(values)


_Processors = dict[str, _Processor | None]
# Keyed by dialect and driver, not by dialect object: every opened ledger has its own.
_PROCESSORS: dict[tuple[str, str, str], _Processors] = {}


def _bind_processors(dialect: Dialect, table: Table) -> _Processors:
    key = (dialect.name, dialect.driver, table.name)
    if key not in _PROCESSORS:
        columns = table.columns
        # The dialect's own type (SQLite's DATETIME, say): a generic type has no processor.
        _PROCESSORS[key] = {
            column.name: column.type.dialect_impl(dialect).bind_processor(dialect)
            for column in columns
        }
    return _PROCESSORS[key]


def _mark(conn: Connection) -> str:
    """The driver's placeholder: sqlite3 takes `?`, psycopg `%s`."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


# Child columns SQLite stores as 0 or 1.
_BOOLEAN_COLUMNS = frozenset({"blocking", "gating", "applied"})


def _boolean(value: object) -> object:
    """0 and 1 as the booleans govern wrote; anything else as found, so that its digest differs."""
    return bool(value) if type(value) is int and value in (0, 1) else value


# Stands in for child rows that cannot be read: no recorded group of rows has this digest.
_UNREADABLE = {"unreadable": True}
# What a driver raises for a stored value its column's type cannot hold: SQLite keeps any text in
# a DATE column, Postgres keeps 'infinity', and neither converts back to a Python value.
_CONVERSION_ERRORS = (ValueError, TypeError, OverflowError, sa_exc.DataError)


def _readable(conn: Connection, query: Select[Any]) -> list[Mapping[Any, Any]] | None:
    """The rows of `query`, or None when one of their values cannot be converted."""
    try:
        return list(conn.execute(query).mappings().all())
    except _CONVERSION_ERRORS:
        return None


def _first(rows: list[Mapping[Any, Any]] | None) -> Mapping[Any, Any] | None:
    return rows[0] if rows else None
