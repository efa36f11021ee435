"""Charts as pure functions, and the fairness gates the report reads from the packs."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest

from govern.policy.checks import compile_check
from govern.policy.reads import FairnessGate, fairness_gates
from govern.report import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


@pytest.mark.parametrize(
    ("low", "high"), [(0.1, 0.16), (0.5, 0.66), (0.0, 1.0), (0.8037, 0.9512), (0.0004, 0.013)]
)
def test_ticks_are_round_and_cover_the_range(low: float, high: float) -> None:
    ticks = charts.nice_ticks(low, high)
    assert ticks[0] <= low and ticks[-1] >= high
    assert 3 <= len(ticks) <= 12
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1


def test_interval_chart_draws_points_whiskers_threshold_and_band() -> None:
    points = [
        charts.Point("F", 0.139, 0.134, 0.144, note="n=17,670"),
        charts.Point("M", 0.145, 0.140, 0.149, note="n=20,742"),
        charts.Point("X", None, note="n=3 small", flagged=True),
    ]
    svg = charts.interval_chart(
        points,
        [charts.Marker(0.142, "overall", "reference"), charts.Marker(0.116, "0.8 \u00d7 highest")],
        charts.Band(0.116, 0.145),
        title="Selection rate by sex",
    )
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert len(root.findall(f"{SVG}circle")) == 2
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "undefined" in texts and "0.8 \u00d7 highest = 0.116" in texts
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray") == "5,3"]
    assert len(dashed) == 1
    assert root.find(f"{SVG}rect") is not None
    assert charts.interval_chart(points) == charts.interval_chart(points)  # same bytes


def test_labels_from_evidence_are_escaped() -> None:
    svg = charts.interval_chart(
        [charts.Point('<script>alert("x")</script>', 0.5)], title='"><script>x</script>'
    )
    assert "<script" not in svg
    parse(svg)  # still well-formed XML


def test_stacked_bar_sizes_segments_by_count() -> None:
    svg = charts.stacked_bar(
        [charts.Segment("Pass", 3, "#0a0"), charts.Segment("Fail", 1, "#a00")], title="t"
    )
    widths = [float(r.get("width", 0)) for r in parse(svg).iter(f"{SVG}rect")]
    assert widths == [480.0, 160.0]


def test_gates_are_read_with_tightened_params_and_interval_mode() -> None:
    check = {
        "all": [
            {
                "min": {
                    "path": "fairness[*].features[*].disparities.demographic_parity_ratio."
                    "between_groups",
                    "value": {"param": "min_ratio"},
                    "ci": "interval",
                }
            },
            {"max": {"path": "model_card.x", "value": 3}},
            {
                "max": {
                    "path": "fairness[*].features[*].disparities.equalized_odds_difference."
                    "to_overall",
                    "value": 0.05,
                }
            },
        ]
    }
    gates = fairness_gates(compile_check(check), {"min_ratio": 0.9})
    assert gates == [
        FairnessGate("demographic_parity_ratio", "between_groups", "min", 0.9, "interval"),
        FairnessGate("equalized_odds_difference", "to_overall", "max", 0.05, "point"),
    ]
