"""Malformed foreign files: one line per problem (FILE:LINE:COL), exit 2, nothing written."""

from __future__ import annotations

import contextlib
import copy
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from govern.errors import GovernError
from govern.load.importers import import_document
from govern.load.importers.markdown import split_front_matter

REPO = Path(__file__).resolve().parents[3]
DATA = Path(__file__).parent / "data"
CORPUS = REPO.parent / "shared" / "corpus"

BOM = '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [%s]}'
MODEL = '{"type": "machine-learning-model", "name": "m", %s}'
CROISSANT = (
    '{"@context": {"@vocab": "https://schema.org/", '
    '"rai": "http://mlcommons.org/croissant/RAI/"}, "@type": "sc:Dataset", "name": "d", %s}'
)
SPDX = '{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [%s]}'
AI_PACKAGE = '{"type": "ai_AIPackage", "spdxId": "urn:x", "name": "m", %s}'

# (test id, command, file name, content, --from, what the one error line must say)
CASES = [
    # Truncated or otherwise broken JSON, for each JSON format
    ("cyclonedx-truncated", "card", "bom.json", BOM[:60], "auto", "bom.json:1:50: JSON syntax"),
    (
        "mct-truncated",
        "card",
        "mct.json",
        '{"model_details": {"name": "a"',
        "mct",
        "mct.json:1:31:",
    ),
    (
        "spdx3-trailing-comma",
        "card",
        "s.json",
        '{\n  "@graph": [],\n}',
        "spdx3",
        "s.json:3:1: JSON syntax error",
    ),
    (
        "croissant-truncated",
        "dataset",
        "c.json",
        CROISSANT[:80],
        "croissant",
        "c.json:1:55: JSON syntax",
    ),
    # Wrong types where the format puts a section or a list
    (
        "cyclonedx-components-not-a-list",
        "card",
        "bom.json",
        '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": {"a": 1}}',
        "auto",
        "bom.json:1:50: components: expected a list, found an object",
    ),
    (
        "cyclonedx-model-card-is-a-string",
        "card",
        "bom.json",
        BOM % (MODEL % '"modelCard": "x"'),
        "auto",
        "components[0].modelCard: expected an object, found the string 'x'",
    ),
    (
        "cyclonedx-inputs-a-number",
        "card",
        "bom.json",
        BOM % (MODEL % '"modelCard": {"modelParameters": {"inputs": 5}}'),
        "cyclonedx",
        "components[0].modelCard.modelParameters.inputs: expected a list, found the number 5",
    ),
    (
        "cyclonedx-dataset-ref-a-list",
        "card",
        "bom.json",
        BOM % (MODEL % '"modelCard": {"modelParameters": {"datasets": [{"ref": ["a"]}]}}'),
        "auto",
        "modelParameters.datasets[0].ref: expected a string, found a list",
    ),
    (
        "cyclonedx-spec-1-4",
        "card",
        "bom.json",
        '{"bomFormat": "CycloneDX", "specVersion": "1.4"}',
        "auto",
        "specVersion: CycloneDX 1.4 has no modelCard",
    ),
    (
        "mct-model-details-a-string",
        "card",
        "mct.json",
        '{"model_details": "x"}',
        "mct",
        "mct.json:1:2: model_details: expected an object, found the string 'x'",
    ),
    (
        "mct-owners-a-string",
        "card",
        "mct.json",
        '{"model_details": {"owners": "me"}}',
        "auto",
        "model_details.owners: expected a list",
    ),
    (
        "spdx3-graph-item-a-string",
        "card",
        "s.json",
        SPDX % (AI_PACKAGE % '"ai_metric": 3') + "",
        "spdx3",
        "@graph[0].ai_metric: expected a list, found the number 3",
    ),
    (
        "croissant-distribution-a-string",
        "dataset",
        "c.json",
        CROISSANT % '"distribution": "x"',
        "auto",
        "distribution: expected a list or an object, found the string 'x'",
    ),
    (
        "hf-dataset-info-splits-a-number",
        "dataset",
        "README.md",
        "---\npretty_name: x\ndataset_info:\n  splits: 5\n---\n# x\n",
        "auto",
        "README.md:4:3: dataset_info.splits: expected a list, found the number 5",
    ),
    (
        "hf-base-model-a-mapping",
        "card",
        "README.md",
        "---\nbase_model: {a: 1}\n---\n# x\n",
        "huggingface",
        "README.md:2:1: base_model: expected a string or a list, found an object",
    ),
    # YAML front matter errors
    (
        "hf-front-matter-syntax",
        "card",
        "README.md",
        "---\nlicense: mit\ntags: [a\n---\n# x\n",
        "auto",
        "README.md:4:1: front matter: YAML syntax error",
    ),
    (
        "hf-front-matter-a-list",
        "card",
        "README.md",
        "---\n- a\n- b\n---\n# x\n",
        "auto",
        "README.md:2:1: the YAML front matter must be a mapping",
    ),
    (
        "hf-front-matter-never-closed",
        "card",
        "README.md",
        "---\nlicense: mit\n\n# x\n",
        "auto",
        "README.md:1:1: the YAML front matter opened on this line is never closed",
    ),
    (
        "hf-front-matter-python-tag",
        "card",
        "README.md",
        "---\nx: !!python/object/apply:os.system [echo pwned]\n---\n# x\n",
        "auto",
        "README.md:2:4: x: front matter: unsupported YAML tag",
    ),
    (
        "hf-front-matter-duplicate-key",
        "dataset",
        "README.md",
        "---\nlicense: mit\nlicense: apache-2.0\n---\n# x\n",
        "huggingface",
        "README.md:3:1: license: front matter: duplicate key 'license'",
    ),
    # A file that is not of the format named
    ("json-named-huggingface", "card", "x.json", '{"a": 1}', "huggingface", "not a Hugging Face"),
    ("text-named-huggingface", "card", "x.txt", "plain words\n", "huggingface", "no markdown"),
    ("cyclonedx-named-mct", "card", "bom.json", BOM % "", "mct", "not a Model Card Toolkit file"),
    ("mct-named-cyclonedx", "card", "m.json", '{"model_details": {}}', "cyclonedx", "bomFormat"),
    ("mct-named-spdx3", "card", "m.json", '{"model_details": {}}', "spdx3", 'no "@graph" list'),
    ("cyclonedx-named-croissant", "dataset", "b.json", BOM % "", "croissant", "no JSON-LD"),
    (
        "spdx3-named-croissant",
        "dataset",
        "s.json",
        SPDX % "",
        "croissant",
        "its @type is not a schema.org Dataset",
    ),
    ("markdown-named-croissant", "dataset", "README.md", "# x\n", "croissant", "JSON syntax"),
    (
        "dataset-card-imported-as-model-card",
        "card",
        "README.md",
        "---\npretty_name: Tickets\ntask_categories: [text-classification]\n---\n# Tickets\n",
        "auto",
        "Hugging Face dataset card (README.md with YAML front matter), which describes dataset "
        "records, not a model card",
    ),
    ("unrecognised-json", "card", "x.json", '{"hello": "world"}', "auto", "not a recognised"),
    ("empty-file", "dataset", "c.json", "", "auto", "c.json: file is empty"),
]


