"""`govern fairness` end to end: the report file, its determinism, options, errors and imports."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from click.testing import CliRunner

from govern.cli.fairness import command
from govern.evidence.fairness import FairnessReport


@pytest.fixture
def predictions(tmp_path: Path) -> Path:
    rng = np.random.default_rng(1)
    n = 600
    sex = rng.choice(np.array(["F", "M"]), n)
    band = rng.choice(np.array(["18-29", "30-44", "45-59", "60+"]), n, p=[0.3, 0.4, 0.28, 0.02])
    band[(sex == "M") & (band == "60+")] = "45-59"  # leaves the cell M|60+ empty
    y = (rng.random(n) < 0.3).astype(int)
    score = (rng.random(n) * 0.7 + 0.3 * y).round(3)
    columns = {
        "default": y,
        "pred": (score > 0.5).astype(int),
        "score": score,
        "sex": sex,
        "age_band": band,
    }
    path = tmp_path / "predictions.csv"
    pacsv.write_csv(pa.table(columns), path)
    return path


ARGS = [
    "--y-true",
    "default",
    "--y-pred",
    "pred",
    "--score",
    "score",
    "--sensitive",
    "sex,age_band",
    "--min-group-size",
    "30",
]


def run(*args: Any, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(command, [str(a) for a in args], env=env, catch_exceptions=False)


def test_writes_a_valid_deterministic_report(predictions: Path, tmp_path: Path) -> None:
    out1, out2 = tmp_path / "a" / "fairness.json", tmp_path / "b.json"
    for out in (out1, out2):
        result = run(predictions, *ARGS, "--bootstrap", "200", "--seed", "7", "-o", out)
        assert result.exit_code == 0, result.output
    text = out1.read_text()
    assert text == out2.read_text()
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    report = FairnessReport.model_validate(data)
    assert report.created is None
    assert report.source.path == str(predictions) and report.source.rows == 600
    assert report.source.format == "csv"
    assert report.parameters.seed == 7 and report.parameters.bootstrap == 200
    assert report.parameters.sensitive == ["sex", "age_band"]
    assert [f.name for f in report.features] == ["sex", "age_band", "sex+age_band"]
    inter = report.features[2]
    assert inter.intersectional and inter.columns == ["sex", "age_band"]
    first = inter.groups[0]
    assert first.group == "F|18-29" and first.values == {"sex": "F", "age_band": "18-29"}
    assert set(first.metrics) == {
        "selection_rate",
        "accuracy",
        "true_positive_rate",
        "false_positive_rate",
        "false_negative_rate",
        "true_negative_rate",
        "precision",
        "roc_auc",
    }
    assert set(inter.disparities) == {
        "demographic_parity_difference",
        "demographic_parity_ratio",
        "equalized_odds_difference",
        "equalized_odds_ratio",
        "equal_opportunity_difference",
    }
    empty = next(g for g in inter.groups if g.group == "M|60+")
    assert empty.count == 0 and empty.small
    assert all(m.value is None for m in empty.metrics.values())
    assert '"value": null' in text and "NaN" not in text
    small = [g.group for g in inter.groups if g.small]
    assert "F|60+" in small
    assert any("F|60+ has" in w and "minimum group size 30" in w for w in report.warnings)
    assert any("M|60+ has no rows" in w for w in report.warnings)
    ci = report.overall["accuracy"].ci
    assert ci is not None and ci.lower is not None and ci.upper is not None
    assert ci.lower <= (report.overall["accuracy"].value or 0) <= ci.upper
    assert not list(out1.parent.glob(".*tmp"))  # the atomic write left nothing behind


def test_created_model_version_and_stdout(predictions: Path) -> None:
    result = run(predictions, *ARGS, "--created", "2026-03-01", "--model-version", "2.3.0")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["created"] == "2026-03-01" and data["model_version"] == "2.3.0"
    assert "fairness: 600 rows" in result.stderr


def test_unseeded_bootstrap_records_its_seed(predictions: Path, tmp_path: Path) -> None:
    out = tmp_path / "f.json"
    assert run(predictions, *ARGS, "--bootstrap", "20", "-o", out).exit_code == 0
    seed = json.loads(out.read_text())["parameters"]["seed"]
    assert isinstance(seed, int)
    again = tmp_path / "g.json"
    run(predictions, *ARGS, "--bootstrap", "20", "--seed", seed, "-o", again)
    assert json.loads(again.read_text())["overall"] == json.loads(out.read_text())["overall"]


def test_every_option_reads_an_environment_variable(predictions: Path, tmp_path: Path) -> None:
    out = tmp_path / "env.json"
    env = {
        "GOVERN_FAIRNESS_PREDICTIONS": str(predictions),
        "GOVERN_FAIRNESS_Y_TRUE": "default",
        "GOVERN_FAIRNESS_Y_PRED": "pred",
        "GOVERN_FAIRNESS_SCORE": "score",
        "GOVERN_FAIRNESS_SENSITIVE": "sex age_band",
        "GOVERN_FAIRNESS_POSITIVE_LABEL": "1",
        "GOVERN_FAIRNESS_TASK": "binary",
        "GOVERN_FAIRNESS_BOOTSTRAP": "10",
        "GOVERN_FAIRNESS_CI": "0.9",
        "GOVERN_FAIRNESS_MIN_GROUP_SIZE": "5",
        "GOVERN_FAIRNESS_SEED": "3",
        "GOVERN_FAIRNESS_OUTPUT": str(out),
        "GOVERN_FAIRNESS_CREATED": "2026-01-02T03:04:05+00:00",
        "GOVERN_FAIRNESS_MODEL_VERSION": "9",
        "GOVERN_FAIRNESS_DATASET": "holdout-2026",
    }
    result = run(env=env)
    assert result.exit_code == 0, result.output
    report = FairnessReport.model_validate_json(out.read_text())
    p = report.parameters
    assert (p.score, p.sensitive, p.positive_label, p.bootstrap, p.ci_level) == (
        "score",
        ["sex", "age_band"],
        "1",
        10,
        0.9,
    )
    assert (p.min_group_size, p.seed, report.model_version, report.dataset) == (
        5,
        3,
        "9",
        "holdout-2026",
    )
    assert report.created is not None


def test_repeated_and_comma_separated_sensitive_are_the_same(predictions: Path) -> None:
    base = ["--y-true", "default", "--y-pred", "pred"]
    one = run(predictions, *base, "--sensitive", "sex,age_band").stdout
    two = run(predictions, *base, "--sensitive", "sex", "--sensitive", "age_band").stdout
    assert one == two


def test_errors_exit_2_with_file_and_column_and_no_traceback(
    predictions: Path, run_cli: Callable[..., Any]
) -> None:
    result = run_cli(
        "fairness", predictions, "--y-true", "defualt", "--y-pred", "pred", "--sensitive", "sex"
    )
    assert result.code == 2
    assert f"error: {predictions}: defualt: no such column" in result.err
    assert "Traceback" not in result.err + result.out
    missing = run_cli(
        "fairness",
        predictions.parent / "nope.csv",
        "--y-true",
        "y",
        "--y-pred",
        "p",
        "--sensitive",
        "s",
    )
    assert missing.code == 2 and "nope.csv: no such file" in missing.err
    bad_ci = run_cli("fairness", predictions, *ARGS, "--ci", "95")
    assert bad_ci.code == 2 and "--ci" in bad_ci.err


MALFORMED = Path(__file__).parent / "malformed"


@pytest.mark.parametrize("name", sorted(p.name for p in MALFORMED.iterdir()))
def test_malformed_input_is_one_error_line_and_no_output(
    name: str, tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    path, out = MALFORMED / name, tmp_path / "fairness.json"
    result = run_cli(
        "fairness", path, "--y-true", "y", "--y-pred", "p", "--sensitive", "s",
        "--bootstrap", "20", "-o", out,
    )  # fmt: skip
    assert result.code == 2, result.err
    assert result.err.startswith(f"error: {path}") and result.err.count("\n") == 1, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert result.out == "" and not out.exists() and not list(tmp_path.iterdir())


def test_registered_in_the_main_cli(predictions: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("fairness", predictions, *ARGS)
    assert result.code == 0
    FairnessReport.model_validate_json(result.out)


def _modules_after(code: str) -> set[str]:
    script = textwrap.dedent(code) + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_other_commands_never_import_numpy_or_pyarrow() -> None:
    loaded = _modules_after(
        """
        from govern.cli import cli
        try:
            cli.main(args=["--help"], standalone_mode=False)
        except SystemExit:
            pass
        """
    )
    assert not loaded & {"numpy", "pyarrow", "pandas", "fairlearn"}


def test_fairness_command_imports_neither_pandas_nor_fairlearn(predictions: Path) -> None:
    loaded = _modules_after(
        f"""
        from govern.cli import cli
        cli.main(args=[{str(predictions)!r}, {", ".join(repr(a) for a in ARGS)}][:0] or
                 ["fairness", {str(predictions)!r}, {", ".join(repr(a) for a in ARGS)},
                  "--bootstrap", "5", "-o", {str(predictions.with_suffix(".json"))!r}],
                 standalone_mode=False)
        """
    )
    assert "pyarrow" in loaded  # it did run
    assert not loaded & {"pandas", "fairlearn", "sklearn", "scipy"}
