"""A portfolio as JUnit XML: one test suite per system, a test case per rule, as for one system.

Each system's cases are those `-o junit` writes for it alone (govern.render.junit), their class
names prefixed with the system's id so CI test reports keep systems apart. A system that could not
be assessed is a suite with one erroring case carrying its error line. Suites are laid out where
their systems were assessed; the whole only reads each suite's counts from its opening tag.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from govern.engine.assessment import Assessment
from govern.engine.portfolio import Portfolio, SystemRun
from govern.render import junit
from govern.render.display import visible
from govern.render.interface import RenderOptions
from govern.render.portfolio.interface import PortfolioFunctionRenderer, SystemPlace

_COUNTS = ("tests", "failures", "errors", "skipped")
# What XML 1.0 cannot carry and `visible` leaves: the non-characters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\ufffe\uffff]")
_INDENT = "  "


def suite_part(assessment: Assessment, place: SystemPlace, options: RenderOptions) -> str:
    """The system's suite, laid out one level in, as the whole will nest it."""
    # Our own output, just written by govern.render.junit: nothing untrusted is parsed.
    alone = ET.fromstring(junit.render(assessment, base_path=place.base_path))  # noqa: S314
    system_id = assessment.system.id
    suite = ET.Element("testsuite", name=_clean(system_id))
    for name in _COUNTS:
        suite.set(name, alone.get(name, "0"))
    suite.set("time", "0")
    properties = ET.SubElement(suite, "properties")
    for name, value in (("path", place.path), ("verdict", assessment.summary.verdict)):
        ET.SubElement(properties, "property", name=name, value=_clean(value))
    for framework in alone.iter("testsuite"):
        for case in framework.iter("testcase"):
            case.set("classname", _clean(f"{system_id}.{case.get('classname', '')}"))
            suite.append(case)
    return _laid_out(suite)


def render(portfolio: Portfolio, options: RenderOptions | None = None) -> str:
    """Well-formed JUnit XML for every system, in the order the systems were given."""
    suites = [run.parts["junit"] if run.facts else _broken_suite(run) for run in portfolio.systems]
    totals = dict.fromkeys(_COUNTS, 0)
    for suite in suites:
        # The opening tag alone, closed, is a small document of our own making.
        opening = ET.fromstring(suite[: suite.index(">") + 1].rstrip("/>") + "/>")  # noqa: S314
        for name in _COUNTS:
            totals[name] += int(opening.get(name, "0"))
    root = ET.Element("testsuites", name=f"govern: portfolio of {len(suites)} systems")
    for name, total in totals.items():
        root.set(name, str(total))
    root.set("time", "0")
    head = ET.tostring(root, encoding="unicode").removesuffix(" />")
    body = "".join(f"{_INDENT}{suite}\n" for suite in suites)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{head}>\n{body}</testsuites>\n'


def _broken_suite(system: SystemRun) -> str:
    path = _clean(system.path)
    suite = ET.Element(
        "testsuite", name=path, tests="1", failures="0", errors="1", skipped="0", time="0"
    )
    case = ET.SubElement(suite, "testcase", name="govern.yaml", classname=path, time="0")
    ET.SubElement(case, "error", message=_clean(system.error or ""), type="broken")
    return _laid_out(suite)


def _laid_out(suite: ET.Element) -> str:
    ET.indent(suite, space=_INDENT, level=1)
    suite.tail = None
    return ET.tostring(suite, encoding="unicode")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", visible(text))


PORTFOLIO_RENDERER = PortfolioFunctionRenderer("junit", suite_part, render)
