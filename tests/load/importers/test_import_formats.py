"""Importer behaviour on small fixtures named for what they exercise, and on broken input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govern.errors import InputError, UsageError
from govern.evidence.dataset import DatasetRecord
from govern.evidence.model_card import ModelCard
from govern.load.importers import get_importer, import_file, load_evidence_model

DATA = Path(__file__).parent / "data"


def write(path: Path, content: object) -> Path:
    text = content if isinstance(content, str) else json.dumps(content)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Hugging Face


def test_front_matter_that_is_a_list_is_rejected() -> None:
    with pytest.raises(InputError) as caught:
        load_evidence_model(DATA / "front_matter_is_a_list.md", "card.md", "model_card", None)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("card.md", 2)
    assert "front matter must be a mapping" in problem.message and "found a list" in problem.message


def test_front_matter_syntax_error_points_at_the_file_line() -> None:
    with pytest.raises(InputError) as caught:
        load_evidence_model(DATA / "front_matter_unclosed_flow.md", "c.md", "model_card", None)
    (problem,) = caught.value.problems
    assert problem.line >= 2 and "front matter: YAML syntax error" in problem.message


def test_model_card_template_sections_and_placeholders() -> None:
    result = import_file(DATA / "hf_full_template.md", "model_card")
    card = result.model
    assert isinstance(card, ModelCard)
    assert card.provider.name == "ACME Support Analytics"
    assert card.architecture.model_type == "Fine-tuned DistilBERT classifier"
    assert (card.licence.id, card.licence.url) == (
        "acme-research-licence",
        "https://example.com/licence",
    )
    assert card.identity.repository == "https://git.example.com/acme/router"
    assert card.intended_purpose.description is not None
    assert card.intended_purpose.description.startswith("Suggest a routing team")
    assert card.intended_purpose.deployment_context is None  # [More Information Needed]
    assert card.out_of_scope.uses == [
        "Deciding on refunds or compensation",
        "Any language other than English",
    ]
    assert card.limitations.recommendations == []  # the template's default sentence
    assert card.training.hyperparameters == {
        "learning_rate": 2e-05,
        "train_batch_size": 16,
        "num_epochs": 3,
        "optimizer": "adamw",
    }
    assert card.compute_energy.training_hours == 2.5
    assert card.compute_energy.co2e_kg == 1.5  # 1500 g in co2_eq_emissions
    assert card.feedback.contact == "ml-support@acme.example"
    assert [(c.name, c.kind) for c in card.components] == [
        ("distilbert/distilbert-base-uncased", "base_model")
    ]
    assert [(e.metric, e.value) for e in card.evaluation] == [("accuracy", 0.91)]
    # A metric given as prose is not a number: kept, with a warning.
    assert result.unmapped["/model-index/0/results/0/metrics/1"] == {
        "type": "f1",
        "value": "not reported",
    }
    assert any("not a number" in w for w in result.warnings)
    assert "/markdown/Citation" in result.unmapped
    assert "/markdown/Environmental Impact/Hardware Type" in result.unmapped  # differs
    assert "/markdown/Model Description/License" not in result.unmapped  # says the same
    assert not any("Cloud Provider" in key for key in result.unmapped)  # a placeholder


def test_imported_values_point_at_their_source_lines() -> None:
    document = load_evidence_model(DATA / "hf_full_template.md", "c.md", "model_card", None)[0]
    text = (DATA / "hf_full_template.md").read_text(encoding="utf-8").splitlines()

    def line_of(path: tuple[str | int, ...]) -> str:
        return text[document.locate(path).line - 1]

    assert line_of(("licence", "url")).startswith("license_link:")
    assert "value: 0.91" in line_of(("evaluation", 0, "value"))
    assert line_of(("feedback", "contact")) == "## Model Card Contact"
    assert "Developed by" in line_of(("provider", "name"))


def test_card_without_front_matter_is_read_from_its_sections(tmp_path: Path) -> None:
    path = write(
        tmp_path / "README.md", "# Model Card for tiny\n\n## Model Card Contact\n\nme@x.example\n"
    )
    card = import_file(path, "model_card").model
    assert isinstance(card, ModelCard)
    assert (card.identity.name, card.feedback.contact) == ("tiny", "me@x.example")


def test_dataset_card() -> None:
    result = import_file(DATA / "hf_dataset_card.md", "dataset")
    record = result.model
    assert isinstance(record, DatasetRecord)
    assert (record.id, record.name) == ("acme-complaints", "ACME Complaints")
    assert record.rights.licence == "cc-by-4.0"
    assert record.publisher == "ACME Support Analytics"
    assert [(s.name, s.records) for s in record.splits] == [("train", 12000), ("test", 3000)]
    assert (record.size.records, record.size.bytes) == (15000, 1200)
    assert record.origin.collection_method is not None
    assert record.origin.collection_method.startswith("Exported from the ticketing system")
    assert record.annotation.protocol == "The resolving team recorded in the ticket is the label."
    assert record.personal_data.anonymisation is not None
    assert record.gaps_limitations == ["Complaints by phone are not included."]
    assert record.uses.out_of_scope == []  # [More Information Needed]
    assert result.unmapped["/size_categories"] == ["10K<n<100K"]
    assert "/markdown/Dataset Card Contact" in result.unmapped


def test_card_kind_is_told_apart(tmp_path: Path) -> None:
    from govern.load.importers import detect_format

    dataset = detect_format(DATA / "hf_dataset_card.md")
    model = detect_format(DATA / "hf_full_template.md")
    assert dataset is not None and dataset.kind == "dataset"
    assert model is not None and model.kind == "model_card"


# ---------------------------------------------------------------------------------------------
# Croissant


def test_croissant_provenance_and_expanded_keys() -> None:
    result = import_file(DATA / "croissant_1_1_provenance.json", "dataset")
    record = result.model
    assert isinstance(record, DatasetRecord)
    assert record.origin.derived_from == ["urn:dataset:ImageNet"]
    assert record.origin.collected_by == "Example Lab pipeline"
    assert record.origin.timeframe is not None
    assert str(record.origin.timeframe.start) == "2020-01-01"  # from a full RAI IRI key
    assert str(record.origin.timeframe.end) == "2022-12-31"
    assert [p.step for p in record.preparation] == [
        "preprocessing",
        "preprocessing",
        "Corruption Transformation",
    ]
    assert record.annotation.annotations_per_item == 3
    assert record.personal_data.categories == []  # "None" says there is nothing
    assert record.rights.licence == "CC BY 4.0"
    assert str(record.published) == "2025-12-10"
    # An MD5-length "sha256" is not a SHA-256 digest: the file stays unmapped, with a warning.
    assert record.files == []
    assert "/distribution" in result.unmapped
    assert any("not a SHA-256 digest" in w for w in result.warnings)


def test_croissant_context_is_never_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access")

    monkeypatch.setattr(socket, "create_connection", refuse)
    path = write(
        tmp_path / "c.json",
        {
            "@context": [
                "https://mlcommons.org/croissant/context.jsonld",
                {"r": "http://mlcommons.org/croissant/RAI/"},
            ],
            "@type": "sc:Dataset",
            "name": "x",
            "r:dataBiases": "Only adults",
        },
    )
    record = import_file(path, "dataset").model
    assert isinstance(record, DatasetRecord)
    assert record.bias_examination.findings == ["Only adults"]


# ---------------------------------------------------------------------------------------------
# Model Card Toolkit, SPDX


def test_mct_metric_values_as_strings_and_bad_values(tmp_path: Path) -> None:
    path = write(
        tmp_path / "mct.json",
        {
            "model_details": {"name": "m", "version": {"name": "2", "date": "2024-05-01"}},
            "quantitative_analysis": {
                "performance_metrics": [
                    {"type": "auc", "value": "0.8", "threshold": "0.7"},
                    {"type": "loss", "value": "low"},
                ]
            },
        },
    )
    result = import_file(path, "model_card")
    card = result.model
    assert isinstance(card, ModelCard)
    assert [(e.metric, e.value, e.threshold) for e in card.evaluation] == [("auc", 0.8, 0.7)]
    assert "/quantitative_analysis/performance_metrics/1" in result.unmapped
    assert str(card.identity.release_date) == "2024-05-01"


def test_spdx_document_without_ai_package(tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.json",
        {"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []},
    )
    with pytest.raises(InputError, match="no AIPackage"):
        import_file(path, "model_card", "spdx3")


# ---------------------------------------------------------------------------------------------
# Registry and hook


def test_native_files_pass_through_the_hook() -> None:
    card = Path(__file__).resolve().parents[3] / "examples/credit-scoring/docs/model_card.yaml"
    document, model, warnings, fmt = load_evidence_model(card, "mc.yaml", "model_card", None)
    assert isinstance(model, ModelCard) and warnings == [] and fmt == "govern"
    assert document.format == "yaml"
    same = load_evidence_model(card, "mc.yaml", "model_card", "govern")
    assert same[1] == model


def test_named_format_that_does_not_fit_the_kind() -> None:
    with pytest.raises(UsageError, match="does not describe dataset records"):
        get_importer("mct", "dataset")
    with pytest.raises(UsageError, match="unknown evidence format"):
        get_importer("onnx", "model_card")


def test_unrecognised_foreign_file(tmp_path: Path) -> None:
    path = write(tmp_path / "x.json", {"hello": "world"})
    with pytest.raises(InputError, match="not a recognised foreign format"):
        import_file(path, "model_card")


def test_invalid_json_reports_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "bom.json", '{\n  "bomFormat": "CycloneDX",\n  "specVersion": "1.6",\n}'
    )
    with pytest.raises(InputError) as caught:
        load_evidence_model(path, "bom.json", "model_card", "cyclonedx")
    assert caught.value.problems[0].line == 4


def test_a_value_that_does_not_fit_is_kept_not_lost(tmp_path: Path) -> None:
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [
            {
                "type": "machine-learning-model",
                "name": "m",
                "modelCard": {"modelParameters": {"datasets": [{"ref": "d"}]}},
            },
            {
                "type": "data",
                "bom-ref": "d",
                "name": "train-set",
                "hashes": [{"alg": "SHA-256", "content": "not-a-digest"}],
            },
        ],
    }
    result = import_file(write(tmp_path / "bom.json", bom), "model_card")
    assert isinstance(result.model, ModelCard)
    (ref,) = result.model.datasets
    assert (ref.id, ref.sha256) == ("train-set", None)
    hash_ = {"alg": "SHA-256", "content": "not-a-digest"}
    assert result.unmapped["/components/1/hashes"] == [hash_]
    assert any("does not fit datasets[0].sha256" in w for w in result.warnings)


def test_windows_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    text = "---\nlicense: mit\nlanguage: eo\n---\n\n# Hello old Windows line breaks\n\n"
    text += "## Model Card Contact\n\nme@x.example\n"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    result = import_file(path, "model_card")
    card = result.model
    assert isinstance(card, ModelCard)
    assert card.licence.id == "mit"
    assert card.identity.name == "Hello old Windows line breaks"
    assert card.feedback.contact == "me@x.example"
    assert result.unmapped == {"/language": "eo"}