@pytest.mark.parametrize(
    ("command", "name", "content", "fmt", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_malformed_input_is_one_clear_line_and_exit_2(
    run_cli: Callable[..., Any],
    tmp_path: Path,
    command: str,
    name: str,
    content: str,
    fmt: str,
    message: str,
) -> None:
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    output = tmp_path / "out.yaml"
    result = run_cli(command, "import", source, "--from", fmt, "-o", output)
    assert result.code == 2, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"error: {source}"), lines[0]
    assert message in lines[0], lines[0]
    assert "Traceback" not in result.err
    assert not output.exists() and list(tmp_path.iterdir()) == [source]  # nothing half-written


def test_lint_and_export_refuse_the_same_input(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    source = tmp_path / "bom.json"
    source.write_text(BOM % (MODEL % '"modelCard": "x"'), encoding="utf-8")
    for args in (("card", "lint", source), ("card", "export", source, "-o", tmp_path / "o.json")):
        result = run_cli(*args)
        assert result.code == 2
        assert "components[0].modelCard: expected an object" in result.err
    assert not (tmp_path / "o.json").exists()


# ---------------------------------------------------------------------------------------------
# Every value of real files replaced by values of the wrong kind: an import or a GovernError,
# never an exception of another kind (seeded, so a failure reproduces).

SAMPLES = [
    ("model_cards/hf_sample_simple_model_index.md", "model_card"),
    ("model_cards/mct_full.json", "model_card"),
    ("model_cards/cyclonedx_valid-machine-learning-1.6.json", "model_card"),
    ("model_cards/spdx3_ai_example01_simplehtr-example.json", "model_card"),
    ("model_cards/spdx3_ai_example01_simplehtr-example.json", "dataset"),
    ("datasets/croissant_dices-350_metadata.json", "dataset"),
    ("datasets/croissant_recipes_enum.json", "dataset"),
]
WRONG: list[Any] = [5, "x", [1], {"a": 1}, None, True, [{"a": [1]}]]


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def _mutants(path: Path, count: int) -> Iterator[str]:
    text = path.read_text(encoding="utf-8")
    markdown = path.suffix == ".md"
    if markdown:
        front, _, body, _ = split_front_matter(text)
        data = yaml.safe_load(front or "")
    else:
        data = json.loads(text)
    rng = random.Random(f"{path.name}:{count}")
    paths = list(_paths(data))
    for target in rng.sample(paths, min(count, len(paths))):
        changed = copy.deepcopy(data)
        node = changed
        for part in target[:-1]:
            node = node[part]
        node[target[-1]] = copy.deepcopy(rng.choice(WRONG))
        if markdown:
            yield "---\n" + yaml.safe_dump(changed, sort_keys=False) + "---\n" + body
        else:
            yield json.dumps(changed)


@pytest.mark.shared
@pytest.mark.parametrize(("name", "kind"), SAMPLES, ids=[f"{n}-{k}" for n, k in SAMPLES])
def test_values_of_the_wrong_kind_never_crash_an_importer(
    tmp_path: Path, name: str, kind: str
) -> None:
    source = CORPUS / name
    target = tmp_path / source.name
    for mutant in _mutants(source, 150):
        target.write_text(mutant, encoding="utf-8")
        with contextlib.suppress(GovernError):
            import_document(target, kind)  # type: ignore[arg-type]
