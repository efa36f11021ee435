"""Hugging Face model and dataset cards (README.md): YAML front matter plus template sections."""

# Front matter keys follow huggingface_hub's ModelCardData / DatasetCardData; sections follow its
# model and dataset card templates. `[More Information Needed]` and the templates' default sentences
# are placeholders and count as absent. An invalid `model-index` is dropped with a warning, as
# huggingface_hub itself does, and kept in `unmapped`.

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from govern.evidence.dataset import DatasetRecord
from govern.evidence.model_card import ModelCard
from govern.load.containment import excerpt
from govern.load.documents import FieldPath, SourceDocument
from govern.load.importers.card_prose import ProseReader, canon, subject_name, title_name
from govern.load.importers.interface import ImportResult, Kind
from govern.load.importers.mapping import (
    Mapping,
    integer,
    number,
    pointer,
    slug,
    text,
    texts,
)
from govern.load.importers.markdown import (
    MARKDOWN_KEY,
    Section,
    bullet_items,
    parse_sections,
    plain,
    read_card,
    split_front_matter,
)
from govern.load.importers.result import finish
from govern.load.importers.shape import Rule, check_shape

_SUFFIXES = (".md", ".markdown", ".mdx")
# Defaults the templates write when a section was left empty: as good as absent.
_TEMPLATE_DEFAULTS = (
    "users (both direct and downstream) should be made aware of the risks, biases and limitations",
    "users should be made aware of the risks, biases and limitations of the dataset",
    "use the code below to get started with the model",
    "carbon emissions can be estimated using the",
)
_DATASET_KEYS = {
    "pretty_name",
    "task_categories",
    "size_categories",
    "annotations_creators",
    "language_creators",
    "source_datasets",
    "dataset_info",
    "configs",
    "multilinguality",
    "task_ids",
}


def _is_card(path: Path, text_: str) -> bool:
    name = path.name.lower()
    return path.suffix.lower() in _SUFFIXES or name.startswith("readme")


def looks_like_dataset_card(text_: str) -> bool:
    """A card is a dataset card when its metadata or title says so."""
    front, _, body, _ = split_front_matter(text_)
    if front and any(re.search(rf"^{key}\s*:", front, re.MULTILINE) for key in _DATASET_KEYS):
        return True
    return bool(re.search(r"^#\s+Dataset Card\b", body, re.MULTILINE | re.IGNORECASE))


# Front matter keys huggingface_hub's CardData reads as one value or a list of them, or as a
# mapping; any other kind of value means the metadata is malformed.
_ONE_OR_MANY = (str, list)
_COMMON_SHAPE: tuple[Rule, ...] = (
    ("license", _ONE_OR_MANY),
    ("language", _ONE_OR_MANY),
    ("tags", _ONE_OR_MANY),
    ("datasets", _ONE_OR_MANY),
)
_MODEL_SHAPE: tuple[Rule, ...] = (
    *_COMMON_SHAPE,
    ("base_model", _ONE_OR_MANY),
    ("co2_eq_emissions", (dict, float)),
)
_DATASET_SHAPE: tuple[Rule, ...] = (
    *_COMMON_SHAPE,
    ("dataset_info", (dict, list)),
    ("dataset_info.splits", list),
    ("dataset_info.splits.*", dict),
    ("dataset_info.*", dict),
    ("dataset_info.*.splits", list),
    ("dataset_info.*.splits.*", dict),
    ("configs", list),
    ("source_datasets", _ONE_OR_MANY),
    ("task_categories", _ONE_OR_MANY),
    ("annotations_creators", _ONE_OR_MANY),
    ("language_creators", _ONE_OR_MANY),
)


class _Card:
    """What the two card importers share: reading, and the section index."""

    name = "huggingface"
    shape: tuple[Rule, ...] = ()

    def read(self, path: Path, display: str, raw: bytes, text_: str) -> SourceDocument:
        document = read_card(path, display, raw, text_)
        check_shape(document, self.shape)
        return document


def _sections(document: SourceDocument) -> tuple[str, dict[str, Section]]:
    key = MARKDOWN_KEY if MARKDOWN_KEY in document.data else "markdown sections"
    _, _, body, body_line = split_front_matter(document.text)
    found: dict[str, Section] = {}
    for section in parse_sections(body, body_line):
        found.setdefault(section.key, section)
    return key, found


