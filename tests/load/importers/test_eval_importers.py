"""Evaluation tools' own output files read into govern's evaluation evidence, value by value."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from govern.evidence.evaluation import EvaluationReport, wilson
from govern.load.importers.evals import import_evaluation
from tests.conftest import CORPUS, REPO, write

FIXTURES = REPO / "tests" / "fixtures" / "evals"


def _report(path: Path, fmt: str | None = None) -> tuple[EvaluationReport, Any]:
    _, result = import_evaluation(path, fmt)
    assert isinstance(result.model, EvaluationReport)
    return result.model, result


def test_every_eval_ever_aggregate() -> None:
    report, result = _report(FIXTURES / "every_eval_ever_0.2.0_hfopenllm_v2.json")
    assert result.format == "every-eval-ever"
    assert report.model.id == "TencentARC/LLaMA-Pro-8B-Instruct"
    assert report.evaluator.party == "third_party"
    assert report.evaluator.name == "Hugging Face"
    assert [(r.benchmark.id, r.value) for r in report.results] == [
        ("IFEval", 0.4486),
        ("BBH", 0.4224),
        ("MATH Level 5", 0.0249),
        ("GPQA", 0.2743),
        ("MUSR", 0.419),
        ("MMLU-PRO", 0.1946),
    ]
    assert {r.direction for r in report.results} == {"higher"}
    # What govern has no place for stays, by JSON pointer, with its value.
    assert result.unmapped["/model_info/additional_details"]["params_billions"] == 8.357
    assert result.unmapped["/retrieved_timestamp"] == "1770682486.623709"


def test_every_eval_ever_instance_level() -> None:
    report, result = _report(FIXTURES / "every_eval_ever_0.2.1_helm_narrativeqa_samples.jsonl")
    assert report.model.id == "openai/gpt2"
    (only,) = report.results
    assert (only.benchmark.id, only.n, only.value, only.proportion) == ("narrativeqa", 5, 0.0, True)
    assert any("higher is assumed" in w for w in result.warnings)


def test_lm_evaluation_harness_results() -> None:
    report, result = _report(FIXTURES / "lm_eval_results_2026-01-21T03-44-18.458309.json")
    assert result.format == "lm-eval"
    assert report.model.revision == "82047f5e5d5245c1b3a4cd75ad98aa441d6487cd"
    assert report.evaluator.harness is not None
    assert (report.evaluator.harness.name, report.evaluator.harness.version) == (
        "lm-evaluation-harness",
        "0.4.9.2",
    )
    assert report.date == dt.date(2026, 1, 21)
    rephrased = next(r for r in report.results if r.benchmark.id == "math_rephrased_full")
    assert (rephrased.metric, rephrased.value, rephrased.n) == ("exact_match", 0.0004, 5000)
    assert rephrased.stderr == pytest.approx(0.0002828144211304471)
    assert (rephrased.benchmark.version, rephrased.benchmark.split) == ("1.0", "test")
    assert rephrased.generation is not None
    assert (rephrased.generation.n_shot, rephrased.generation.max_tokens) == (0, 512)
    assert rephrased.generation.temperature == 0.0
    assert "/pretty_env_info" in result.unmapped


def test_inspect_log() -> None:
    report, result = _report(FIXTURES / "inspect_2025-05-12T20-28-13-04-00_no-samples.json")
    assert result.format == "inspect"
    assert report.model.id == "openai/gpt-4o-mini"
    (accuracy,) = report.results
    assert (accuracy.metric, accuracy.n) == ("accuracy", 3)
    assert accuracy.value == pytest.approx(2 / 3)
    assert accuracy.stderr == pytest.approx(1 / 3)
    # The system prompt is kept as its digest only.
    assert report.generation is not None and report.generation.system_prompt_digest is not None
    assert len(report.generation.system_prompt_digest) == 64
    assert any("cancelled" in w for w in result.warnings)


def test_garak_report_with_interval() -> None:
    report, result = _report(FIXTURES / "garak_test_with_ci.report.jsonl")
    assert result.format == "garak"
    (attack,) = report.red_team
    assert (attack.attack_class, attack.attempts, attack.successes) == (
        "test.Test / always.Pass",
        50,
        13,
    )
    assert attack.interval is not None and (attack.interval.lower, attack.interval.upper) == (
        0.14,
        0.38,
    )
    assert attack.tool is not None and attack.tool.version == "0.14.0.pre1"
    assert report.date == dt.date(2025, 8, 28)


def test_garak_report_names_its_target() -> None:
    report, _ = _report(FIXTURES / "garak_report_test.report.jsonl")
    assert report.model.id == "qwen2"
    assert [(a.attempts, a.successes) for a in report.red_team] == [(8, 0)]


def _promptfoo_row(plugin: str | None, strategy: str | None, success: bool) -> dict[str, Any]:
    """One row shaped as in promptfoo's own test/__fixtures__/sample-export.json."""
    metadata = {"pluginId": plugin, "strategyId": strategy} if plugin else {}
    return {
        "id": "b7df157c-b0cd-4852-a41a-72523ea294e7",
        "gradingResult": {"pass": success, "score": 1 if success else 0, "reason": "graded"},
        "prompt": {"raw": "...", "label": "{{prompt}}"},
        "provider": {"id": "openai:gpt-5-mini", "label": ""},
        "response": {"output": "...", "finishReason": "stop"},
        "score": 1 if success else 0,
        "success": success,
        "testCase": {"vars": {"prompt": "..."}, "metadata": metadata},
        "metadata": metadata,
        "failureReason": 0 if success else 1,
    }


