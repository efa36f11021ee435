"""govern's dataset provenance record: where a dataset came from and what was done to it.

Sections follow the `dp.*` fields of the reference field catalogue. One record per dataset version
used for training, validation, testing, fine-tuning or retrieval (a RAG corpus counts as data).
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from govern.evidence.base import Record
from govern.evidence.model_card import DatasetRole


class FileDigest(Record):
    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    bytes: int | None = Field(default=None, ge=0)


class Split(Record):
    name: str
    records: int | None = Field(default=None, ge=0)
    description: str | None = None


class Timeframe(Record):
    start: dt.date | None = None
    end: dt.date | None = None


class Origin(Record):
    sources: list[str] = []
    collection_method: str | None = None
    collection_type: list[str] = []
    timeframe: Timeframe | None = None
    collected_by: str | None = None
    derived_from: list[str] = []


class PersonalData(Record):
    contains_personal_data: bool | None = None
    categories: list[str] = []
    special_categories: list[str] = []
    original_purpose: str | None = None
    legal_basis: str | None = None
    anonymisation: str | None = None
    access_controls: str | None = None
    special_category_justification: str | None = None
    deletion_rule: str | None = None


class Rights(Record):
    licence: str | None = None
    restrictions: str | None = None
    tdm_opt_out_respected: bool | None = None
    consent: str | None = None


class PreparationStep(Record):
    step: str
    description: str | None = None
    tool: str | None = None


class Annotators(Record):
    count: int | None = Field(default=None, ge=0)
    expertise: str | None = None
    demographics: str | None = None


class Agreement(Record):
    metric: str
    value: float


class Annotation(Record):
    protocol: str | None = None
    platform: str | None = None
    annotators: Annotators | None = None
    annotations_per_item: float | None = Field(default=None, ge=0)
    agreement: Agreement | None = None
    quality_assurance: str | None = None
    machine_annotation: str | None = None


class Synthetic(Record):
    share: float | None = Field(default=None, ge=0, le=1)
    generator: str | None = None
    purpose: str | None = None


class DesignAssumptions(Record):
    measures: str | None = None
    proxies: str | None = None
    labelling_schema: str | None = None


class Size(Record):
    records: int | None = Field(default=None, ge=0)
    bytes: int | None = Field(default=None, ge=0)
    suitability: str | None = None


class GroupShare(Record):
    attribute: str
    shares: dict[str, float] = {}
    reference_population: str | None = None


class Representativeness(Record):
    groups: list[GroupShare] = []
    setting: str | None = None


class BiasExamination(Record):
    method: str | None = None
    date: dt.date | None = None
    findings: list[str] = []
    mitigations: list[str] = []
    report: str | None = None


class Quality(Record):
    label_error_rate: float | None = Field(default=None, ge=0, le=1)
    missing_data: str | None = None
    completeness: str | None = None


class Uses(Record):
    intended: list[str] = []
    out_of_scope: list[str] = []


class Maintenance(Record):
    update_policy: str | None = None
    retention: str | None = None
    deletion: str | None = None


class DatasetRecord(Record):
    schema_version: int = 1
    id: str
    name: str | None = None
    version: str | None = None
    description: str | None = None
    publisher: str | None = None
    published: dt.date | None = None
    roles: list[DatasetRole] = []
    files: list[FileDigest] = []
    splits: list[Split] = []
    origin: Origin = Origin()
    personal_data: PersonalData = PersonalData()
    rights: Rights = Rights()
    preparation: list[PreparationStep] = []
    annotation: Annotation = Annotation()
    synthetic: Synthetic = Synthetic()
    design_assumptions: DesignAssumptions = DesignAssumptions()
    size: Size = Size()
    representativeness: Representativeness = Representativeness()
    bias_examination: BiasExamination = BiasExamination()
    quality: Quality = Quality()
    gaps_limitations: list[str] = []
    uses: Uses = Uses()
    social_impact: str | None = None
    maintenance: Maintenance = Maintenance()
    gpai_summary: str | None = None
