"""Time `govern report` (render and sign) against WeasyPrint rendering the same HTML on its own.

Run by hand:  python benchmarks/report.py [--runs N] [--rules 200]

Two cases: the credit-scoring example, and a generated system with a pack of N controls (200 by
default, about fifty pages: failures with findings, attestations, a fairness section). For each it
prints the median seconds of every stage, the page count, and the ratio of govern's whole report
(HTML + PDF/A with attachment + PAdES + DSSE) to WeasyPrint alone on the identical HTML: the cost
of what govern adds on top of layout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 25)


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def generated_system(folder: Path, rules: int) -> Path:
    """The credit-scoring evidence with a pack of `rules` controls in four kinds, a quarter each."""
    from govern.reference import load_catalogue

    system = folder / "generated"
    shutil.copytree(
        REPO / "examples" / "credit-scoring",
        system,
        ignore=lambda d, names: ["data"] if Path(d).name == "credit-scoring" else [],
    )
    catalogue = load_catalogue("eu-ai-act")
    provisions = [p.id for p in catalogue.provisions.values() if p.kind == "obligation"]
    controls = ["qms", "ai_literacy", "internal_audit", "no_such_control", "another_missing"]
    lines = []
    for i in range(rules):
        kind = i % 4
        if kind == 0:
            check = "{present: model_card.identity.name}"
        elif kind == 1:
            check = f"{{min: {{path: model_card.logging.retention_days, value: {1800 + i * 10}}}}}"
        elif kind == 2:
            check = (
                f"{{attestation: {{control: {controls[i % len(controls)]}, max_age_days: 365}}}}"
            )
        else:
            check = "{present: 'datasets[*].bias_examination.method'}"
        lines.append(
            textwrap.dedent(
                f"""\
                - id: BENCH-{i:03d}-CONTROL
                  title: Generated control {i} that checks one documented obligation of the system
                  refs: {{eu-ai-act: ["{provisions[i % len(provisions)]}"]}}
                  severity: {("critical", "high", "medium", "low")[i % 4]}
                  check: {check}
                  remediation: >-
                    Record the evidence this control needs in the model card or the dataset record,
                    or attest the process under the named control, and run the report again.
                """
            )
        )
    lines.append(
        textwrap.dedent(
            """\
            - id: BENCH-FAIRNESS-GATE
              title: Selection-rate ratio between groups at or above the four-fifths preset
              refs: {eu-ai-act: ["Art.10(2)(f)"]}
              severity: high
              params: {min_ratio: 0.8}
              check:
                min:
                  path: "fairness[*].features[*].disparities.demographic_parity_ratio.\\
                    between_groups"
                  value: {param: min_ratio}
                  ci: interval
              remediation: Mitigate and re-run govern fairness.
            """
        )
    )
    pack = system / "bench-pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text(
        "id: bench\ntitle: Generated benchmark pack\nversion: 1.0.0\nframework: eu-ai-act\n"
    )
    (pack / "rules.yaml").write_text("".join(lines))
    manifest = system / "govern.yaml"
    data = yaml.safe_load(manifest.read_text())
    data.update(frameworks=["eu-ai-act"], policies=["./bench-pack"])
    manifest.write_text(yaml.safe_dump(data, sort_keys=False))
    return system


@dataclass
class Row:
    case: str
    pages: int
    stages: dict[str, float]
    weasyprint: float

    @property
    def govern_total(self) -> float:
        return sum(v for k, v in self.stages.items() if k != "assess")


def measure(case: str, system: Path, out: Path, runs: int) -> Row:
    import weasyprint

    from govern.cli.report import _assess
    from govern.engine.evaluate import EngineOptions
    from govern.report.build import Outputs, render_report
    from govern.report.context import Signer
    from govern.report.html import TemplateSet, render_html
    from govern.report.pdf import Attachment, render_pdf
    from govern.sign import pades
    from govern.sign.files import sign_report
    from govern.sign.keys import generate_keys, load_signing_key
    from govern.sign.statement import report_predicate

    keys = generate_keys(out / "key", certificate_subject="Benchmark signer", overwrite=True)
    key = load_signing_key(keys.private_key, cert_path=keys.certificate)
    templates = TemplateSet.load()

    t_assess, (assessment, _) = median_time(
        lambda: _assess(system, EngineOptions(as_of=AS_OF), []), runs
    )
    signer = Signer(key.keyid, key.certificate_subject)
    base = render_report(assessment, templates, Outputs(json=out / "r.json"), signer)
    t_html, html = median_time(lambda: render_html(base.context, templates), runs)
    attachment = Attachment("assessment.json", base.json, "application/json", "assessment")
    t_pdf, pdf = median_time(lambda: render_pdf(html, AS_OF, (attachment,)), runs)
    now = dt.datetime.now(dt.UTC)
    t_pades, signed = median_time(
        lambda: pades.sign(pdf.data, key, reason="benchmark", when=now), runs
    )
    files = [
        (out / "r.pdf", signed),
        (out / "r.html", html.html.encode()),
        (out / "r.json", base.json),
    ]

    def dsse() -> object:
        predicate = report_predicate(assessment, base.json, key, dt.datetime.now(dt.UTC))
        return sign_report(files, out / "r.intoto.jsonl", predicate, key)

    t_dsse, _ = median_time(dsse, runs)
    t_alone, _ = median_time(lambda: weasyprint.HTML(string=html.html).write_pdf(), runs)
    stages = {
        "assess": t_assess,
        "html": t_html,
        "pdf": t_pdf,
        "pades": t_pades,
        "dsse": t_dsse,
    }
    return Row(case, pdf.pages, stages, t_alone)


@dataclass
class Timed:
    """Median wall-clock and median CPU seconds (user + system) of a child process's runs."""

    wall: float
    cpu: float


