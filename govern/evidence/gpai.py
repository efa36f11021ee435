"""What a provider of a general-purpose AI model documents under Art.53(1)(a)-(d).

Three documents, each a file of its own because each has its own audience: the GPAI Code of
Practice's Model Documentation Form (Transparency chapter; for the AI Office, national authorities
and downstream providers), the Commission's template for the public summary of training content
(Art.53(1)(d); published), and the copyright policy (Art.53(1)(c)). Every field is optional so that
a form still being filled in loads: the policy packs and `govern card lint` name what is missing.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from govern.evidence.base import Record

SHA256 = r"^[0-9a-f]{64}$"

# ---------------------------------------------------------------------------------------------
# Model Documentation Form (GPAI Code of Practice, Transparency chapter)


class DocumentedProvider(Record):
    legal_name: str | None = None
    address: str | None = None
    contact: str | None = None
    authorised_representative: str | None = Field(
        default=None, description="EU authorised representative of a third-country provider."
    )


class ModelIdentity(Record):
    name: str | None = None
    version: str | None = None
    release_date: dt.date | None = None
    union_release_date: dt.date | None = Field(
        default=None, description="When the model was first placed on the Union market."
    )
    authenticity_sha256: str | None = Field(
        default=None,
        pattern=SHA256,
        description="A secure hash of the released weights, so a copy can be told from the model.",
    )
    dependencies: list[str] = Field(
        default=[], description="Models this one was built from (fine-tuned or distilled)."
    )


class ModelArchitecture(Record):
    family: str | None = None
    design_specification: str | None = None
    parameters: int | None = Field(default=None, ge=0)
    size_description: str | None = None


class Modalities(Record):
    input: list[str] = []
    output: list[str] = []


class IOLimits(Record):
    max_input_tokens: int | None = Field(default=None, ge=1)
    max_output_tokens: int | None = Field(default=None, ge=1)
    other_limits: str | None = None


class TrainingDataDescription(Record):
    data_types: list[str] = []
    provenance: str | None = None
    acquisition_and_selection: str | None = None
    data_points: str | None = Field(default=None, description="Number or order of magnitude.")
    scope_and_characteristics: str | None = None
    processing: str | None = Field(default=None, description="Cleaning, filtering, curation.")
    unsuitable_data_measures: str | None = None
    bias_detection_measures: str | None = None


class TrainingCompute(Record):
    training_flops: float | None = Field(default=None, ge=0)
    training_time: str | None = None
    measurement_method: str | None = None


class TrainingEnergy(Record):
    energy_kwh: float | None = Field(default=None, ge=0)
    measurement_method: str | None = None
    known_or_estimated: Literal["known", "estimated"] | None = None


class ModelUses(Record):
    intended: list[str] = []
    restricted: list[str] = Field(default=[], description="Uses the provider excludes or limits.")
    acceptable_use_policy: str | None = None
    integration_systems: list[str] = Field(
        default=[], description="Kinds of AI system the model can be integrated in."
    )
    integration_means: str | None = Field(
        default=None, description="Technical means (APIs, tools, hardware, software) it needs."
    )


class Distribution(Record):
    channels: list[str] = Field(default=[], description="API, weights download, app, ...")
    licence: str | None = None


class ModelDocumentation(Record):
    """The Code of Practice's Model Documentation Form, one per model version."""

    schema_version: Literal[1] = 1
    provider: DocumentedProvider = DocumentedProvider()
    model: ModelIdentity = ModelIdentity()
    architecture: ModelArchitecture = ModelArchitecture()
    modalities: Modalities = Modalities()
    io_limits: IOLimits = IOLimits()
    training_process: str | None = Field(
        default=None, description="Main steps and design choices of training, with rationale."
    )
    training_data: TrainingDataDescription = TrainingDataDescription()
    compute: TrainingCompute = TrainingCompute()
    energy: TrainingEnergy = TrainingEnergy()
    uses: ModelUses = ModelUses()
    distribution: Distribution = Distribution()


# ---------------------------------------------------------------------------------------------
# Public summary of training content (Art.53(1)(d), Commission template)


class SummaryGeneral(Record):
    provider: str | None = None
    model_name: str | None = None
    modalities: list[str] = []
    training_data_size: str | None = Field(
        default=None, description="Size per modality, in the template's ranges."
    )
    knowledge_cutoff: dt.date | None = None


class NamedSource(Record):
    name: str
    description: str | None = None
    url: str | None = None


class ScrapedContent(Record):
    used: bool | None = None
    crawlers: list[str] = []
    collection_period: str | None = None
    content_types: list[str] = []
    top_domains: list[str] = Field(
        default=[], description="The most relevant domain names, as the template asks."
    )


class DataSources(Record):
    public_datasets: list[NamedSource] = []
    licensed_private_datasets: list[NamedSource] = []
    scraped: ScrapedContent = ScrapedContent()
    user_data: str | None = None
    synthetic_data: str | None = None
    other: str | None = None


class DataProcessing(Record):
    tdm_opt_out_measures: str | None = Field(
        default=None, description="How rights reservations under Art.4(3) CDSM were honoured."
    )
    illegal_content_removal: str | None = None


class TrainingContentSummary(Record):
    schema_version: Literal[1] = 1
    general: SummaryGeneral = SummaryGeneral()
    sources: DataSources = DataSources()
    processing: DataProcessing = DataProcessing()
    published_at: str | None = Field(default=None, description="Where the summary is published.")
    last_updated: dt.date | None = None


# ---------------------------------------------------------------------------------------------
# Copyright policy (Art.53(1)(c))


class CopyrightPolicy(Record):
    schema_version: Literal[1] = 1
    policy: str | None = Field(default=None, description="Where the written policy is kept.")
    responsible: str | None = None
    tdm_opt_out_compliance: str | None = Field(
        default=None,
        description="How machine-readable reservations (robots.txt and others) are identified "
        "and honoured when crawling.",
    )
    lawful_access: str | None = Field(
        default=None, description="How only lawfully accessible content is reproduced."
    )
    infringing_output_mitigation: str | None = None
    complaint_contact: str | None = Field(
        default=None, description="Where rightsholders lodge complaints."
    )
    last_reviewed: dt.date | None = None
