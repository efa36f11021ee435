"""Selection audits: rates, impact ratios, strata and intervals against fairlearn, scipy, hand."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from fairlearn.metrics import MetricFrame, demographic_parity_ratio, selection_rate
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from govern.cli.fairness import command
from govern.evidence.fairness import FairnessReport
from govern.fairness.binomial import clopper_pearson, holm, permutation_p, wilson
from govern.fairness.report import Spec, fairness_report


def _spec(**kw: Any) -> Spec:
    base: dict[str, Any] = {"y_true": None, "y_pred": None, "sensitive": ("sex",)}
    return Spec(**{**base, **kw})


def _write(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "decisions.csv"
    frame.to_csv(path, index=False)
    return path


# -- intervals and tests ----------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 5000), data=st.data(), level=st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_and_clopper_pearson_equal_scipy(n: int, data: st.DataObject, level: float) -> None:
    k = data.draw(st.integers(0, n))
    result = stats.binomtest(k, n)
    for ours, method in ((wilson, "wilson"), (clopper_pearson, "exact")):
        expected = result.proportion_ci(confidence_level=level, method=method)
        lower, upper = ours(k, n, level)
        assert lower == pytest.approx(expected.low, abs=1e-10)
        assert upper == pytest.approx(expected.high, abs=1e-10)
        assert 0 <= lower <= k / n <= upper <= 1


def test_holm_matches_hand_computed_step_down() -> None:
    # sorted 0.01, 0.02, 0.03, 0.5 -> 4*0.01, max(0.04, 3*0.02), max(0.06, 2*0.03), 0.5
    assert holm([0.03, 0.01, 0.5, 0.02]) == pytest.approx([0.06, 0.04, 0.5, 0.06])
    assert holm([0.3, 0.04]) == pytest.approx([0.3, 0.08])
    assert holm([0.9, 0.8]) == [1.0, 1.0]  # 2 * 0.8 caps at 1, and never decreases
    assert holm([]) == []


def test_permutation_p_agrees_with_the_exact_hypergeometric_tail() -> None:
    """Two groups: shuffling labels makes group A's selected count hypergeometric, exactly."""
    sizes, selected = [40, 25], [22, 6]
    rng = np.random.default_rng(5)
    p = permutation_p(sizes, selected, 40_000, rng)
    total, chosen = sum(sizes), sum(selected)
    law = stats.hypergeom(total, chosen, sizes[0])
    observed = abs(selected[0] / sizes[0] - selected[1] / sizes[1])
    exact = sum(
        law.pmf(a)
        for a in range(max(0, chosen - sizes[1]), min(chosen, sizes[0]) + 1)
        if abs(a / sizes[0] - (chosen - a) / sizes[1]) >= observed - 1e-12
    )
    assert p == pytest.approx(exact, abs=0.005)
    assert permutation_p([10, 10], [5, 5], 99, rng) == 1.0  # no gap: every shuffle ties


# -- hand-computed audit ------------------------------------------------------------------------


def test_selection_only_report_by_hand(tmp_path: Path) -> None:
    # F: 10 rows, 3 selected (0.3); M: 20 rows, 10 selected (0.5); X: 1 row, selected (share 1/31)
    frame = pd.DataFrame(
        {
            "sex": ["F"] * 10 + ["M"] * 20 + ["X"],
            "hired": [1] * 3 + [0] * 7 + [1] * 10 + [0] * 10 + [1],
        }
    )
    path = _write(tmp_path, frame)
    report = fairness_report(str(path), _spec(y_pred="hired", min_share=0.05))
    assert report.parameters.y_true is None
    assert report.selection is not None
    stratum = report.selection.views[0].strata[0]
    groups = {g.group: g for g in stratum.groups}
    assert stratum.excluded == ["X"]
    assert groups["X"].impact_ratio is None and groups["X"].excluded
    assert groups["X"].selection_rate.value == 1.0  # kept, with its interval, but not compared
    assert groups["F"].impact_ratio is not None and groups["F"].impact_ratio.value == 0.6
    assert groups["F"].below_four_fifths is True
    assert groups["M"].impact_ratio is not None and groups["M"].impact_ratio.value == 1.0
    assert stratum.impact_ratio.value == 0.6
    assert stratum.difference.value == pytest.approx(0.2)
    ci = groups["F"].selection_rate.ci
    assert ci is not None and (ci.lower, ci.upper) == wilson(3, 10, 0.95)
    # the fairlearn-shaped part is pooled over every group with rows: X's 1.0 is the top
    dpr = report.features[0].disparities["demographic_parity_ratio"].between_groups
    assert dpr is not None and dpr.value == pytest.approx(0.3)
    assert any("X excluded from impact ratios" in w for w in report.warnings)


