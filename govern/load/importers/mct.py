"""Google Model Card Toolkit JSON (schema 0.0.1 / 0.0.2 and the later proto fields)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from govern.errors import InputError
from govern.evidence.model_card import ModelCard
from govern.load.containment import excerpt
from govern.load.documents import FieldPath, SourceDocument, parse_document
from govern.load.importers.interface import ImportResult, Kind
from govern.load.importers.mapping import Mapping, date, guess_role, number, text
from govern.load.importers.result import finish
from govern.load.importers.shape import Rule, check_shape

_SIGNATURE = re.compile(r'"(model_details|quantitative_analysis|model_parameters)"\s*:')
_SECTIONS = ("model_details", "model_parameters", "quantitative_analysis", "considerations")
# The sections and lists of the Model Card Toolkit schema (model_card.schema.json, 0.0.1-0.0.2).
_SHAPE: tuple[Rule, ...] = (
    ("model_details", dict),
    ("model_details.owners", list),
    ("model_details.owners.*", dict),
    ("model_details.version", dict),
    ("model_details.licenses", list),
    ("model_details.licenses.*", dict),
    ("model_details.references", list),
    ("model_details.citations", list),
    ("model_parameters", dict),
    ("model_parameters.data", list),
    ("model_parameters.data.*", dict),
    ("model_parameters.input_format_map", list),
    ("model_parameters.input_format_map.*", dict),
    ("model_parameters.output_format_map", list),
    ("model_parameters.output_format_map.*", dict),
    ("quantitative_analysis", dict),
    ("quantitative_analysis.performance_metrics", list),
    ("quantitative_analysis.performance_metrics.*", dict),
    ("quantitative_analysis.performance_metrics.*.confidence_interval", dict),
    ("quantitative_analysis.graphics", dict),
    ("considerations", dict),
    ("considerations.users", list),
    ("considerations.use_cases", list),
    ("considerations.limitations", list),
    ("considerations.tradeoffs", list),
    ("considerations.ethical_considerations", list),
    ("considerations.ethical_considerations.*", dict),
)


class ModelCardToolkit:
    name = "mct"
    kind: Kind = "model_card"
    title = "Model Card Toolkit JSON"

    def detect(self, path: Path, text_: str) -> bool:
        head = text_.lstrip()[:1]
        return head == "{" and len(_SIGNATURE.findall(text_)) >= 1 and '"identity"' not in text_

    def read(self, path: Path, display: str, raw: bytes, text_: str) -> SourceDocument:
        document = parse_document(text_, raw, path, display, fmt="json")
        if not isinstance(document.data, dict):
            raise InputError.single(display, "a Model Card Toolkit file is a JSON object", 1, 1)
        if not any(key in document.data for key in _SECTIONS):
            raise InputError.single(
                display,
                f"not a Model Card Toolkit file: it has none of {', '.join(_SECTIONS)}",
                1,
                1,
            )
        check_shape(document, _SHAPE)
        return document

    def load(self, document: SourceDocument, select: str | None = None) -> ImportResult:
        m = Mapping(document.data)
        m.use(("schema_version",))
        _details(m, _section(m, "model_details"))
        _parameters(m, _section(m, "model_parameters"))
        _quantitative(m, _section(m, "quantitative_analysis"))
        _considerations(m, _section(m, "considerations"))
        return finish(m, ModelCard, document, self.name)


def _section(m: Mapping, key: str) -> dict[str, Any]:
    value = m.get((key,))
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list[tuple[int, Any]]:
    return list(enumerate(value)) if isinstance(value, list) else []


def _details(m: Mapping, details: dict[str, Any]) -> None:
    base: FieldPath = ("model_details",)
    m.set(("identity", "name"), text(details.get("name")), (*base, "name"))
    for index, owner in _items(details.get("owners")):
        if index == 0 and isinstance(owner, dict):
            src: FieldPath = (*base, "owners", 0)
            m.set(("provider", "name"), text(owner.get("name")), (*src, "name"))
            m.set(("provider", "contact"), text(owner.get("contact")), (*src, "contact"))
    version = details.get("version")
    if isinstance(version, dict):
        src = (*base, "version")
        name = text(version.get("name"))
        released = date(version.get("date"))
        m.set(("identity", "version"), name, (*src, "name"))
        m.set(("identity", "release_date"), released, (*src, "date"))
        diff = text(version.get("diff"))
        if diff and name:
            entry: dict[str, Any] = {"version": name, "summary": diff}
            if released:
                entry["date"] = released
            index = m.append(("change_control", "change_log"), entry, (*src, "diff"))
            m.origin(("change_control", "change_log", index, "summary"), (*src, "diff"))
    for index, licence in _items(details.get("licenses")):
        if isinstance(licence, dict) and m.peek(("licence", "id")) is None:
            m.set(
                ("licence", "id"),
                text(licence.get("identifier")),
                (*base, "licenses", index, "identifier"),
            )


def _parameters(m: Mapping, params: dict[str, Any]) -> None:
    base: FieldPath = ("model_parameters",)
    m.set(
        ("architecture", "model_type"),
        text(params.get("model_architecture")),
        (*base, "model_architecture"),
    )
    for index, data in _items(params.get("data")):
        if not isinstance(data, dict) or not text(data.get("name")):
            continue
        name = str(text(data.get("name")))
        role = guess_role(name, text(data.get("description")))
        if role is None:
            role = "training"
            m.warn(
                f"/model_parameters/data/{index}: the role of dataset {excerpt(name)} "
                "is not stated; "
                "recorded as training (Model Card Toolkit lists datasets used to train and "
                "evaluate without saying which)"
            )
        m.append(("datasets",), {"id": name, "role": role}, (*base, "data", index, "name"))
    for direction in ("input", "output"):
        items = "inputs" if direction == "input" else "outputs"
        fmt = text(params.get(f"{direction}_format"))
        if fmt:
            m.append(("io", items), {"format": fmt}, (*base, f"{direction}_format"))
        for index, pair in _items(params.get(f"{direction}_format_map")):
            if isinstance(pair, dict) and text(pair.get("value")):
                item = {"format": text(pair.get("value")), "description": text(pair.get("key"))}
                src: FieldPath = (*base, f"{direction}_format_map", index)
                m.append(("io", items), {k: v for k, v in item.items() if v}, src)


def _quantitative(m: Mapping, analysis: dict[str, Any]) -> None:
    base: FieldPath = ("quantitative_analysis", "performance_metrics")
    for index, metric in _items(analysis.get("performance_metrics")):
        if not isinstance(metric, dict):
            continue
        src: FieldPath = (*base, index)
        value = number(metric.get("value"))
        name = text(metric.get("type")) or text(metric.get("name"))
        if value is None or name is None:
            m.warn(f"/{'/'.join(map(str, src))}: a metric needs a type and a numeric value")
            continue
        item: dict[str, Any] = {"metric": name, "value": value}
        used: list[FieldPath] = [
            (*src, "type" if text(metric.get("type")) else "name"),
            (*src, "value"),
        ]
        if text(metric.get("slice")):
            item["slice"] = text(metric.get("slice"))
            used.append((*src, "slice"))
        threshold = number(metric.get("threshold"))
        if threshold is not None:
            item["threshold"] = threshold
            used.append((*src, "threshold"))
        interval = metric.get("confidence_interval")
        if isinstance(interval, dict):
            low, high = number(interval.get("lower_bound")), number(interval.get("upper_bound"))
            if low is not None and high is not None:
                item["confidence_interval"] = [low, high]
                used.append((*src, "confidence_interval"))
        row = m.append(("evaluation",), item, src, use=False)
        m.use(*used)
        m.origin(("evaluation", row, "value"), (*src, "value"))


def _considerations(m: Mapping, considerations: dict[str, Any]) -> None:
    base: FieldPath = ("considerations",)

    def descriptions(key: str) -> list[tuple[str, FieldPath]]:
        found = []
        for index, item in _items(considerations.get(key)):
            value = text(item.get("description")) if isinstance(item, dict) else text(item)
            src: FieldPath = (*base, key, index)
            if value:
                found.append((value, (*src, "description") if isinstance(item, dict) else src))
        return found

    for value, src in descriptions("users"):
        m.append(("intended_purpose", "users"), value, src)
    uses = descriptions("use_cases")
    if uses:
        m.set(("intended_purpose", "description"), "\n\n".join(v for v, _ in uses), uses[0][1])
        m.use(*(src for _, src in uses))
    for value, src in descriptions("limitations"):
        m.append(("limitations", "known_limitations"), value, src)
    tradeoffs = descriptions("tradeoffs")
    if tradeoffs:
        joined = "\n\n".join(v for v, _ in tradeoffs)
        m.set(("architecture", "design_choices"), joined, tradeoffs[0][1])
        m.use(*(src for _, src in tradeoffs))
    for index, risk in _items(considerations.get("ethical_considerations")):
        if not isinstance(risk, dict) or not text(risk.get("name")):
            continue
        risk_src: FieldPath = (*base, "ethical_considerations", index)
        item = {"description": text(risk.get("name"))}
        if text(risk.get("mitigation_strategy")):
            item["mitigation"] = text(risk.get("mitigation_strategy"))
        m.append(("limitations", "risks"), item, risk_src)
