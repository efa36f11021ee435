"""govern.yaml pointing straight at foreign files: `govern check` reads them through importers."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from govern.evidence.dataset import DatasetRecord
from govern.evidence.model_card import ModelCard
from govern.load.bundle import load_system

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO.parent / "shared" / "corpus"
# govern reads nothing outside the system folder, so each system gets byte-identical copies of
# the corpus files, named by these paths relative to its govern.yaml.
HF_CARD = Path("corpus/model_cards/hf_sample_simple_model_index.md")
CROISSANT = Path("corpus/datasets/croissant_dices-350_metadata.json")
SPDX = Path("corpus/model_cards/spdx3_ai_example01_simplehtr-example.json")
MCT = Path("corpus/model_cards/mct_full.json")
AS_OF = "2026-11-25"

pytestmark = pytest.mark.shared

MANIFEST = """\
govern: 1
system:
  id: dices-rater
  name: DICES Rater
  version: 1.0.0
  role: provider
  intended_purpose: Rate chatbot answers for safety before they reach applicants.
classification:
  annex_iii: "4(a)"
frameworks: [eu-ai-act]
evidence:
{evidence}
"""


def system(tmp_path: Path, evidence: str) -> Path:
    root = tmp_path / "system"
    root.mkdir(exist_ok=True)
    (root / "govern.yaml").write_text(MANIFEST.format(evidence=evidence), encoding="utf-8")
    for copy in (HF_CARD, CROISSANT, SPDX, MCT):
        (root / copy).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source(copy), root / copy)
    return root


def source(copy: Path) -> Path:
    return CORPUS / copy.relative_to("corpus")


def corpus_system(tmp_path: Path) -> Path:
    # The corpus files are read where they are, unmodified: govern.yaml points at them.
    return system(
        tmp_path,
        f"  model_card: {HF_CARD}\n  datasets:\n    - {{path: {CROISSANT}, format: croissant}}\n",
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def findings(report: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    (result,) = [r for r in report["results"] if r["rule_id"] == rule]
    found: list[dict[str, Any]] = result["findings"]
    return found


def test_check_reads_a_hugging_face_card_and_croissant_file_as_they_are(
    run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    root = corpus_system(tmp_path)
    before = {path: sha256(source(path)) for path in (HF_CARD, CROISSANT)}
    result = run_cli("check", root, "--format", "json", "--as-of", AS_OF)
    assert result.code == 1, result.err
    report = json.loads(result.out)

    # Each evidence record is the engineer's own file, with its own digest.
    evidence = {(e["kind"], e["path"], e["sha256"]) for e in report["evidence"]}
    assert evidence == {
        ("model_card", str(HF_CARD), before[HF_CARD]),
        ("dataset", str(CROISSANT), before[CROISSANT]),
    }
    assert {path: sha256(root / path) for path in before} == before  # nothing was written to them

    # Findings cite the file and the line the value was written on (FILE:LINE:COL).
    where = {
        (f["location"]["field"], f["location"]["line"], f["location"]["column"])
        for f in findings(report, "EUAIA-10-DATASETS-DOCUMENTED")
        if f["location"]["file"] == str(HF_CARD)
    }
    assert ("model_card.datasets[0].sha256", 9, 3) in where  # `- beans` under `datasets:`
    assert ("model_card.datasets[1].sha256", 18, 7) in where  # the model-index dataset
    metric = [
        f
        for f in findings(report, "EUAIA-9-PREDEFINED-METRICS")
        if f["location"]["field"] == "model_card.evaluation[0].threshold"
    ]
    assert metric and metric[0]["location"]["line"] == 21  # `- type: accuracy`
    assert all(f["location"]["sha256"] == before[HF_CARD] for f in metric)

    # The Croissant RAI fields count: annotation is documented, bias findings are recorded.
    statuses = {r["rule_id"]: r["status"] for r in report["results"]}
    assert statuses["EUAIA-10-ANNOTATION-QA"] == "pass"
    bias = {f["location"]["field"] for f in findings(report, "EUAIA-10-BIAS-EXAMINATION")}
    assert "datasets[0].bias_examination.method" in bias
    assert "datasets[0].bias_examination.findings" not in bias
    assert all(
        f["location"]["file"] == str(CROISSANT)
        for f in findings(report, "EUAIA-10-BIAS-EXAMINATION")
    )


def test_text_output_points_at_the_corpus_lines(
    run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    result = run_cli("check", corpus_system(tmp_path), "--as-of", AS_OF)
    assert result.code == 1
    assert f"at {HF_CARD}:9:3 (model_card.datasets[0].sha256)" in result.out


def test_bundle_keeps_the_source_format_and_what_was_not_used(tmp_path: Path) -> None:
    bundle = load_system(corpus_system(tmp_path))
    assert bundle.model_card is not None
    assert isinstance(bundle.model_card.model, ModelCard)
    assert bundle.model_card.source_format == "huggingface"
    assert bundle.model_card.model.licence.id == "mit"
    (dataset,) = bundle.datasets
    assert dataset.source_format == "croissant"
    assert isinstance(dataset.model, DatasetRecord)
    assert dataset.model.annotation.platform == "Crowdworker annotators with task specific UI"
    unmapped = [w for w in bundle.warnings if "have no place in govern's model" in w]
    assert any(w.startswith(str(HF_CARD)) and "/tags" in w for w in unmapped)
    assert any(w.startswith(str(CROISSANT)) and "/citeAs" in w for w in unmapped)


def test_lint_names_the_foreign_files_and_reports_what_was_not_used(
    run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    result = run_cli("card", "lint", corpus_system(tmp_path), "--format", "json")
    assert result.code == 1
    files = {gap["file"] for gap in json.loads(result.out)["gaps"]}
    assert {str(HF_CARD), str(CROISSANT)} <= files
    assert f"warning: {HF_CARD}: " in result.err


def test_select_picks_one_of_several_models(tmp_path: Path) -> None:
    root = system(tmp_path, f"  model_card: {{path: {SPDX}, format: spdx3, select: line-model}}\n")
    bundle = load_system(root)
    assert bundle.model_card is not None
    assert bundle.model_card.model.identity.name == "line-model"
    assert bundle.model_card.sha256 == sha256(source(SPDX))


def test_a_copy_beside_govern_yaml_is_cited_by_its_relative_path(
    run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    root = system(tmp_path, "  model_card: README.md\n")
    shutil.copyfile(source(HF_CARD), root / "README.md")
    result = run_cli("check", root, "--format", "json", "--as-of", AS_OF)
    report = json.loads(result.out)
    assert [(e["kind"], e["path"]) for e in report["evidence"]] == [("model_card", "README.md")]
    files = {f["location"]["file"] for r in report["results"] for f in r["findings"]}
    assert "README.md" in files


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        (
            "  model_card: {path: README.md, format: onnx}\n",
            "govern.yaml:12:33: evidence.model_card.format: Input should be",
        ),
        (
            "  model_card: {path: README.md, format: croissant}\n",
            "govern.yaml:12:3: evidence.model_card: README.md: format 'croissant' does not "
            "describe model cards",
        ),
        (
            "  model_card: {pth: README.md}\n",
            "govern.yaml:12:16: evidence.model_card.pth: unknown field 'pth'",
        ),
        (
            "  model_card: {path: missing.md}\n",
            "govern.yaml:12:16: evidence.model_card.path: evidence file 'missing.md' does not "
            "exist",
        ),
    ],
)
def test_manifest_entry_mistakes_point_at_govern_yaml(
    run_cli: Callable[..., Any], tmp_path: Path, evidence: str, message: str
) -> None:
    root = system(tmp_path, evidence)
    shutil.copyfile(source(HF_CARD), root / "README.md")
    result = run_cli("check", root, "--as-of", AS_OF)
    assert result.code == 2
    assert f"error: {message}" in result.err, result.err
    assert "Traceback" not in result.err


def test_a_file_of_the_other_kind_is_named_as_such(
    run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    root = system(tmp_path, f"  datasets: [{MCT}]\n")
    result = run_cli("check", root, "--as-of", AS_OF)
    assert result.code == 2
    assert "Model Card Toolkit JSON, which describes model cards, not a dataset record" in (
        result.err
    )


def test_a_broken_foreign_file_is_bad_input_at_its_own_line(
    run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    root = system(tmp_path, "  model_card: README.md\n")
    (root / "README.md").write_text("---\nlicense: [mit\n---\n# Card\n", encoding="utf-8")
    result = run_cli("check", root, "--as-of", AS_OF)
    assert result.code == 2
    (line,) = result.err.strip().splitlines()
    assert line.startswith("error: README.md:3:1: front matter: YAML syntax error")


def test_manifest_schema_describes_foreign_evidence(run_cli: Callable[..., Any]) -> None:
    result = run_cli("schema", "manifest")
    assert result.code == 0, result.err
    schema = json.loads(result.out)
    ref = schema["$defs"]["EvidenceRef"]
    assert ref["required"] == ["path"]
    assert "croissant" in ref["properties"]["format"]["enum"]
    datasets = schema["$defs"]["EvidencePaths"]["properties"]["datasets"]["items"]
    assert datasets["oneOf"] == [{"type": "string"}, {"$ref": "#/$defs/EvidenceRef"}]


def test_manifest_module_imports_on_its_own() -> None:
    # govern.load.manifest builds on govern.evidence.base; importing it first must not be circular.
    code = "import govern.load.manifest; print(govern.load.manifest.EvidenceRef.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "EvidenceRef"
