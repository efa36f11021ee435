"""`govern card import|export` and `govern dataset import` through the real entry point."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from govern.evidence.dataset import DatasetRecord
from govern.evidence.model_card import ModelCard
from govern.load.documents import load_document
from govern.load.importers.cyclonedx import validate_bom
from govern.load.validation import load_validate

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "credit-scoring"
DATA = REPO / "tests" / "load" / "importers" / "data"


@pytest.fixture
def govern(run_cli: Callable[..., Any]) -> Callable[..., Any]:
    return run_cli


def test_card_import_writes_our_card_and_keeps_the_rest(
    govern: Callable[..., Any], tmp_path: Path
) -> None:
    out = tmp_path / "card.yaml"
    result = govern("card", "import", DATA / "hf_full_template.md", "-o", out)
    assert result.code == 0, result.err
    card = load_validate(ModelCard, load_document(out))
    assert card.provider.name == "ACME Support Analytics"
    assert out.read_text(encoding="utf-8").startswith("# govern model card imported from")
    sidecar = tmp_path / "card.yaml.unmapped.yaml"
    kept = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
    assert kept["format"] == "huggingface"
    assert kept["unmapped"]["/markdown/Citation"].endswith("@misc{acme2026router}")
    assert "/markdown/Citation:" in result.err  # every unmapped field is listed
    assert "warning:" in result.err and "not a number" in result.err


def test_import_never_overwrites_without_force(govern: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "card.yaml"
    out.write_text("keep me\n", encoding="utf-8")
    result = govern("card", "import", DATA / "hf_full_template.md", "-o", out)
    assert result.code == 2 and "already exists" in result.err
    assert out.read_text(encoding="utf-8") == "keep me\n"
    assert govern("card", "import", DATA / "hf_full_template.md", "-o", out, "--force").code == 0


def test_import_to_standard_output(govern: Callable[..., Any]) -> None:
    result = govern("card", "import", DATA / "hf_full_template.md", "--from", "huggingface")
    assert result.code == 0
    assert yaml.safe_load(result.out)["identity"]["name"] == "acme-complaint-router"


def test_import_of_a_broken_file_exits_2(govern: Callable[..., Any]) -> None:
    result = govern("card", "import", DATA / "front_matter_is_a_list.md")
    assert result.code == 2
    assert "front_matter_is_a_list.md:2:1:" in result.err


def test_dataset_import_with_an_id(govern: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "data.yaml"
    result = govern(
        "dataset", "import", DATA / "croissant_1_1_provenance.json", "-o", out, "--id", "imagenet-c"
    )
    assert result.code == 0, result.err
    record = load_validate(DatasetRecord, load_document(out))
    assert record.id == "imagenet-c"
    assert record.origin.derived_from == ["urn:dataset:ImageNet"]


def test_export_a_system_with_its_fairness_report(
    govern: Callable[..., Any], tmp_path: Path
) -> None:
    out = tmp_path / "bom.cdx.json"
    result = govern("card", "export", EXAMPLE, "--to", "cyclonedx", "-o", out)
    assert result.code == 0, result.err
    bom = json.loads(out.read_text(encoding="utf-8"))
    assert validate_bom(bom) == []
    assessments = bom["components"][0]["modelCard"]["considerations"]["fairnessAssessments"]
    assert any(a["groupAtRisk"].startswith("sex=") for a in assessments)
    assert len([c for c in bom["components"] if c["type"] == "data"]) == 3


def test_export_a_single_card_to_standard_output(govern: Callable[..., Any]) -> None:
    result = govern(
        "card",
        "export",
        EXAMPLE / "docs" / "model_card.yaml",
        "--fairness",
        EXAMPLE / "reports" / "fairness.json",
        "--dataset",
        EXAMPLE / "docs" / "data" / "training.yaml",
    )
    assert result.code == 0, result.err
    bom = json.loads(result.out)
    assert validate_bom(bom) == []
    training = next(c for c in bom["components"] if c["type"] == "data")
    assert training["data"][0]["name"].startswith("Consumer-loan applications")


def test_command_modules_import_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "import govern.cli.card, govern.cli.dataset, govern.cli.init\n"
        "bad = [m for m in ('govern.load.importers', 'govern.engine.card_gaps', 'govern.scaffold', "
        "'cyclonedx', 'jsonschema', 'yaml') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_check_does_not_import_the_importers() -> None:
    code = (
        "import sys\nfrom govern.cli import main\n"
        f"try:\n    main(['check', {str(EXAMPLE)!r}, '--as-of', '2026-11-25'])\n"
        "except SystemExit:\n    pass\n"
        "print('LOADED:' + ','.join(m for m in "
        "('govern.load.importers', 'govern.engine.card_gaps') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    line = next(x for x in out.stdout.splitlines() if x.startswith("LOADED:"))
    assert line == "LOADED:"


CORPUS = REPO.parent / "shared" / "corpus"
needs_corpus = pytest.mark.shared


@needs_corpus
def test_import_to_standard_output_keeps_what_it_could_not_map(
    govern: Callable[..., Any],
) -> None:
    from govern.load.importers import import_file

    source = CORPUS / "model_cards" / "hf_sample_simple_model_index.md"
    result = govern("card", "import", source)
    assert result.code == 0, result.err
    card, _, kept = result.out.partition("\n# Source fields govern's model has no place for")
    assert load_validate(ModelCard, _parse(card)).identity.name == "my-cool-model"
    block = "\n".join(line.removeprefix("# ") for line in kept.splitlines()[1:])
    unmapped = yaml.safe_load(block)["unmapped"]
    assert unmapped == import_file(source, "model_card").unmapped
    assert unmapped["/model-index/0/results/1/dataset/args"] == {"date": 20220120}
    for pointer in unmapped:  # and each of them is listed
        assert f"  {pointer}: " in result.err


@needs_corpus
def test_dataset_import_keeps_every_unmapped_field_beside_the_record(
    govern: Callable[..., Any], tmp_path: Path
) -> None:
    from govern.load.importers import import_file

    source = CORPUS / "datasets" / "croissant_dices-350_metadata.json"
    out = tmp_path / "dices.yaml"
    result = govern("dataset", "import", source, "-o", out)
    assert result.code == 0, result.err
    record = load_validate(DatasetRecord, load_document(out))
    assert record.annotation.platform == "Crowdworker annotators with task specific UI"
    kept = yaml.safe_load((tmp_path / "dices.yaml.unmapped.yaml").read_text(encoding="utf-8"))
    assert kept["unmapped"] == import_file(source, "dataset").unmapped
    assert kept["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert "/recordSet" in kept["unmapped"]


def test_card_lint_of_a_missing_file_exits_2(govern: Callable[..., Any], tmp_path: Path) -> None:
    result = govern("card", "lint", tmp_path / "nope.md")
    assert result.code == 2 and "no such file" in result.err


def _parse(text: str) -> Any:
    from govern.load.documents import parse_document

    return parse_document(text, text.encode("utf-8"), Path("card.yaml"), "card.yaml")


def _schema_errors(text: str, version: str = "1.7") -> Any:
    """The CycloneDX library's own strict validator, independent of govern's wrapper."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    schema = SchemaVersion.V1_7 if version == "1.7" else SchemaVersion.V1_6
    return JsonStrictValidator(schema).validate_str(text)