def end_to_end(system: Path, out: Path, runs: int) -> tuple[Timed, Timed, Timed]:
    """`govern report --sign-key` as a user runs it, the same in one process (no PDF worker,
    GOVERN_PDF_WORKER=0), and WeasyPrint alone on the HTML it wrote.

    All are fresh processes, so all pay their imports: the ratio is what govern costs on top
    of laying out the same page. CPU seconds are given beside wall-clock ones: on a shared
    machine the wall clock also counts the time other processes held the cores.
    """
    import os
    import resource
    import subprocess
    import sys

    govern = [sys.executable, "-m", "govern"]
    subprocess.run(
        [*govern, "keys", "generate", "--out", str(out / "e2e"), "--no-passphrase"],
        check=True,
        capture_output=True,
    )
    command = [
        *govern,
        "report",
        str(system),
        "--as-of",
        AS_OF.isoformat(),
        "--pdf",
        str(out / "e2e.pdf"),
        "--html",
        str(out / "e2e.html"),
        "--sign-key",
        str(out / "e2e.key"),
        "--force",
    ]
    alone = [
        sys.executable,
        "-c",
        "import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])",
        str(out / "e2e.html"),
        str(out / "alone.pdf"),
    ]

    def children_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def timed(argv: list[str], **env: str) -> Timed:
        walls, cpus = [], []
        for _ in range(runs):
            cpu, start = children_cpu(), time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True, env={**os.environ, **env})
            walls.append(time.perf_counter() - start)
            cpus.append(children_cpu() - cpu)
        return Timed(statistics.median(walls), statistics.median(cpus))

    return timed(command), timed(command, GOVERN_PDF_WORKER="0"), timed(alone)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rules", type=int, default=200)
    args = parser.parse_args()
    rows: list[Row] = []
    e2e: tuple[Timed, Timed, Timed] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        example = folder / "example"
        shutil.copytree(
            REPO / "examples" / "credit-scoring",
            example,
            ignore=lambda d, names: ["data"] if Path(d).name == "credit-scoring" else [],
        )
        for case, system in (
            ("credit-scoring example", example),
            (f"generated, {args.rules} controls", generated_system(folder, args.rules)),
        ):
            out = folder / f"out-{len(rows)}"
            out.mkdir()
            rows.append(measure(case, system, out, args.runs))
            if e2e is None:
                e2e = end_to_end(system, out, args.runs)
    header = (
        f"{'case':<28}{'pages':>6}{'assess':>8}{'html':>7}{'pdf':>7}{'pades':>7}{'dsse':>7}"
        f"{'govern':>8}{'weasy':>7}{'ratio':>7}"
    )
    print(f"median of {args.runs} run(s), seconds; govern = html + pdf + pades + dsse")
    print(header)
    for row in rows:
        s = row.stages
        print(
            f"{row.case:<28}{row.pages:>6}{s['assess']:>8.2f}{s['html']:>7.2f}{s['pdf']:>7.2f}"
            f"{s['pades']:>7.2f}{s['dsse']:>7.3f}{row.govern_total:>8.2f}{row.weasyprint:>7.2f}"
            f"{row.govern_total / row.weasyprint:>7.2f}"
        )

    assert e2e is not None
    govern, one_process, alone = e2e
    print(
        f"\nexample, end to end: govern report --sign-key {govern.wall:.2f} s (goal <= 5 s); "
        f"WeasyPrint alone on its HTML {alone.wall:.2f} s; ratio {govern.wall / alone.wall:.2f} "
        f"(goal <= 1.3); in one process (GOVERN_PDF_WORKER=0) {one_process.wall:.2f} s"
    )
    print(
        f"the same in CPU seconds: govern {govern.cpu:.2f} (both processes), one process "
        f"{one_process.cpu:.2f}, WeasyPrint alone {alone.cpu:.2f}; "
        f"ratio {govern.cpu / alone.cpu:.2f}"
    )


if __name__ == "__main__":
    main()
