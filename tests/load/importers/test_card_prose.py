"""The prose reader on the shapes real cards use, built here where the real card's licence keeps it
out of the repository (Llama's cards: bold key-value lines, HTML and pipe benchmark tables,
`7.7M GPU hours`, `2290 tCO2eq`), and a property test over generated Hugging Face and Mitchell
cards.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govern.evidence.model_card import ModelCard
from govern.evidence.placeholders import has_value
from govern.load.importers import import_file, load_evidence_model
from govern.load.importers.quantities import (
    co2_kg,
    device_hours,
    energy_kwh,
    release_date,
    training_flops,
)
from tests.conftest import write

LLAMA_SHAPED = """\
## Model Information

**Model developer:** Meta

**Model Architecture:** Llama 9.1 is an auto-regressive language model that uses an optimized \
transformer architecture.

**Model Release Date:** July 23, 2024.

**License:** A custom commercial license, the Llama 9.1 Community License, is available at: \
[https://example.com/LICENSE](https://example.com/LICENSE)

**Status:** This is a static model trained on an offline dataset.

## Intended Use

**Intended Use Cases** Llama 9.1 is intended for commercial and research use.

**Out-of-scope** Use in any manner that violates applicable laws or regulations.

## Hardware and Software

**Training Energy Use** Training utilized a cumulative of **39.3**M GPU hours of computation on \
H100-80GB (TDP of 700W) type hardware.

**Training Greenhouse Gas Emissions** Estimated total location-based greenhouse gas emissions \
were **11,390** tons CO2eq for training.

## Benchmark scores

### Base pretrained models

<table>
  <tr>
   <td><strong>Category</strong></td>
   <td><strong>Benchmark</strong></td>
   <td><strong># Shots</strong></td>
   <td><strong>Metric</strong></td>
   <td><strong>Llama 9.1 8B</strong></td>
   <td><strong>Llama 2 7B</strong></td>
  </tr>
  <tr>
   <td rowspan="2">General</td>
   <td>MMLU</td>
   <td>5</td>
   <td>macro_avg/acc_char</td>
   <td>66.7</td>
   <td>45.7</td>
  </tr>
  <tr>
   <td>ARC-Challenge</td>
   <td>25</td>
   <td>acc_char</td>
   <td>79.7</td>
   <td>53.7</td>
  </tr>
</table>

### Instruction tuned models

| Benchmark | Llama 9.1 8B Instruct | Other 7B |
| :--- | :---: | :---: |
| GSM-8K (8-shot, CoT) | 84.5 | 70.1 |
| HumanEval (0-shot) | 72.6 | - |
"""


def imported(tmp_path: Path, text: str, name: str = "MODEL_CARD.md") -> ModelCard:
    card = import_file(write(tmp_path / name, text), "model_card", "huggingface").model
    assert isinstance(card, ModelCard)
    return card


def test_bold_key_values_quantities_and_tables(tmp_path: Path) -> None:
    card = imported(tmp_path, LLAMA_SHAPED)
    assert card.identity.name == "Llama 9.1"  # the subject of the architecture line
    assert card.provider.name == "Meta"
    assert card.identity.release_date == dt.date(2024, 7, 23)
    assert card.licence.id == "Llama 9.1 Community License"
    assert card.licence.url == "https://example.com/LICENSE"
    assert card.intended_purpose.description == (
        "Llama 9.1 is intended for commercial and research use."
    )
    assert card.out_of_scope.uses == [
        "Use in any manner that violates applicable laws or regulations."
    ]
    assert card.runtime.update_policy == "This is a static model trained on an offline dataset."
    energy = card.compute_energy
    assert (energy.training_hours, energy.co2e_kg, energy.hardware) == (
        39_300_000,
        11_390_000,
        "H100-80GB",
    )
    results = [(e.dataset, e.metric, e.value, e.configuration) for e in card.evaluation]
    # Only the columns naming this model: a baseline's score never passes for the model's own.
    assert results == [
        ("MMLU", "macro_avg/acc_char", 66.7, "Llama 9.1 8B, 5-shot"),
        ("ARC-Challenge", "acc_char", 79.7, "Llama 9.1 8B, 25-shot"),
        ("GSM-8K", "score", 84.5, "Llama 9.1 8B Instruct, 8-shot"),
        ("HumanEval", "score", 72.6, "Llama 9.1 8B Instruct, 0-shot"),
    ]


def test_sources_point_at_the_lines_they_came_from(tmp_path: Path) -> None:
    path = write(tmp_path / "MODEL_CARD.md", LLAMA_SHAPED)
    document = load_evidence_model(path, "MODEL_CARD.md", "model_card", "huggingface").document
    lines = LLAMA_SHAPED.splitlines()

    def line(*field: str | int) -> str:
        return lines[document.locate(field).line - 1]

    assert line("provider", "name") == "**Model developer:** Meta"
    assert line("compute_energy", "co2e_kg").startswith("**Training Greenhouse Gas Emissions**")
    assert line("evaluation", 0, "value").strip() == "<tr>"
    assert line("evaluation", 2, "value").startswith("| GSM-8K")


def test_baseline_columns_stay_unmapped(tmp_path: Path) -> None:
    result = import_file(write(tmp_path / "c.md", LLAMA_SHAPED), "model_card", "huggingface")
    kept = [k for k in result.unmapped if "table at line" in k]
    assert kept  # rows holding another model's scores are kept for the reader
    assert all("Base pretrained models" in k or "Instruction tuned models" in k for k in kept)


def test_titles_placeholders_and_links(tmp_path: Path) -> None:
    card = imported(
        tmp_path,
        "# Model Card: [Tiny](https://example.com/tiny)\n\n"
        "## Model Details\n\n"
        "- **Developed by:** Forthcoming\n"
        "- **License:** TBD\n"
        "- **Finetuned from model:** [org/base](https://huggingface.co/org/base)\n\n"
        "## Environmental Impact\n\n"
        "- **Hardware Type:** [More Information Needed]\n"
        "- **Carbon Emitted:** N/A\n",
    )
    assert card.identity.name == "Tiny"
    assert card.provider.name is None and card.licence.id is None
    assert card.compute_energy.hardware is None and card.compute_energy.co2e_kg is None
    assert [c.name for c in card.components] == ["org/base"]


def test_deprecation_notice_and_section_titles_are_not_names(tmp_path: Path) -> None:
    deprecated = "# This model is deprecated\n\n# Acme Model Card\n\ntext\n"
    assert imported(tmp_path, deprecated).identity.name == "Acme"
    assert imported(tmp_path, "# Overview\n\nA model.\n").identity.name is None
    assert imported(tmp_path, "# **Model Details**\n\nA model.\n").identity.name is None


def test_quantities_in_the_units_people_write() -> None:
    assert co2_kg("Estimated total emissions were 2290 tCO2eq") == 2_290_000
    assert co2_kg("2.6 pounds of CO2 equivalent") == 2.6 * 0.45359237
    assert co2_kg("123g", unit_implied=True) == 0.123
    assert co2_kg("0.5 t", unit_implied=True) == 500
    assert co2_kg("123g") is None  # not said to be CO2
    assert energy_kwh("2.6 kW * 2 hours = 5.2 kWh") == 5.2
    assert energy_kwh("1.5 MWh") == 1500
    assert training_flops("trained with 3.8 \u00d7 10^25 FLOPs") == 3.8e25
    assert training_flops("about 2e24 FLOPs of compute") == 2e24
    assert device_hours("a cumulative of 916k GPU hours") == 916_000
    assert device_hours("680,000 hours of audio") is None
    assert device_hours("2 hours", unit_implied=True) == 2
    assert release_date("Oct 24, 2024") == (dt.date(2024, 10, 24), True)
    assert release_date("February 2019, trained on data") == (dt.date(2019, 2, 1), False)


# ---------------------------------------------------------------------------------------------
# Property: a generated card's values come back


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9)
_PHRASE = (
    st.lists(_WORD, min_size=2, max_size=6)
    .map(lambda words: " ".join(words).capitalize())
    .filter(lambda p: has_value(p) and "model" not in p.lower() and "card" not in p.lower())
)
_NAME = st.lists(_WORD, min_size=1, max_size=3).map(lambda w: "-".join(w))
_AMOUNT = st.integers(min_value=1, max_value=99_999).map(lambda n: n / 10)
_DATE = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))

HF = """\
---
license: {licence}
---
# Model Card for {name}

## Model Details

### Model Description

- **Developed by:** {developer}
- **Model type:** {model_type}

## Uses

### Direct Use

{purpose}

### Out-of-Scope Use

- {oos1}
- {oos2}

## Bias, Risks, and Limitations

{limitation}

## Environmental Impact

- **Hardware Type:** {hardware}
- **Hours used:** {hours}
- **Carbon Emitted:** {co2} kg CO2eq

## Model Card Contact

{contact}
"""

MITCHELL = """\
# {name} Model Card

## Model Details

**Model developer:** {developer}

**Model date:** {date:%B} {date.day}, {date.year}

**Model type:** {model_type}

## Intended Use

{purpose}

### Out-of-Scope Use Cases

- {oos1}
- {oos2}

## Factors

- {factor}

## Quantitative Analyses

| Benchmark | Accuracy |
|---|---|
| {benchmark} | {score} |

## Ethical Considerations

{ethics}

## Caveats and Recommendations

{limitation}
"""

_SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(
    name=_NAME,
    licence=_NAME,
    developer=_PHRASE,
    model_type=_PHRASE,
    purpose=_PHRASE,
    oos=st.lists(_PHRASE, min_size=2, max_size=2, unique=True),
    limitation=_PHRASE,
    hardware=_PHRASE,
    hours=_AMOUNT,
    co2=_AMOUNT,
    contact=_PHRASE,
)
def test_generated_hugging_face_card_is_recovered(
    tmp_path_factory: object,
    name: str,
    licence: str,
    developer: str,
    model_type: str,
    purpose: str,
    oos: list[str],
    limitation: str,
    hardware: str,
    hours: float,
    co2: float,
    contact: str,
) -> None:
    text = HF.format(
        name=name,
        licence=licence,
        developer=developer,
        model_type=model_type,
        purpose=purpose,
        oos1=oos[0],
        oos2=oos[1],
        limitation=limitation,
        hardware=hardware,
        hours=f"{hours:g}",
        co2=f"{co2:g}",
        contact=contact,
    )
    card = _import(tmp_path_factory, text)
    assert (card.identity.name, card.licence.id, card.provider.name) == (name, licence, developer)
    assert card.architecture.model_type == model_type
    assert card.intended_purpose.description == purpose
    assert card.out_of_scope.uses == oos
    assert card.limitations.known_limitations == [limitation]
    assert card.compute_energy.hardware == hardware
    assert card.compute_energy.training_hours == hours
    assert card.compute_energy.co2e_kg == co2
    assert card.feedback.contact == contact


@_SETTINGS
@given(
    name=_NAME,
    developer=_PHRASE,
    date=_DATE,
    model_type=_PHRASE,
    purpose=_PHRASE,
    oos=st.lists(_PHRASE, min_size=2, max_size=2, unique=True),
    factor=_PHRASE,
    benchmark=_NAME,
    score=_AMOUNT,
    ethics=_PHRASE,
    limitation=_PHRASE,
)
def test_generated_mitchell_card_is_recovered(
    tmp_path_factory: object,
    name: str,
    developer: str,
    date: dt.date,
    model_type: str,
    purpose: str,
    oos: list[str],
    factor: str,
    benchmark: str,
    score: float,
    ethics: str,
    limitation: str,
) -> None:
    text = MITCHELL.format(
        name=name,
        developer=developer,
        date=date,
        model_type=model_type,
        purpose=purpose,
        oos1=oos[0],
        oos2=oos[1],
        factor=factor,
        benchmark=benchmark,
        score=f"{score:g}",
        ethics=ethics,
        limitation=limitation,
    )
    card = _import(tmp_path_factory, text)
    assert (card.identity.name, card.provider.name) == (name, developer)
    assert card.identity.release_date == date
    assert card.architecture.model_type == model_type
    assert card.intended_purpose.description == purpose
    assert card.out_of_scope.uses == oos
    assert card.disaggregated.factors == [factor]
    assert [(e.dataset, e.metric, e.value) for e in card.evaluation] == [
        (benchmark, "Accuracy", score)
    ]
    assert card.limitations.foreseeable_unintended_outcomes == [ethics]
    assert card.limitations.recommendations == [limitation]


def _import(tmp_path_factory: object, text: str) -> ModelCard:
    folder = tmp_path_factory.mktemp("card")  # type: ignore[attr-defined]
    return imported(folder, text, "README.md")


def test_result_bullets_and_dataset_references(tmp_path: Path) -> None:
    card = imported(
        tmp_path,
        "# Model Card for tiny\n\n## Training Details\n\n### Training Data\n\n"
        "Trained on the `org/plos-norm` dataset.\n\n## Evaluation\n\n#### Testing Data\n\n"
        "The test split of [it](https://huggingface.co/datasets/org/plos-norm).\n\n"
        "### Results\n\n- **ROUGE-L:** 0.2379 (up from baseline 0.0372)\n- **License:** mit\n",
    )
    assert [(d.id, d.role) for d in card.datasets] == [
        ("org/plos-norm", "training"),
        ("org/plos-norm", "testing"),
    ]
    assert [(e.metric, e.value) for e in card.evaluation] == [("ROUGE-L", 0.2379)]


def test_a_figure_repeating_the_front_matter_is_accounted_for() -> None:
    data = Path(__file__).parent / "data" / "hf_full_template.md"
    result = import_file(data, "model_card", "huggingface")
    assert "/markdown/Environmental Impact/Carbon Emitted" not in result.unmapped  # 1.5 kg twice
    assert "/markdown/Environmental Impact/Hardware Type" in result.unmapped  # says otherwise


_MARKDOWN_BITS = st.sampled_from(
    [
        "# Model Card: X",
        "## Intended Use",
        "### Out-of-Scope Use",
        "## Benchmarks",
        "**License:** mit",
        "**Model developer** Meta",
        "- **Hours used:** 2",
        "- key: value",
        "| Benchmark | X 1B | Y 2B |",
        "|---|---|---|",
        "| MMLU (5-shot) | 66.6 | - |",
        "<table>",
        "<tr>",
        '<td rowspan="3">a</td>',
        "<td>1.5</td>",
        "</tr>",
        "</table>",
        "2290 tCO2eq",
        "7.7M GPU hours",
        "February 2019",
        "```",
        "<!-- c -->",
        "",
        "text.",
        "[More Information Needed]",
        "**",
        "|",
        "- ",
        "1.",
        "\\|",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_MARKDOWN_BITS, min_size=1, max_size=40))
def test_any_markdown_imports_or_is_refused_cleanly(
    tmp_path_factory: object, bits: list[str]
) -> None:
    from govern.errors import InputError

    folder = tmp_path_factory.mktemp("md")  # type: ignore[attr-defined]
    path = write(folder / "README.md", "# T\n" + "\n".join(bits) + "\n")
    try:
        result = import_file(path, "model_card", "huggingface")
    except InputError:
        return
    assert isinstance(result.model, ModelCard)