def test_promptfoo_red_team_results(tmp_path: Path) -> None:
    rows = [_promptfoo_row("prompt-injection", "basic", ok) for ok in [True] * 18 + [False] * 2]
    rows += [_promptfoo_row("harmful:hate", "jailbreak", ok) for ok in [True] * 9 + [False]]
    document = {
        "evalId": "eval-WJi-2025-10-01T20:08:11",
        "results": {"version": 3, "timestamp": "2025-10-01T20:08:11.168Z", "results": rows},
        "config": {"description": "red team"},
    }
    path = write(tmp_path / "results.json", json.dumps(document))
    report, result = _report(path)
    assert result.format == "promptfoo"
    assert report.model.id == "openai:gpt-5-mini"
    assert report.date == dt.date(2025, 10, 1)
    injection, hate = report.red_team
    assert (injection.attack_class, injection.attempts, injection.successes) == (
        "prompt-injection",
        20,
        2,
    )
    assert injection.categories == ["prompt_injection"]
    assert (hate.attack_class, hate.successes) == ("harmful:hate via jailbreak", 1)
    assert set(hate.categories) == {"jailbreak", "harmful_content"}


def test_hugging_face_eval_results_yaml(tmp_path: Path) -> None:
    """The documented `.eval_results/` entry (https://huggingface.co/docs/hub/eval-results)."""
    path = write(
        tmp_path / ".eval_results" / "gpqa.yaml",
        """\
        - dataset:
            id: Idavidrein/gpqa
            task_id: gpqa_diamond
          value: 63.3
          date: '2026-02-03'
          source:
            url: https://huggingface.co/arcee-ai/Trinity-Large-Preview
            name: Model Card
        """,
    )
    report, result = _report(path)
    assert result.format == "hf-eval-results"
    (gpqa,) = report.results
    assert (gpqa.benchmark.id, gpqa.benchmark.subset, gpqa.value) == (
        "Idavidrein/gpqa",
        "gpqa_diamond",
        63.3,
    )
    assert gpqa.date == dt.date(2026, 2, 3)
    assert report.evaluator.name == "Model Card"
    assert "/0/source/url" in result.unmapped


