"""A portfolio as JUnit XML: one test suite per system, a test case per rule, as for one system.

Each system's cases are those `-o junit` writes for it alone (govern.render.junit), their class
names prefixed with the system's id so CI test reports keep systems apart. A system that could not
be assessed is a suite with one erroring case carrying its error line.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from govern.engine.portfolio import Portfolio, SystemRun
from govern.render import junit
from govern.render.display import visible
from govern.render.interface import RenderOptions
from govern.render.portfolio.interface import PortfolioFunctionRenderer

_COUNTS = ("tests", "failures", "errors", "skipped")
# What XML 1.0 cannot carry and `visible` leaves: the non-characters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\ufffe\uffff]")


def render(portfolio: Portfolio, options: RenderOptions | None = None) -> str:
    """Well-formed JUnit XML for every system, in the order the systems were given."""
    root = ET.Element("testsuites", name=f"govern: portfolio of {len(portfolio.systems)} systems")
    for system in portfolio.systems:
        root.append(_broken_suite(system) if system.assessment is None else _suite(system))
    for name in _COUNTS:
        root.set(name, str(sum(int(suite.get(name, "0")) for suite in root)))
    root.set("time", "0")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _suite(system: SystemRun) -> ET.Element:
    assert system.assessment is not None
    # Our own output, just written by govern.render.junit: nothing untrusted is parsed.
    alone = ET.fromstring(junit.render(system.assessment, base_path=system.base_path))  # noqa: S314
    system_id = system.assessment.system.id
    suite = ET.Element("testsuite", name=_clean(system_id))
    properties = ET.SubElement(suite, "properties")
    for name, value in (("path", system.path), ("verdict", system.verdict)):
        ET.SubElement(properties, "property", name=name, value=_clean(value))
    for framework in alone.iter("testsuite"):
        for case in framework.iter("testcase"):
            case.set("classname", _clean(f"{system_id}.{case.get('classname', '')}"))
            suite.append(case)
    for name in _COUNTS:
        suite.set(name, alone.get(name, "0"))
    suite.set("time", "0")
    return suite


def _broken_suite(system: SystemRun) -> ET.Element:
    path = _clean(system.path)
    suite = ET.Element(
        "testsuite", name=path, tests="1", failures="0", errors="1", skipped="0", time="0"
    )
    case = ET.SubElement(suite, "testcase", name="govern.yaml", classname=path, time="0")
    ET.SubElement(case, "error", message=_clean(system.error or ""), type="broken")
    return suite


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", visible(text))


PORTFOLIO_RENDERER = PortfolioFunctionRenderer("junit", render)