def _has_parts(section: Section) -> bool:
    """Whether a section's value in the document is a mapping (fields, tables, `text`)."""
    return bool(section.field_titles or section.tables)


def _all_sections(document: SourceDocument) -> list[Section]:
    _, _, body, body_line = split_front_matter(document.text)
    return parse_sections(body, body_line)


def _body(section: Section) -> str | None:
    value = text(section.body)
    if value is None:
        return None
    lowered = value.lower()
    if any(lowered.startswith(default) for default in _TEMPLATE_DEFAULTS):
        return None
    return value


class _SectionReader:
    """Reads sections by their normalised titles, marking what it took as used."""

    def __init__(self, mapping: Mapping, key: str, sections: dict[str, Section]) -> None:
        self.m = mapping
        self.key = key
        self.sections = sections

    def src(self, section: Section, field: str | None = None) -> FieldPath:
        if field is None:
            return (
                (self.key, section.title, "text")
                if _has_parts(section)
                else (self.key, section.title)
            )
        return (self.key, section.title, section.field_titles[field])

    def prose(self, *titles: str) -> tuple[str, FieldPath] | None:
        """The first section body among `titles` (its text without its bullet fields)."""
        for title in titles:
            section = self.sections.get(title)
            if section is None:
                continue
            body = _body(section)
            src: FieldPath = self.src(section)
            if body is None:
                self.m.use(src)
                continue
            return body, src
        return None

    def field(self, section_title: str, *names: str) -> tuple[str, FieldPath] | None:
        section = self.sections.get(section_title)
        if section is None:
            return None
        for name in names:
            if name in section.fields:
                src = self.src(section, name)
                value = text(section.fields[name])
                if value is None:
                    self.m.use(src)
                    continue
                return value, src
        return None

    def any_field(self, *names: str) -> tuple[str, FieldPath] | None:
        for section in self.sections.values():
            found = self.field(section.key, *names)
            if found:
                return found
        return None

    def heading_name(self) -> tuple[str, FieldPath] | None:
        """The card's title (`# Model Card for X` -> X), without using the section's text."""
        for section in self.sections.values():
            if section.level == 1:
                title = re.sub(
                    r"^(model|dataset) card for\s+", "", section.title, flags=re.IGNORECASE
                ).strip()
                if text(title) and title.lower() not in ("model id", "dataset name"):
                    return title, (self.key, section.title)
        return None


# ---------------------------------------------------------------------------------------------
# Model cards


class HuggingFaceModelCard(_Card):
    kind: Kind = "model_card"
    title = "Hugging Face model card (README.md with YAML front matter)"
    shape = _MODEL_SHAPE

    def detect(self, path: Path, text_: str) -> bool:
        return _is_card(path, text_) and not looks_like_dataset_card(text_)

    def load(self, document: SourceDocument, select: str | None = None) -> ImportResult:
        m = Mapping(document.data)
        key, sections = _sections(document)
        ordered = _all_sections(document)
        m.open((key,))
        read = _SectionReader(m, key, sections)
        meta = document.data
        _model_metadata(m, meta)
        _model_index(m, meta.get("model-index"))
        if m.peek(("identity", "name")) is None:
            found = title_name(ordered)
            if found:
                m.set(("identity", "name"), found[0], (key, found[1].title), use=False)
            elif subject := subject_name(ordered):
                m.set(("identity", "name"), subject[0], (key, *subject[1]), use=False)
        _model_sections(m, read, ordered)
        return finish(m, ModelCard, document, "huggingface")


