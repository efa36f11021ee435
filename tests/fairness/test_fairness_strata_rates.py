"""With a true label, every rate within each stratum equals fairlearn's MetricFrame with
control_features, and its Wilson or Clopper-Pearson interval equals scipy's."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm
from fairlearn.metrics import (
    MetricFrame,
    false_negative_rate,
    false_positive_rate,
    true_negative_rate,
    true_positive_rate,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from govern.fairness.report import Spec, fairness_report, render

pytestmark = pytest.mark.filterwarnings("ignore")

RATES = {
    "accuracy": skm.accuracy_score,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "false_negative_rate": false_negative_rate,
    "true_negative_rate": true_negative_rate,
    "precision": skm.precision_score,
}
# successes and trials of each rate, from (y_true, y_pred) of a group
PARTS = {
    "accuracy": lambda t, p: ((t == p).sum(), len(t)),
    "true_positive_rate": lambda t, p: ((t & p).sum(), t.sum()),
    "false_negative_rate": lambda t, p: ((t & ~p).sum(), t.sum()),
    "false_positive_rate": lambda t, p: ((~t & p).sum(), (~t).sum()),
    "true_negative_rate": lambda t, p: ((~t & ~p).sum(), (~t).sum()),
    "precision": lambda t, p: ((t & p).sum(), p.sum()),
}


def _frame(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    truth = (rng.random(n) < 0.3).astype(int)
    return pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n),
            "race": rng.choice(["A", "B", "C"], n, p=[0.6, 0.3, 0.1]),
            "exam": rng.choice(["e1", "e2"], n),
            "outcome": truth,
            "hired": np.where(rng.random(n) < 0.8, truth, 1 - truth),
        }
    )


def _report(path: Path, interval: str = "wilson") -> dict[str, object]:
    spec = Spec(
        y_true="outcome",
        y_pred="hired",
        sensitive=("sex", "race"),
        control=("exam",),
        interval=interval,  # type: ignore[arg-type]
    )
    return json.loads(render(fairness_report(str(path), spec)))  # type: ignore[no-any-return]


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(20, 300))
def test_stratum_rates_equal_fairlearn_control_features(
    tmp_path_factory: pytest.TempPathFactory, seed: int, n: int
) -> None:
    frame = _frame(seed, n)
    path = tmp_path_factory.mktemp("strata") / "p.csv"
    frame.to_csv(path, index=False)
    report = _report(path)
    for view in report["selection"]["views"]:  # type: ignore[index]
        metric = MetricFrame(
            metrics=RATES,
            y_true=frame["outcome"],
            y_pred=frame["hired"],
            sensitive_features=frame[view["columns"]],
            control_features=frame[["exam"]],
        )
        for stratum in view["strata"]:
            for group in stratum["groups"]:
                key = (stratum["values"]["exam"], *(group["values"][c] for c in view["columns"]))
                mask = (frame["exam"] == key[0]).to_numpy().copy()
                for column, value in zip(view["columns"], key[1:], strict=True):
                    mask &= (frame[column] == value).to_numpy()
                truth = frame["outcome"].to_numpy()[mask] == 1
                pred = frame["hired"].to_numpy()[mask] == 1
                for name in RATES:
                    found = group["metrics"][name]
                    successes, trials = PARTS[name](truth, pred)
                    if trials == 0:
                        assert found["value"] is None and found["reason"]
                        continue
                    assert found["value"] == metric.by_group.loc[key, name]
                    ci = stats.binomtest(int(successes), int(trials)).proportion_ci(
                        0.95, method="wilson"
                    )
                    assert found["ci"]["lower"] == pytest.approx(ci.low, abs=1e-12)
                    assert found["ci"]["upper"] == pytest.approx(ci.high, abs=1e-12)


def test_clopper_pearson_on_error_rates_equals_scipy(tmp_path: Path) -> None:
    frame = _frame(7, 400)
    path = tmp_path / "p.csv"
    frame.to_csv(path, index=False)
    report = _report(path, "clopper-pearson")
    stratum = report["selection"]["views"][0]["strata"][0]  # type: ignore[index]
    mask = (frame["exam"] == stratum["values"]["exam"]).to_numpy()
    for group in stratum["groups"]:
        rows = mask & (frame["sex"] == group["values"]["sex"]).to_numpy()
        truth = frame["outcome"].to_numpy()[rows] == 1
        pred = frame["hired"].to_numpy()[rows] == 1
        for name in ("false_positive_rate", "false_negative_rate", "accuracy"):
            successes, trials = PARTS[name](truth, pred)
            ci = stats.binomtest(int(successes), int(trials)).proportion_ci(0.95, method="exact")
            found = group["metrics"][name]["ci"]
            assert found["lower"] == pytest.approx(ci.low, abs=1e-12)
            assert found["upper"] == pytest.approx(ci.high, abs=1e-12)
    differences = stratum["differences"]
    rates = [g["metrics"]["false_positive_rate"]["value"] for g in stratum["groups"]]
    assert differences["false_positive_rate"]["value"] == max(rates) - min(rates)
    assert not math.isnan(differences["accuracy"]["value"])


def test_selection_only_reports_keep_their_shape(tmp_path: Path) -> None:
    frame = _frame(1, 50)
    path = tmp_path / "p.csv"
    frame.to_csv(path, index=False)
    spec = Spec(y_true=None, y_pred="hired", sensitive=("sex",), control=("exam",))
    data = json.loads(render(fairness_report(str(path), spec)))
    for stratum in data["selection"]["views"][0]["strata"]:
        assert "differences" not in stratum
        assert all("metrics" not in group for group in stratum["groups"])