def test_threshold_and_median_scoring_rate(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"sex": ["F", "F", "F", "M", "M", "M"], "score": [0.1, 0.5, 0.9, 0.4, 0.6, 0.7]}
    )
    path = _write(tmp_path, frame)
    at = fairness_report(str(path), _spec(score="score", threshold=0.5))
    assert at.selection is not None and at.selection.rule == "threshold"
    rates = {g.group: g.selection_rate.value for g in at.selection.views[0].strata[0].groups}
    assert rates == {"F": pytest.approx(2 / 3), "M": pytest.approx(2 / 3)}  # score >= 0.5
    median = fairness_report(
        str(path), _spec(score="score", threshold="median", interval="clopper-pearson")
    )
    assert median.selection is not None and median.selection.threshold == 0.55
    strat = median.selection.views[0].strata[0]
    rates = {g.group: g.selection_rate.value for g in strat.groups}
    assert rates == {"F": pytest.approx(1 / 3), "M": pytest.approx(2 / 3)}  # above 0.55
    assert strat.impact_ratio.value == pytest.approx(0.5)
    ci = strat.groups[0].selection_rate.ci
    assert ci is not None and (ci.lower, ci.upper) == clopper_pearson(1, 3, 0.95)
    assert median.parameters.ci_method is not None
    assert median.parameters.ci_method.metrics == "clopper-pearson"


def test_undefined_ratios_are_null_with_the_reason(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"sex": ["F", "M", "F", "M"], "exam": ["a", "a", "b", "b"], "hired": [0, 0, 1, 0]}
    )
    path = _write(tmp_path, frame)
    report = fairness_report(
        str(path), _spec(y_pred="hired", control=("exam",), permutations=99, seed=1)
    )
    assert report.selection is not None
    view = report.selection.views[0]
    a = next(s for s in view.strata if s.stratum == "a")
    assert a.impact_ratio.value is None and a.impact_ratio.reason is not None
    assert "0/0" in a.impact_ratio.reason
    assert view.worst.stratum == "b" and view.worst.undefined == ["a"]
    assert view.worst.impact_ratio.value == 0.0
    data = json.loads(report.model_dump_json())
    assert data["selection"]["views"][0]["strata"][0]["impact_ratio"]["value"] is None


# -- against fairlearn --------------------------------------------------------------------------


def _random_frame(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n),
            "race": rng.choice(["A", "B", "C"], n, p=[0.6, 0.3, 0.1]),
            "exam": rng.choice(["e1", "e2", "e3"], n),
            "region": rng.choice(["n", "s"], n),
            "hired": (rng.random(n) < 0.35).astype(int),
        }
    )


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(30, 400))
def test_strata_and_intersections_equal_fairlearn_control_features(
    tmp_path_factory: pytest.TempPathFactory, seed: int, n: int
) -> None:
    frame = _random_frame(seed, n)
    path = _write(tmp_path_factory.mktemp("sel"), frame)
    report = fairness_report(
        str(path),
        _spec(y_pred="hired", sensitive=("sex", "race"), control=("exam", "region")),
    )
    assert report.selection is not None
    for view in report.selection.views:
        metric = MetricFrame(
            metrics=selection_rate,
            y_true=frame["hired"],
            y_pred=frame["hired"],
            sensitive_features=frame[view.columns],
            control_features=frame[["exam", "region"]],
        )
        by_group = metric.by_group
        ratio = metric.ratio()
        for stratum in view.strata:
            key = (stratum.values["exam"], stratum.values["region"])
            for group in stratum.groups:
                expected = by_group.loc[key + tuple(group.values[c] for c in view.columns)]
                if math.isnan(expected):
                    assert group.selection_rate.value is None and group.count == 0
                else:
                    assert group.selection_rate.value == expected
            if math.isnan(ratio.loc[key]):
                assert stratum.impact_ratio.value is None
            else:
                assert stratum.impact_ratio.value == pytest.approx(ratio.loc[key], rel=1e-15)
            assert stratum.difference.value == pytest.approx(metric.difference().loc[key])


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(10, 300))
def test_pooled_disparities_equal_fairlearn(
    tmp_path_factory: pytest.TempPathFactory, seed: int, n: int
) -> None:
    frame = _random_frame(seed, n)
    path = _write(tmp_path_factory.mktemp("sel"), frame)
    report = fairness_report(str(path), _spec(y_pred="hired", sensitive=("sex", "race")))
    for feature in report.features:
        sensitive = frame[feature.columns]
        for method in ("between_groups", "to_overall"):
            expected = demographic_parity_ratio(
                frame["hired"], frame["hired"], sensitive_features=sensitive, method=method
            )
            found = getattr(feature.disparities["demographic_parity_ratio"], method)
            if math.isnan(expected):
                assert found.value is None
            else:
                assert found.value == pytest.approx(expected, rel=1e-15)