def _model_metadata(m: Mapping, meta: dict[str, Any]) -> None:
    m.set(("identity", "name"), text(meta.get("model_name")), ("model_name",))
    licence = text(meta.get("license"))
    if licence == "other" and text(meta.get("license_name")):
        m.use(("license",))
        m.set(("licence", "id"), text(meta.get("license_name")), ("license_name",))
    else:
        m.set(("licence", "id"), licence, ("license",))
    m.set(("licence", "url"), text(meta.get("license_link")), ("license_link",))
    m.set(("architecture", "task"), text(meta.get("pipeline_tag")), ("pipeline_tag",))
    library = text(meta.get("library_name"))
    if library:
        m.append(("runtime", "software"), library, ("library_name",))
    relation = text(meta.get("base_model_relation"))
    bases = meta.get("base_model")
    for index, base in enumerate(bases if isinstance(bases, list) else [bases]):
        src: FieldPath = ("base_model", index) if isinstance(bases, list) else ("base_model",)
        name = text(base)
        if name:
            item: dict[str, Any] = {"name": name, "kind": "base_model", "source": _hub_url(name)}
            if relation:
                item["integration"] = relation
                m.use(("base_model_relation",))
            m.append(("components",), item, src)
    datasets = meta.get("datasets")
    for index, dataset in enumerate(datasets if isinstance(datasets, list) else [datasets]):
        src = ("datasets", index) if isinstance(datasets, list) else ("datasets",)
        name = text(dataset)
        if name:
            m.append(("datasets",), {"id": name, "role": "training"}, src)
    _co2(m, meta.get("co2_eq_emissions"))


def _hub_url(name: str) -> str | None:
    if re.fullmatch(r"[\w.-]+/[\w.-]+", name):
        return f"https://huggingface.co/{name}"
    return None


def _co2(m: Mapping, value: Any) -> None:
    """hub-docs `co2_eq_emissions`: grams of CO2, as a number or a mapping with details."""
    if value is None:
        return
    if not isinstance(value, dict):
        grams = number(value)
        if grams is not None:
            m.set(("compute_energy", "co2e_kg"), grams / 1000, ("co2_eq_emissions",))
        return
    grams = number(value.get("emissions"))
    if grams is not None:
        m.set(("compute_energy", "co2e_kg"), grams / 1000, ("co2_eq_emissions", "emissions"))
    m.set(
        ("compute_energy", "region"),
        text(value.get("geographical_location")),
        ("co2_eq_emissions", "geographical_location"),
    )
    m.set(
        ("compute_energy", "hardware"),
        text(value.get("hardware_used")),
        ("co2_eq_emissions", "hardware_used"),
    )


def _model_index(m: Mapping, index: Any) -> None:
    """model-index -> evaluation results, all or nothing, as huggingface_hub loads eval_results."""
    if index is None:
        return
    problem = _model_index_problem(index)
    if problem:
        m.warn(
            f"/model-index: {problem}; the model-index was not loaded (as huggingface_hub does) "
            "and is kept as unmapped"
        )
        return
    for model_no, entry in enumerate(index):
        base: FieldPath = ("model-index", model_no)
        if model_no == 0:
            m.set_default(("identity", "name"), text(entry.get("name")), (*base, "name"))
        else:
            m.use((*base, "name"))
        for result_no, result in enumerate(entry["results"]):
            _result(m, (*base, "results", result_no), result)


def _model_index_problem(index: Any) -> str | None:
    if not isinstance(index, list):
        return "expected a list of models"
    for model_no, entry in enumerate(index):
        if not isinstance(entry, dict) or not isinstance(entry.get("results"), list):
            return f"model {model_no} has no list of results"
        for result_no, result in enumerate(entry["results"]):
            where = f"result {result_no} of model {model_no}"
            if not isinstance(result, dict):
                return f"{where} is not a mapping"
            task, dataset = result.get("task"), result.get("dataset")
            if not isinstance(task, dict) or "type" not in task:
                return f"{where} has no task type"
            if not isinstance(dataset, dict) or "type" not in dataset or "name" not in dataset:
                return f"{where} has no dataset (type and name are required)"
            metrics = result.get("metrics")
            if not isinstance(metrics, list) or not all(
                isinstance(x, dict) and "type" in x and "value" in x for x in metrics
            ):
                return f"{where} has a metric without type or value"
    return None