@pytest.mark.shared
def test_model_index_in_card_front_matter() -> None:
    report, result = _report(CORPUS / "model_cards" / "hf_sample_simple_model_index.md")
    assert result.format == "hf-model-index"
    assert report.model.id == "my-cool-model"
    accuracy, f1 = report.results
    assert (accuracy.benchmark.id, accuracy.metric, accuracy.value) == ("beans", "accuracy", 0.9)
    assert (f1.benchmark.split, f1.benchmark.subset, f1.value) == ("test", "default", 0.66)
    assert f1.benchmark.version == "5503434ddd753f426f4b38109466949a1217c2bb"
    assert "/model-index/0/results/1/dataset/args" in result.unmapped


def test_cli_import_writes_evidence_and_unmapped(run_cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "lm.yaml"
    source = FIXTURES / "lm_eval_results_2026-01-21T03-44-18.458309.json"
    result = run_cli("evals", "import", source, "-o", out)
    assert result.code == 0, result.err
    assert "2 evaluation result(s), 0 red-team result(s) from lm-eval" in result.err
    written = yaml.safe_load(out.read_text())
    EvaluationReport.model_validate(written)  # loads back as govern's own schema
    assert written["model"]["revision"] == "82047f5e5d5245c1b3a4cd75ad98aa441d6487cd"
    sidecar = yaml.safe_load((tmp_path / "lm.yaml.unmapped.yaml").read_text())
    assert sidecar["format"] == "lm-eval" and "/transformers_version" in sidecar["unmapped"]


def test_cli_import_refuses_an_unknown_file(run_cli: Any, tmp_path: Path) -> None:
    path = write(tmp_path / "x.json", '{"hello": 1}')
    result = run_cli("evals", "import", path)
    assert result.code == 2
    assert "not a recognised evaluation output" in result.err
    assert "Traceback" not in result.err


@given(st.integers(min_value=1, max_value=5000), st.data())
def test_wilson_interval_holds_the_rate(trials: int, data: st.DataObject) -> None:
    successes = data.draw(st.integers(min_value=0, max_value=trials))
    low, high = wilson(successes, trials, 0.95)
    assert 0 <= low <= successes / trials <= high <= 1


_TASK = st.from_regex(r"[a-z][a-z0-9_]{1,12}", fullmatch=True)
_RATE = st.floats(min_value=0, max_value=1, allow_nan=False)


@given(
    st.dictionaries(
        _TASK,
        st.tuples(_RATE, _RATE, st.integers(1, 10**6), st.integers(0, 25), st.booleans()),
        min_size=1,
        max_size=5,
    )
)
def test_lm_eval_values_are_recovered(
    tasks: dict[str, tuple[float, float, int, int, bool]],
) -> None:
    """Results written in lm-evaluation-harness's layout come back value for value."""
    document: dict[str, Any] = {"lm_eval_version": "0.4.9", "results": {}, "versions": {}}
    for key in ("n-shot", "n-samples", "higher_is_better"):
        document[key] = {}
    for task, (value, stderr, n, shots, higher) in tasks.items():
        document["results"][task] = {"alias": task, "acc,none": value, "acc_stderr,none": stderr}
        document["n-shot"][task] = shots
        document["n-samples"][task] = {"original": n, "effective": n}
        document["higher_is_better"][task] = {"acc": higher}
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "results_2026-01-01T00-00-00.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        report, result = _report(path)
    assert not result.unmapped
    got = {r.benchmark.id: r for r in report.results}
    assert set(got) == set(tasks)
    for task, (value, stderr, n, shots, higher) in tasks.items():
        found = got[task]
        assert (found.value, found.stderr, found.n) == (value, stderr, n)
        assert found.generation is not None and found.generation.n_shot == shots
        assert found.direction == ("higher" if higher else "lower")


def test_broken_jsonl_line_is_one_error_naming_the_line(run_cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "run.report.jsonl"
    lines = (FIXTURES / "garak_test_with_ci.report.jsonl").read_text().splitlines()
    lines[3] = lines[3][:40]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("evals", "import", path)
    assert result.code == 2
    assert f"{path}: line 4: not JSON" in result.err
    assert "Traceback" not in result.err
