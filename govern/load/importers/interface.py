"""The contract every foreign-format importer meets: detect a file, read it, map it to our model."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from govern.load.documents import FieldPath, SourceDocument

Kind = Literal["model_card", "dataset"]
KINDS: tuple[Kind, ...] = ("model_card", "dataset")


@dataclass(frozen=True)
class ImportResult:
    """Our validated model, plus everything the source said that our model has no place for.

    `unmapped` keys are JSON pointers into the source (`/model-index/0/results/1/dataset/args`,
    `/markdown/Citation` for a markdown section); values are the source's own, untouched.
    `origins` says where in the source each of our fields came from, so that findings about an
    imported value point at the line the engineer wrote it on.
    """

    model: BaseModel
    unmapped: dict[str, Any]
    warnings: list[str]
    origins: dict[FieldPath, FieldPath] = field(default_factory=dict)
    format: str = ""
    subject: str | None = None


class Importer(Protocol):
    """One foreign format for one kind of evidence.

    `detect` must be cheap and certain enough to run on every file of that kind; `read` parses the
    bytes into a SourceDocument (digest, data and positions); `load` is a pure function of it.
    """

    name: str
    kind: Kind
    title: str

    def detect(self, path: Path, text: str) -> bool: ...

    def read(self, path: Path, display: str, raw: bytes, text: str) -> SourceDocument: ...

    def load(self, document: SourceDocument, select: str | None = None) -> ImportResult: ...