def _result(m: Mapping, src: FieldPath, result: dict[str, Any]) -> None:
    task = text(result["task"].get("type"))
    if m.peek(("architecture", "task")) in (None, task):
        m.set(("architecture", "task"), task, (*src, "task", "type"))
    dataset = result["dataset"]
    dataset_id = text(dataset.get("type")) or text(dataset.get("name"))
    revision = text(dataset.get("revision"))
    refs = m.peek(("datasets",)) or []
    known = next(
        (i for i, r in enumerate(refs) if r["id"] == dataset_id and r["role"] == "testing"), None
    )
    if known is None:
        ref: dict[str, Any] = {"id": dataset_id, "role": "testing"}
        known = m.append(("datasets",), ref, (*src, "dataset", "type"), use=False)
    m.use((*src, "dataset", "type"))
    if revision and m.peek(("datasets", known, "version")) is None:
        m.set(("datasets", known, "version"), revision, (*src, "dataset", "revision"))
    for metric_no, metric in enumerate(result["metrics"]):
        metric_src: FieldPath = (*src, "metrics", metric_no)
        value = number(metric.get("value"))
        if value is None:
            m.warn(f"{pointer(metric_src)}/value: {excerpt(metric.get('value'))} is not a number")
            continue
        item: dict[str, Any] = {"metric": text(metric.get("type")), "value": value}
        item["dataset"] = dataset_id
        if text(dataset.get("split")):
            item["split"] = text(dataset.get("split"))
            m.use((*src, "dataset", "split"))
        if text(dataset.get("config")):
            item["configuration"] = text(dataset.get("config"))
            m.use((*src, "dataset", "config"))
        index = m.append(("evaluation",), item, metric_src, use=False)
        m.use((*metric_src, "type"), (*metric_src, "value"))
        m.origin(("evaluation", index, "value"), (*metric_src, "value"))


def _model_sections(m: Mapping, read: _SectionReader, sections: list[Section]) -> None:
    _hyperparameters(m, read)
    ProseReader(m, read.key, sections).read(_body)
    base = read.any_field("finetuned from model", "finetuned from", "base model")
    if base:
        name = plain(base[0]).strip("`")
        known = [c.get("name") for c in m.peek(("components",)) or []]
        if name not in known:
            m.append(("components",), {"name": name, "kind": "base_model"}, base[1])
        else:
            m.use(base[1])


def _hyperparameters(m: Mapping, read: _SectionReader) -> None:
    section = read.sections.get("training hyperparameters")
    if section is None or not section.fields:
        return  # prose only (e.g. "Training regime: fp16"): kept as unmapped
    params: dict[str, Any] = {}
    for field, value in section.fields.items():
        title = section.field_titles[field]
        if not value or canon(title) == "training regime":
            continue  # `Training regime: fp16 mixed precision` is prose: kept as unmapped
        parsed = integer(value)
        params[title] = (
            parsed
            if parsed is not None
            else (number(value) if number(value) is not None else value)
        )
        m.use(read.src(section, field))
    m.set(("training", "hyperparameters"), params, read.src(section), use=False)


# ---------------------------------------------------------------------------------------------
# Dataset cards


class HuggingFaceDatasetCard(_Card):
    kind: Kind = "dataset"
    title = "Hugging Face dataset card (README.md with YAML front matter)"
    shape = _DATASET_SHAPE

    def detect(self, path: Path, text_: str) -> bool:
        return _is_card(path, text_)

    def load(self, document: SourceDocument, select: str | None = None) -> ImportResult:
        m = Mapping(document.data)
        key, sections = _sections(document)
        m.open((key,))
        read = _SectionReader(m, key, sections)
        meta = document.data
        name = text(meta.get("pretty_name"))
        m.set(("name",), name, ("pretty_name",))
        heading = read.heading_name()
        if name is None and heading:
            m.set(("name",), heading[0], heading[1], use=False)
            name = heading[0]
        fallback = document.path.parent.name if document.path.stem.lower() == "readme" else ""
        dataset_id = slug(name or fallback or document.path.stem)
        m.set(("id",), dataset_id, None)
        _dataset_metadata(m, meta)
        _dataset_sections(m, read)
        return finish(m, DatasetRecord, document, "huggingface", subject=dataset_id)


