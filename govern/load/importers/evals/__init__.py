"""Evaluation tools' outputs in: which tool wrote a file, and reading it as an EvaluationReport.

Each format is one module with `detect(path, data)` (cheap, on the parsed data) and
`map_report(document) -> Mapping` (which source value goes where). What the mapping leaves is
kept as `unmapped`, exactly as the card importers do (govern.load.importers.result).
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from pathlib import Path
from typing import Any, Protocol

from govern.errors import InputError, UsageError
from govern.load.documents import (
    FieldPath,
    Position,
    SourceDocument,
    parse_document,
    read_text_file,
)
from govern.load.importers.interface import ImportResult

# Detection order: the first format whose signature a file carries wins.
FORMATS: dict[str, str] = {
    "every-eval-ever": "eee",
    "lm-eval": "lm_eval",
    "inspect": "inspect_log",
    "garak": "garak",
    "promptfoo": "promptfoo",
    "hf-eval-results": "hf",
    "hf-model-index": "hf_model_index",
}
TITLES = {
    "every-eval-ever": "Every Eval Ever record",
    "lm-eval": "lm-evaluation-harness results file",
    "inspect": "Inspect eval log",
    "garak": "garak report",
    "promptfoo": "promptfoo results file",
    "hf-eval-results": "Hugging Face .eval_results file",
    "hf-model-index": "Hugging Face card model-index",
}


class EvalFormat(Protocol):
    def detect(self, path: Path, data: Any) -> bool: ...

    def map_report(self, document: SourceDocument) -> Any: ...


def _module(fmt: str) -> EvalFormat:
    module: EvalFormat = importlib.import_module(f"{__name__}.{FORMATS[fmt]}")
    return module


def read_source(path: Path, display: str) -> SourceDocument:
    """JSON, YAML, a Markdown card, or JSON Lines (one record a line, positioned by line)."""
    raw, text = read_text_file(path, display)
    if path.suffix.lower() == ".md":
        from govern.load.importers.markdown import read_card

        return read_card(path, display, raw, text)
    if path.suffix.lower() == ".jsonl" or _looks_like_lines(text):
        return _json_lines(path, display, raw, text)
    return parse_document(text, raw, path, display)


def _looks_like_lines(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    return (
        len(lines) > 1
        and all(line.lstrip().startswith("{") for line in lines[:2])
        and (not text.lstrip().startswith("{\n"))
    )


def _json_lines(path: Path, display: str, raw: bytes, text: str) -> SourceDocument:
    records: list[Any] = []
    positions: dict[FieldPath, Position] = {(): Position(1, 1)}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError.single(display, f"line {number}: not JSON ({exc.msg})") from None
        positions[(len(records) - 1,)] = Position(number, 1)
    document = parse_document("{}", raw, path, display, fmt="json")
    return dataclasses.replace(
        document, data=records, text=text, format="jsonl", _yaml_positions=positions
    )


def detect(path: Path, document: SourceDocument) -> str | None:
    """The evaluation format of a parsed file, or None (govern's own schema, or not one)."""
    for fmt in FORMATS:
        if _module(fmt).detect(path, document.data):
            return fmt
    return None


def import_evaluation(
    path: Path, fmt: str | None = None, display: str | None = None
) -> tuple[SourceDocument, ImportResult]:
    """Read a tool's output and map it to an EvaluationReport (format sniffed unless named)."""
    from govern.evidence.evaluation import EvaluationReport
    from govern.load.importers.result import finish

    display = display or str(path)
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown evaluation format {fmt!r}; known: {', '.join(FORMATS)}")
    document = read_source(path, display)
    fmt = fmt or detect(path, document)
    if fmt is None:
        raise InputError.single(
            display,
            "not a recognised evaluation output (Every Eval Ever, lm-evaluation-harness, "
            "Inspect, Hugging Face .eval_results or model-index, garak, promptfoo); "
            "name the format with --from",
        )
    mapping = _module(fmt).map_report(document)
    mapping.set(("source", "format"), fmt, None)
    mapping.set(("source", "file"), display, None)
    mapping.set(("source", "sha256"), document.sha256, None)
    return document, finish(mapping, EvaluationReport, document, fmt)


@dataclasses.dataclass(frozen=True)
class Loaded:
    document: SourceDocument
    model: Any
    warnings: list[str]
    format: str


def load_evaluation(path: Path, display: str, fmt: str | None) -> Loaded:
    """The hook load_system calls for an evaluation file in a tool's format."""
    from govern.load.importers.result import import_warnings, positions_for

    document, result = import_evaluation(path, fmt, display)
    located = dataclasses.replace(document, _yaml_positions=positions_for(result, document))
    warnings = import_warnings(result, display, "evals")
    return Loaded(located, result.model, warnings, result.format)


def is_native_evaluation(path: Path) -> bool:
    """A JSON file in no tool's format is govern's own schema (validated as such)."""
    try:
        document = read_source(path, str(path))
    except InputError:
        return True  # the native loader reports the problem in its usual words
    return detect(path, document) is None


# ---------------------------------------------------------------------------------------------
# What a benchmark or attack is evidence of

_CATEGORY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("bias", ("bbq", "crows", "bold", "winobias", "winogender", "stereoset", "discrim", "bias")),
    ("toxicity", ("toxigen", "realtoxicity", "toxic", "hatecheck")),
    (
        "confabulation",
        ("truthfulqa", "halueval", "hallucinat", "simpleqa", "factscore", "misleading"),
    ),
    (
        "prompt_injection",
        (
            "promptinject",
            "prompt-injection",
            "prompt_injection",
            "latentinjection",
            "indirect-prompt",
        ),
    ),
    (
        "jailbreak",
        ("jailbreak", "dan.", "dan_", "grandma", "suffix", "tap.", "gcg", "dra.", "crescendo"),
    ),
    ("harmful_content", ("harmful", "donotanswer", "lmrc", "malwaregen", "advbench", "harmbench")),
    ("privacy", ("pii", "leakreplay", "propile", "privacy")),
)


def categories_for(*names: str | None) -> list[str]:
    """What an evaluation or attack is evidence of, from the names its tool gives it."""
    joined = " ".join(n.lower() for n in names if n)
    return [category for category, words in _CATEGORY_WORDS if any(w in joined for w in words)]
