"""Every file of the shared corpus (real files by others) loads unmodified and maps right."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from govern.evidence.dataset import DatasetRecord
from govern.evidence.model_card import ModelCard
from govern.load.importers import detect_format, import_file, load_evidence_model

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
MODEL_CARDS = CORPUS / "model_cards"
DATASETS = CORPUS / "datasets"

pytestmark = pytest.mark.shared

# Every corpus file has a test below; a new file must get one too.
COVERED = {
    "model_cards/hf_sample_simple_model_index.md",
    "model_cards/hf_sample_invalid_model_index.md",
    "model_cards/mct_full.json",
    "model_cards/cyclonedx_valid-machine-learning-1.6.json",
    "model_cards/spdx3_ai_example01_simplehtr-example.json",
    "datasets/croissant_dices-350_metadata.json",
    "datasets/croissant_recipes_enum.json",
}


def card(name: str) -> tuple[ModelCard, dict[str, object], list[str]]:
    result = import_file(MODEL_CARDS / name, "model_card")
    assert isinstance(result.model, ModelCard)
    return result.model, result.unmapped, result.warnings


def record(name: str, folder: Path = DATASETS) -> tuple[DatasetRecord, dict[str, object]]:
    result = import_file(folder / name, "dataset")
    assert isinstance(result.model, DatasetRecord)
    return result.model, result.unmapped


def test_every_corpus_file_has_a_test() -> None:
    found = {
        path.relative_to(CORPUS).as_posix()
        for path in CORPUS.rglob("*")
        if path.is_file() and path.name != "MANIFEST.md"
    }
    assert found == COVERED, "add a test for each new corpus file (and list it in COVERED)"


@pytest.mark.parametrize(
    ("name", "kind", "fmt"),
    [
        ("model_cards/hf_sample_simple_model_index.md", "model_card", "huggingface"),
        ("model_cards/hf_sample_invalid_model_index.md", "model_card", "huggingface"),
        ("model_cards/mct_full.json", "model_card", "mct"),
        ("model_cards/cyclonedx_valid-machine-learning-1.6.json", "model_card", "cyclonedx"),
        ("model_cards/spdx3_ai_example01_simplehtr-example.json", "model_card", "spdx3"),
        ("model_cards/spdx3_ai_example01_simplehtr-example.json", "dataset", "spdx3"),
        ("datasets/croissant_dices-350_metadata.json", "dataset", "croissant"),
        ("datasets/croissant_recipes_enum.json", "dataset", "croissant"),
    ],
)
def test_format_is_detected_and_file_left_unmodified(name: str, kind: str, fmt: str) -> None:
    path = CORPUS / name
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    importer = detect_format(path, kind)  # type: ignore[arg-type]
    assert importer is not None and importer.name == fmt
    document, model, _, found = load_evidence_model(path, name, kind, None)
    assert found == fmt
    assert document.sha256 == before == hashlib.sha256(path.read_bytes()).hexdigest()
    assert type(model) is (ModelCard if kind == "model_card" else DatasetRecord)


def test_huggingface_simple_model_index() -> None:
    model, unmapped, warnings = card("hf_sample_simple_model_index.md")
    assert model.identity.name == "my-cool-model"
    assert model.licence.id == "mit"
    assert model.architecture.task == "image-classification"
    assert model.runtime.software == ["timm"]
    accuracy, f1 = model.evaluation
    assert (accuracy.metric, accuracy.value, accuracy.dataset) == ("accuracy", 0.9, "beans")
    assert (f1.metric, f1.value, f1.split, f1.configuration) == ("f1", 0.66, "test", "default")
    roles = {(d.id, d.role, d.version) for d in model.datasets}
    assert roles == {
        ("beans", "training", None),
        ("beans", "testing", "5503434ddd753f426f4b38109466949a1217c2bb"),
    }
    assert unmapped["/model-index/0/results/1/dataset/args"] == {"date": 20220120}
    assert unmapped["/tags"] == ["pytorch", "image-classification"]
    assert "/markdown/Model description" in unmapped
    assert warnings == []


def test_huggingface_invalid_model_index_loads_without_it() -> None:
    model, unmapped, warnings = card("hf_sample_invalid_model_index.md")
    assert model.evaluation == []
    assert model.licence.id == "mit"
    assert [d.id for d in model.datasets] == ["beans"]
    assert model.identity.name == "Invalid Model Index"  # the card's title
    assert unmapped["/model-index"][0]["name"] == "my-cool-model"  # type: ignore[index]
    assert any("model-index" in w and "no dataset" in w for w in warnings)


def test_model_card_toolkit_full() -> None:
    model, unmapped, warnings = card("mct_full.json")
    assert model.identity.name == "name"
    assert model.identity.version == "v1.0"
    assert model.identity.release_date == dt.date(2020, 2, 2)
    assert (model.provider.name, model.provider.contact) == ("name1", "contact1@email.com")
    assert model.licence.id == "Apache-2.0"
    (metric,) = model.evaluation
    assert (metric.metric, metric.value, metric.slice) == ("accuracy", 0.9, "overall")
    assert metric.confidence_interval == (0.85, 0.95)
    assert model.limitations.known_limitations == ["limitations1", "limitations2"]
    (risk,) = model.limitations.risks
    assert (risk.description, risk.mitigation) == (
        "ethical considerations name",
        "mitigation strategy",
    )
    assert model.intended_purpose.description == "use_cases"
    assert [i.format for i in model.io.inputs] == ["32-char-len-text"]
    assert [(o.format, o.description) for o in model.io.outputs] == [("64-char-len-text", "type")]
    assert model.change_control.change_log[0].summary == "The diff with last version."
    assert unmapped["/model_details/owners/1"] == {"name": "name2", "contact": "contact2@email.com"}
    assert unmapped["/model_parameters/data/0/sensitive"] == {"sensitive_data": ["age"]}
    for key in ("/model_details/references", "/model_details/citations", "/model_details/path"):
        assert key in unmapped
    assert any("data name" in w for w in warnings)  # dataset role not stated


def test_cyclonedx_machine_learning_bom() -> None:
    model, unmapped, warnings = card("cyclonedx_valid-machine-learning-1.6.json")
    assert (model.identity.name, model.identity.version) == ("stable-diffusion", "1.4")
    assert model.provider.name == "Acme Inc"
    assert model.architecture.task == "task goes here"
    assert model.architecture.architecture_family == "the architecture family goes here"
    assert model.architecture.model_type == "The architecture of the model."
    assert [i.format for i in model.io.inputs] == ["string"]
    assert [o.format for o in model.io.outputs] == ["byte[]"]
    assert [(d.id, d.role) for d in model.datasets] == [("Training Data", "training")]
    assert "Data scientists and ML researchers" in model.intended_purpose.users
    assert "Limited performance on non-photographic styles" in (model.limitations.known_limitations)
    fairness = [r for r in model.limitations.risks if r.affected]
    assert fairness[0].description == "Expected harms to the identified groups"
    assert unmapped["/components/0/modelCard/modelParameters/approach"] == {"type": "supervised"}
    assert unmapped["/components/0/group"] == "CompVis"
    assert "/components/0/modelCard/considerations/fairnessAssessments/0/benefits" in unmapped
    assert "/components/0/modelCard/quantitativeAnalysis" in unmapped  # its value is prose
    assert any("no numeric value" in w for w in warnings)


def test_spdx3_ai_package() -> None:
    model, unmapped, warnings = card("spdx3_ai_example01_simplehtr-example.json")
    assert (model.identity.name, model.identity.version) == ("word-model", "0.0")
    assert model.identity.release_date == dt.date(2023, 9, 7)
    assert model.provider.name == "Harald Scheidl"
    assert model.licence.id == "MIT"
    assert model.architecture.model_type is not None
    assert model.architecture.model_type.startswith("Deep Neural network")
    assert model.training.hyperparameters["optimizer"] == "RMSprop"
    assert model.training.hyperparameters["rnn_num_layers"] == "2"
    assert "handwriting recognition" in (model.intended_purpose.deployment_context or "")
    assert [(d.id, d.role) for d in model.datasets] == [
        ("IAMdataset", "training"),
        ("IAMdataset", "testing"),
    ]
    assert model.evaluation == []  # its metrics are series per epoch, not single values
    assert any(key.endswith("/ai_metric") for key in unmapped)
    assert any(key.endswith("/ai_safetyRiskAssessment") for key in unmapped)
    assert any("line-model" in w for w in warnings)  # the second AI package


def test_spdx3_second_package_can_be_selected() -> None:
    path = MODEL_CARDS / "spdx3_ai_example01_simplehtr-example.json"
    result = import_file(path, "model_card", select="line-model")
    assert isinstance(result.model, ModelCard)
    assert result.model.identity.name == "line-model"


def test_spdx3_dataset_package() -> None:
    model, unmapped = record("spdx3_ai_example01_simplehtr-example.json", MODEL_CARDS)
    assert (model.id, model.name) == ("iamdataset", "IAMdataset")
    assert model.size.bytes == 4620000000
    assert model.roles == ["training", "testing"]
    assert model.uses.intended == ["For line level or word level character recognition"]
    assert model.rights.licence is not None and "non-commercial research" in model.rights.licence
    assert model.origin.collection_method is not None
    assert model.origin.collection_method.startswith("It was decided to use the Lancaster")
    assert len(model.preparation) == 4
    assert "sensor scanner: HP-Scanjet 6100" in model.origin.collection_type
    assert any(key.endswith("/dataset_confidentialityLevel") for key in unmapped)


def test_croissant_dices_rai_fields() -> None:
    model, unmapped = record("croissant_dices-350_metadata.json")
    assert (model.name, model.version) == ("DICES-350_dataset", "1.0.0")
    assert model.rights.licence == "cc-by-sa-4.0"
    assert model.publisher == "Lora Aroyo"
    assert model.annotation.platform == "Crowdworker annotators with task specific UI"
    assert model.annotation.protocol is not None
    assert model.annotation.protocol.startswith("The annotation task included")
    assert model.annotation.annotators is not None
    assert model.annotation.annotators.demographics is not None
    assert "104 raters" in model.annotation.annotators.demographics
    assert model.annotation.quality_assurance is not None  # rai:dataAnnotationAnalysis
    assert model.bias_examination.findings[0].startswith("Dataset includes multiple sub-ratings")
    assert model.origin.collection_method is not None
    assert model.origin.collection_method.startswith("The input data was sampled")
    assert model.origin.sources and model.origin.sources[0].startswith("The input data for this")
    assert model.origin.collection_type[0].startswith("DICES-350 consists of 350")
    (digest,) = model.files
    assert digest.sha256 == "0091e88bcdc6ef788d30c647ea02e2a52523cbd322c94ea3b46137ef66c44acc"
    assert "/citeAs" in unmapped and "/recordSet" in unmapped


def test_croissant_recipes_enum_minimal_rai() -> None:
    model, unmapped = record("croissant_recipes_enum.json")
    assert model.id == "enum_example"
    assert model.bias_examination.findings == ["Bias 1 in data", "Bias 2 in data"]
    assert model.origin.collection_method == "This is how data is collected"
    assert [f.path for f in model.files] == ["data/enum.csv", "data/enum_directions.csv"]
    assert unmapped["/url"] == "https://example.com/datasets/enum/about"