def _dataset_metadata(m: Mapping, meta: dict[str, Any]) -> None:
    licences = texts(meta.get("license"))
    if licences:
        m.set(("rights", "licence"), ", ".join(licences), ("license",))
    creators = texts(meta.get("annotations_creators"))
    if creators:
        m.set(
            ("annotation", "annotators", "expertise"),
            ", ".join(creators),
            ("annotations_creators",),
        )
    for kind in texts(meta.get("language_creators")):
        m.append(("origin", "collection_type"), kind, ("language_creators",))
    sources = meta.get("source_datasets")
    for index, source in enumerate(sources if isinstance(sources, list) else [sources]):
        src: FieldPath = (
            ("source_datasets", index) if isinstance(sources, list) else ("source_datasets",)
        )
        value = text(source)
        if value == "original":
            m.use(src)  # "not derived from another dataset": nothing to record
        elif value:
            m.append(("origin", "derived_from"), value.removeprefix("extended|"), src)
    tasks = meta.get("task_categories")
    for index, task in enumerate(tasks if isinstance(tasks, list) else [tasks]):
        src = ("task_categories", index) if isinstance(tasks, list) else ("task_categories",)
        m.append(("uses", "intended"), text(task), src)
    _dataset_info(m, meta.get("dataset_info"))


def _dataset_info(m: Mapping, info: Any) -> None:
    """dataset_info: one mapping, or one per config; splits give names and record counts."""
    configs = info if isinstance(info, list) else [info] if isinstance(info, dict) else []
    total_records = 0
    total_bytes = 0
    for index, config in enumerate(configs):
        if not isinstance(config, dict):
            continue
        base: FieldPath = ("dataset_info", index) if isinstance(info, list) else ("dataset_info",)
        prefix = (
            f"{config['config_name']}/" if len(configs) > 1 and config.get("config_name") else ""
        )
        if prefix:
            m.use((*base, "config_name"))
        for split_no, split in enumerate(config.get("splits") or []):
            if not isinstance(split, dict) or not text(split.get("name")):
                continue
            src: FieldPath = (*base, "splits", split_no)
            records = integer(split.get("num_examples"))
            item: dict[str, Any] = {"name": f"{prefix}{split['name']}"}
            if records is not None:
                item["records"] = records
                total_records += records
            m.append(("splits",), item, src, use=False)
            m.use((*src, "name"), (*src, "num_examples"))
        size = integer(config.get("dataset_size"))
        if size is not None:
            total_bytes += size
            m.use((*base, "dataset_size"))
    if total_records:
        m.set(("size", "records"), total_records, None)
    if total_bytes:
        m.set(("size", "bytes"), total_bytes, None)


_DATASET_PROSE: tuple[tuple[tuple[str, ...], FieldPath, bool], ...] = (
    (("dataset description", "dataset summary"), ("description",), False),
    (("direct use",), ("uses", "intended"), True),
    (("out-of-scope use", "out of scope use"), ("uses", "out_of_scope"), True),
    (("curation rationale",), ("design_assumptions", "measures"), False),
    (
        ("data collection and processing", "initial data collection and normalization"),
        ("origin", "collection_method"),
        False,
    ),
    (
        ("who are the source data producers?", "who are the source language producers?"),
        ("origin", "collected_by"),
        False,
    ),
    (("annotation process",), ("annotation", "protocol"), False),
    (("who are the annotators?",), ("annotation", "annotators", "expertise"), False),
    (
        ("personal and sensitive information", "privacy considerations"),
        ("personal_data", "anonymisation"),
        False,
    ),
    (
        (
            "bias, risks, and limitations",
            "bias, risks and limitations",
            "discussion of biases",
            "other known limitations",
        ),
        ("gaps_limitations",),
        True,
    ),
)


def _dataset_sections(m: Mapping, read: _SectionReader) -> None:
    for titles, dst, as_list in _DATASET_PROSE:
        found = read.prose(*titles)
        if not found:
            continue
        value, src = found
        if as_list:
            for item in bullet_items(value):
                m.append(dst, item, src)
        else:
            m.set_default(dst, value, src)
    if m.peek(("description",)) is None:
        for section in read.sections.values():
            if section.level == 1 and (body := _body(section)):
                m.set(("description",), body, read.src(section))
                break
    curated = read.any_field("curated by")
    if curated:
        m.set_default(("publisher",), curated[0], curated[1])
    licence = read.any_field("license")
    if licence:
        m.set_default(("rights", "licence"), licence[0], licence[1])