# -- the command --------------------------------------------------------------------------------


def test_cli_writes_a_loadable_selection_report(tmp_path: Path) -> None:
    path = _write(tmp_path, _random_frame(3, 200))
    out = tmp_path / "report.json"
    args = [str(path), "--y-pred", "hired", "--sensitive", "sex,race", "--control", "exam"]
    args += ["--min-share", "0.02", "--permutations", "199", "--seed", "4", "-o", str(out)]
    result = CliRunner().invoke(command, args)
    assert result.exit_code == 0, result.output
    report = FairnessReport.model_validate_json(out.read_text())
    assert report.selection is not None and report.selection.seed == 4
    holm_values = [
        s.p_value_holm.value
        for v in report.selection.views
        for s in v.strata
        if s.p_value_holm is not None and s.p_value_holm.value is not None
    ]
    raw = [
        s.p_value.value
        for v in report.selection.views
        for s in v.strata
        if s.p_value is not None and s.p_value.value is not None
    ]
    assert holm_values == pytest.approx(holm(raw)) and len(raw) == 9
    again = tmp_path / "again.json"
    CliRunner().invoke(command, [*args[:-1], str(again)])
    assert again.read_text() == out.read_text()  # seeded: the same p-values


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "name who was selected"),
        (["--score", "score"], "name who was selected"),
        (["--y-pred", "hired", "--bootstrap", "100"], "--bootstrap needs --y-true"),
        (["--score", "score", "--threshold", "high"], "neither a number nor 'median'"),
        (["--y-pred", "hired", "--control", "sex"], "both a sensitive feature and a control"),
        (["--y-true", "hired", "--y-pred", "hired", "--threshold", "1"], "selection-only"),
    ],
)
def test_bad_options_are_one_line_usage_errors(
    tmp_path: Path, extra: list[str], message: str, run_cli: Callable[..., Any]
) -> None:
    frame = _random_frame(1, 40).assign(score=np.linspace(0, 1, 40))
    path = _write(tmp_path, frame)
    out = tmp_path / "out.json"
    result = run_cli("fairness", path, "--sensitive", "sex", *extra, "-o", out)
    assert result.code == 2, result.err
    assert message in result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) <= 3
    assert not out.exists()


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(5, 200),
    min_share=st.sampled_from([0.0, 0.02, 0.2]),
)
def test_impact_ratio_invariants(
    tmp_path_factory: pytest.TempPathFactory, seed: int, n: int, min_share: float
) -> None:
    """Ratios in [0, 1], the top included group at exactly 1, Holm never below the raw p."""
    frame = _random_frame(seed, n)
    path = _write(tmp_path_factory.mktemp("inv"), frame).with_suffix(".parquet")
    frame.to_parquet(path)
    spec = _spec(
        y_pred="hired",
        sensitive=("sex", "race"),
        control=("exam",),
        min_share=min_share,
        permutations=49,
        seed=seed,
    )
    report = fairness_report(str(path), spec)
    assert report.selection is not None
    for view in report.selection.views:
        for stratum in view.strata:
            assert stratum.count == sum(g.count for g in stratum.groups)
            ratios = [
                g.impact_ratio.value
                for g in stratum.groups
                if g.impact_ratio is not None and g.impact_ratio.value is not None
            ]
            if ratios:
                assert all(0 <= r <= 1 for r in ratios) and max(ratios) == 1.0
                assert stratum.impact_ratio.value == min(ratios)
            for group in stratum.groups:
                assert group.excluded == (group.count > 0 and (group.share or 0) < min_share)
                assert group.excluded == (group.group in stratum.excluded)
            if stratum.p_value is not None and stratum.p_value.value is not None:
                assert stratum.p_value_holm is not None and stratum.p_value_holm.value is not None
                assert stratum.p_value.value <= stratum.p_value_holm.value <= 1
        defined = [s.impact_ratio.value for s in view.strata if s.impact_ratio.value is not None]
        assert view.worst.impact_ratio.value == (min(defined) if defined else None)