@needs_corpus
def test_cyclonedx_round_trip_through_the_commands(
    govern: Callable[..., Any], tmp_path: Path
) -> None:
    source = CORPUS / "model_cards" / "cyclonedx_valid-machine-learning-1.6.json"
    first, bom, second = tmp_path / "first.yaml", tmp_path / "bom.json", tmp_path / "second.yaml"
    assert govern("card", "import", source, "-o", first).code == 0
    result = govern("card", "export", first, "--to", "cyclonedx", "-o", bom)
    assert result.code == 0, result.err
    assert _schema_errors(bom.read_text(encoding="utf-8")) is None
    assert json.loads(bom.read_text(encoding="utf-8"))["specVersion"] == "1.7"
    assert govern("card", "import", bom, "-o", second).code == 0
    before = load_validate(ModelCard, load_document(first))
    after = load_validate(ModelCard, load_document(second))
    assert after == before
    assert after.identity.name == "stable-diffusion"
    assert not (tmp_path / "second.yaml.unmapped.yaml").exists()  # nothing left over


def test_exported_fairness_bom_passes_the_library_validator(
    govern: Callable[..., Any],
) -> None:
    result = govern("card", "export", EXAMPLE)
    assert result.code == 0, result.err
    assert _schema_errors(result.out) is None
    card = json.loads(result.out)["components"][0]["modelCard"]
    groups = {a["groupAtRisk"] for a in card["considerations"]["fairnessAssessments"]}
    assert {"sex=F", "sex=M"} <= groups
