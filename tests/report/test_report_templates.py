"""Organisation templates (--template DIR) and the report command's usage errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from govern.report.html import TemplateSet
from tests.conftest import CliResult, write
from tests.report.conftest import AS_OF

Run = Callable[..., CliResult]
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="20">'
    '<rect width="80" height="20" fill="#c00"/></svg>'
)


def report_html(run_cli: Run, system: Path, out: Path, *extra: str | Path) -> str:
    result = run_cli("report", system, "--html", out, "--as-of", AS_OF, *extra)
    assert result.code == 0, result.err
    return out.read_text()


def test_organisation_overrides_logo_colours_and_adds_a_section(
    run_cli: Run, system: Path, tmp_path: Path
) -> None:
    brand = tmp_path / "brand"
    write(brand / "logo.svg", LOGO)
    write(brand / "theme.css", ":root { --accent: #c00000; }\n")
    write(
        brand / "extra.html.j2",
        '<section class="chapter" id="sign-off"><h1>Sign-off</h1>'
        "<p>Reviewed for {{ ctx.assessment.system.name }} by the ACME board.</p></section>\n",
    )
    write(brand / "extra_toc.html.j2", '<li><a href="#sign-off">Sign-off</a></li>\n')
    html = report_html(run_cli, system, tmp_path / "r.html", "--template", brand)
    assert 'class="logo" src="data:image/svg+xml;base64,' in html
    assert "--accent: #c00000;" in html.split("</style>")[0]
    assert "Reviewed for Demo Scorer by the ACME board." in html
    assert '<a href="#sign-off">Sign-off</a>' in html
    assert html.index('id="sign-off"') < html.index('id="evidence"')


def test_an_override_can_extend_the_default_page(
    run_cli: Run, system: Path, tmp_path: Path
) -> None:
    brand = tmp_path / "brand"
    write(
        brand / "report.html.j2",
        '{% extends "default/report.html.j2" %}\n'
        '{% block verification %}<section id="verify"><h1>Contact</h1>'
        "<p>Ask compliance@acme.example.</p></section>{% endblock %}\n",
    )
    html = report_html(run_cli, system, tmp_path / "r.html", "--template", brand)
    assert "Ask compliance@acme.example." in html
    assert "Checking by hand" not in html
    assert "Executive summary" in html  # everything else is the built-in page


def test_the_logo_is_the_only_resource_the_pdf_fetches(system: Path, tmp_path: Path) -> None:
    from govern.cli.report import _assess
    from govern.engine.evaluate import EngineOptions
    from govern.report.build import Outputs, render_report
    from govern.report.pdf import render_pdf

    brand = tmp_path / "brand"
    write(brand / "logo.svg", LOGO)
    assessment, _ = _assess(system, EngineOptions(as_of=dt.date(2026, 11, 25)), [])
    templates = TemplateSet.load(brand)
    rendered = render_report(assessment, templates, Outputs(html=tmp_path / "r.html"))
    result = render_pdf(rendered.html, dt.date(2026, 11, 25))
    assert [r.reason for r in result.fetches.served] == ["logo.svg"]
    assert result.fetches.refused == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("extra.html.j2", "{{ ctx.no_such_name }}", "extra.html.j2:1: 'govern.report.context"),
        ("extra.html.j2", "{% if %}", "extra.html.j2:1: Expected an expression"),
        ("extra.html.j2", "{{ ctx.__class__.__mro__ }}", "not allowed in report templates"),
        ("extra.html.j2", "{{ asset('missing.png') }}", "asset 'missing.png': not found"),
        ("theme.css", "</style><script>", "would end the style element"),
    ],
)
def test_template_mistakes_are_one_line_errors(
    run_cli: Run, system: Path, tmp_path: Path, name: str, content: str, message: str
) -> None:
    brand = tmp_path / "brand"
    write(brand / name, content)
    out = tmp_path / "r.html"
    result = run_cli("report", system, "--html", out, "--as-of", AS_OF, "--template", brand)
    assert result.code == 2, result.err
    assert message in result.err
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "nothing to write: give --pdf, --html or --json"),
        (("--html", "{out}/a.html", "--json", "{out}/a.html"), "must name different files"),
        (("--json", "{out}/a.json", "--sign-cert", "x.crt"), "--sign-cert needs --sign-key"),
        (("--json", "{out}/a.json", "--template", "{out}/nope"), "--template must be a folder"),
        (
            ("--json", "{out}/a.json", "--sign-key", "{out}/nope.key"),
            "nope.key: private key not found",
        ),
    ],
)
def test_usage_errors_exit_two_and_write_nothing(
    run_cli: Run, system: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "out"
    result = run_cli("report", system, *(a.format(out=out) for a in args))
    assert result.code == 2, result.err
    assert message in result.err
    assert not out.exists()


def test_a_missing_system_is_a_usage_error(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("report", tmp_path / "nowhere", "--json", tmp_path / "a.json")
    assert result.code == 2
    assert "no such file or directory" in result.err


def test_report_exits_zero_for_a_failing_system_and_says_so(
    run_cli: Run, system: Path, tmp_path: Path
) -> None:
    write(system / "docs" / "card.yaml", "identity:\n  name: D\n")
    result = run_cli("report", system, "--json", tmp_path / "a.json", "--as-of", AS_OF)
    assert result.code == 0
    assert "verdict: FAIL" in result.out


def test_the_json_output_is_the_check_json(run_cli: Run, system: Path, tmp_path: Path) -> None:
    run_cli("report", system, "--json", tmp_path / "a.json", "--as-of", AS_OF)
    check = run_cli("check", system, "--format", "json", "--as-of", AS_OF)
    assert (tmp_path / "a.json").read_text() == check.out


def test_report_does_not_import_the_pdf_stack_for_html(system: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom govern.cli.report import command\n"
        f"r = CliRunner().invoke(command, [{str(system)!r}, '--html', {str(tmp_path / 'r.html')!r},"
        f" '--as-of', {AS_OF!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('HEAVY', [m for m in ('weasyprint', 'pyhanko') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout
