"""The pages: portfolio, system, diff, report downloads, verify and ledger health."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from govern.engine.assessment import STATUSES, Assessment, RuleResult
from govern.serve import portfolio, reads, uploads
from govern.serve.security import CSRF_COOKIE, CSRF_FIELD, csrf_ok, limited_body
from govern.serve.trend import sparkline

if TYPE_CHECKING:
    from govern.serve.app import Server

_MAX_KEY = 64 * 1024


def routes(server: Server) -> list[Route]:
    """Each handler closes over the server, so no global state is shared between apps."""
    handlers = Handlers(server)
    return [
        Route("/", handlers.portfolio, methods=["GET"]),
        Route("/systems/{system_id}", handlers.system, methods=["GET"]),
        Route("/systems/{system_id}/diff", handlers.diff, methods=["GET"]),
        Route("/runs/{run_id:int}", handlers.run, methods=["GET"]),
        Route("/runs/{run_id:int}/{name}", handlers.download, methods=["GET"]),
        Route("/verify", handlers.verify_form, methods=["GET"]),
        Route("/verify", handlers.verify, methods=["POST"]),
        Route("/ledger", handlers.ledger, methods=["GET"]),
    ]


def by_framework(assessment: Assessment) -> list[tuple[str, str, list[RuleResult]]]:
    """(framework id, title, results) in the order the assessment lists its frameworks.

    Within a framework, what needs attention comes first (fail, error, insufficient evidence,
    needs attestation, waived), then passes; the rule order is kept within a status.
    """
    titles = {f.framework: f.title for f in assessment.summary.frameworks}
    grouped: dict[str, list[RuleResult]] = defaultdict(list)
    for result in assessment.results:
        grouped[result.framework or "other"].append(result)
    order = [*titles, *(k for k in grouped if k not in titles)]
    rank = {status: i for i, status in enumerate(STATUSES)}
    return [
        (k, titles.get(k, "Other rules"), sorted(grouped[k], key=lambda r: rank[r.status]))
        for k in order
        if grouped.get(k)
    ]


def fairness_views(assessment: Assessment) -> tuple[object, ...]:
    """The report's own fairness views (tables and charts from report/charts.py)."""
    from govern.report.context import ReportFiles, build_context

    context = build_context(assessment, "", "", ReportFiles())
    return context.fairness


class Handlers:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.config = server.config
        self.pages = server.pages

    async def portfolio(self, request: Request) -> Response:
        filters = portfolio.Filters.parse(dict(request.query_params))
        rows = await self.server.call(
            reads.systems, self.config.db_url, self.server.snapshots, self.config.today()
        )
        return self.pages.render(
            request,
            "portfolio.html.j2",
            systems=portfolio.select(rows, filters),
            total=len(rows),
            filters=filters,
            frameworks=sorted({f for r in rows for f in r.frameworks}),
            tiers=sorted({r.tier for r in rows}),
            owners=sorted({o for r in rows for o in r.owners}),
            sparkline=sparkline,
            sort_choices=portfolio.SORT_CHOICES,
            today=self.config.today(),
        )

    async def system(self, request: Request) -> Response:
        page = await self.server.call(
            reads.system,
            self.config.db_url,
            self.server.snapshots,
            request.path_params["system_id"],
        )
        assessment = page.latest.assessment
        charts = await self.server.call(fairness_views, assessment)
        return self.pages.render(
            request,
            "system.html.j2",
            latest=page.latest,
            a=assessment,
            history=list(reversed(page.history)),
            groups=by_framework(assessment),
            fairness=charts,
            failing=portfolio.failing_blocking(assessment),
        )

    async def diff(self, request: Request) -> Response:
        from govern.render.history import diff_text

        system_id = request.path_params["system_id"]
        before = request.query_params.get("before", "previous")
        after = request.query_params.get("after", "latest")
        diff = await self.server.call(
            reads.diff, self.config.db_url, self.server.snapshots, system_id, before, after
        )
        return self.pages.render(
            request, "diff.html.j2", system_id=system_id, diff=diff, text=diff_text(diff)
        )

    async def run(self, request: Request) -> Response:
        run_id = request.path_params["run_id"]
        snapshot = await self.server.call(
            reads.run, self.config.db_url, self.server.snapshots, run_id
        )
        return self.pages.render(request, "run.html.j2", run_id=run_id, snapshot=snapshot)

    async def download(self, request: Request) -> Response:
        from govern.serve.reports import MEDIA, NAMES

        run_id, name = request.path_params["run_id"], request.path_params["name"]
        kind = next((k for k, n in NAMES.items() if n == name), None)
        if kind is None:
            raise HTTPException(404, f"run {run_id} has no file {name!r}")
        found = await self.server.call(
            reads.report_run, self.config.db_url, self.server.snapshots, run_id
        )
        snapshot = found.snapshot
        files = await self.server.call(
            self.server.reports.files, run_id, snapshot.assessment, found.since_approved
        )
        if kind == "envelope" and not files.signed:
            raise HTTPException(404, "this server has no signing key: the report is unsigned")
        system = snapshot.assessment.system.id
        filename = f"{system}-run-{run_id}-{name}"
        return FileResponse(
            files.path(kind),
            media_type=MEDIA[kind],
            filename=filename,
            content_disposition_type="attachment",
        )

    async def verify_form(self, request: Request) -> Response:
        return self.pages.render(request, "verify.html.j2", outcome=None, problem=None)

    async def verify(self, request: Request) -> Response:
        await limited_body(request, self.config.max_upload)
        form = await request.form(max_files=2, max_fields=4)
        if not csrf_ok(self.config.secret, request.cookies.get(CSRF_COOKIE), form.get(CSRF_FIELD)):
            return self.pages.render(
                request,
                "verify.html.j2",
                403,
                outcome=None,
                problem="The form expired or came from another site: load this page and try again.",
            )
        report, key = form.get("report"), form.get("key")
        if not isinstance(report, UploadFile) or not report.filename:
            return self._verify_problem(request, "Choose the report PDF to verify.")
        key_bytes = await self._key(key)
        if key_bytes is None:
            return self._verify_problem(
                request, "Choose the signer's public key (.pub or .crt) you trust."
            )
        data = await report.read()
        outcome = await self.server.call(uploads.verify_upload, report.filename, data, key_bytes)
        return self.pages.render(request, "verify.html.j2", outcome=outcome, problem=None)

    async def _key(self, key: object) -> bytes | None:
        """The uploaded key, else the one the server was told to trust, else None."""
        if isinstance(key, UploadFile) and key.filename:
            return (await key.read())[:_MAX_KEY]
        if self.config.trusted_key is not None:
            return self.config.trusted_key.read_bytes()[:_MAX_KEY]
        return None

    def _verify_problem(self, request: Request, problem: str) -> Response:
        return self.pages.render(request, "verify.html.j2", 400, outcome=None, problem=problem)

    async def ledger(self, request: Request) -> Response:
        """The chain verified, and against an anchor the officer wrote down, when one is given."""
        from govern.errors import UsageError
        from govern.store.chain import Anchor

        given = request.query_params.get("anchor", "").strip()[:200]
        anchors = []
        if given:
            try:
                anchors.append(Anchor.parse(given))
            except (ValueError, UsageError) as exc:
                return self.pages.error(request, 400, f"anchor: {exc}")
        health = await self.server.call(reads.health, self.config.db_url, anchors)
        return self.pages.render(request, "ledger.html.j2", health=health, anchor=given)
