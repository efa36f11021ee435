"""govern's model card: what a regulator, auditor or deployer needs to know about one model release.

Sections follow the `mc.*` fields of the reference field catalogue (evidence_fields.md).
Every field is optional here so that an incomplete card still loads: policies and `govern card lint`
say what is missing, with the provisions that need it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from govern.evidence.base import Record

DatasetRole = Literal[
    "training", "validation", "testing", "fine_tuning", "retrieval", "calibration"
]


class Identity(Record):
    name: str | None = None
    version: str | None = None
    previous_version: str | None = None
    release_date: dt.date | None = None
    model_id: str | None = None
    repository: str | None = None


class Provider(Record):
    name: str | None = None
    address: str | None = None
    contact: str | None = None
    website: str | None = None
    authorised_representative: str | None = None


class IntendedPurpose(Record):
    description: str | None = None
    users: list[str] = []
    deployment_context: str | None = None
    affected_persons: list[str] = []
    decisions_supported: str | None = None


class OutOfScope(Record):
    uses: list[str] = []
    foreseeable_misuse: list[str] = []
    acceptable_use_policy: str | None = None


class Architecture(Record):
    model_type: str | None = None
    task: str | None = None
    architecture_family: str | None = None
    parameters: int | None = Field(default=None, ge=0)
    objective: str | None = None
    design_choices: str | None = None


class IOItem(Record):
    modality: str | None = None
    format: str | None = None
    description: str | None = None
    max_size: str | None = None


class IOSpec(Record):
    inputs: list[IOItem] = []
    outputs: list[IOItem] = []
    input_requirements: str | None = None


class Component(Record):
    name: str
    kind: Literal["base_model", "library", "tool", "service", "model"] = "library"
    version: str | None = None
    licence: str | None = None
    source: str | None = None
    integration: str | None = None


class Runtime(Record):
    interactions: str | None = None
    software: list[str] = []
    distribution: list[str] = []
    hardware: str | None = None
    compute_requirements: str | None = None
    expected_lifetime: str | None = None
    maintenance: str | None = None
    update_policy: str | None = None


class FineTuningStep(Record):
    method: str
    date: dt.date | None = None
    data: list[str] = []
    description: str | None = None


class Quantization(Record):
    method: str | None = None
    bits: int | None = Field(default=None, ge=1, le=64)
    evaluated: bool | None = None


class Retrieval(Record):
    sources: list[str] = []
    index_version: str | None = None
    refresh_policy: str | None = None


class TrainingProcedure(Record):
    method: str | None = None
    preprocessing: str | None = None
    hyperparameters: dict[str, Any] = {}
    fine_tuning: list[FineTuningStep] = []
    quantization: Quantization | None = None
    retrieval: Retrieval | None = None


class EnergyKwh(Record):
    training: float | None = Field(default=None, ge=0)
    fine_tuning: float | None = Field(default=None, ge=0)
    inference_per_1k_requests: float | None = Field(default=None, ge=0)


class ComputeEnergy(Record):
    training_flops: float | None = Field(default=None, ge=0)
    hardware: str | None = None
    training_hours: float | None = Field(default=None, ge=0)
    energy_kwh: EnergyKwh | None = None
    co2e_kg: float | None = Field(default=None, ge=0)
    region: str | None = None
    basis: Literal["measured", "estimated"] | None = None


class DatasetRef(Record):
    id: str
    role: DatasetRole
    version: str | None = None
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class EvaluationResult(Record):
    metric: str
    value: float
    dataset: str | None = None
    split: str | None = None
    slice: str | None = None
    threshold: float | None = None
    comparison: Literal[">=", "<="] = ">="
    confidence_interval: tuple[float, float] | None = None
    configuration: str | None = None
    date: dt.date | None = None
    tester: str | None = None


class Disaggregated(Record):
    factors: list[str] = []
    summary: str | None = None
    fairness_report: str | None = None


class RobustnessTest(Record):
    kind: str
    description: str | None = None
    result: str | None = None
    date: dt.date | None = None


class AdversarialTesting(Record):
    performed: bool | None = None
    method: str | None = None
    date: dt.date | None = None
    findings: str | None = None


Threat = Literal[
    "data_poisoning",
    "model_poisoning",
    "adversarial_examples",
    "confidentiality_attacks",
    "model_flaws",
    "prompt_injection",
]


class Robustness(Record):
    tests: list[RobustnessTest] = []
    adversarial_testing: AdversarialTesting | None = None
    fail_safe: str | None = None
    feedback_loop_mitigation: str | None = None


class Cybersecurity(Record):
    measures: list[str] = []
    threats_addressed: list[Threat] = []
    last_security_review: dt.date | None = None


class Risk(Record):
    description: str
    affected: list[str] = []
    mitigation: str | None = None
    residual_risk: Literal["low", "medium", "high"] | None = None


class Limitations(Record):
    known_limitations: list[str] = []
    foreseeable_unintended_outcomes: list[str] = []
    risks: list[Risk] = []
    recommendations: list[str] = []


class HumanOversight(Record):
    built_in_measures: list[str] = []
    deployer_measures: list[str] = []
    override_available: bool | None = None
    stop_mechanism: bool | None = None
    automation_bias_guidance: str | None = None
    overseer_competence: str | None = None


class Explainability(Record):
    methods: list[str] = []
    interpretation_guidance: str | None = None


class ChangeEntry(Record):
    version: str
    date: dt.date | None = None
    summary: str | None = None
    substantial_modification: bool | None = None


class ChangeControl(Record):
    predetermined_changes: list[str] = []
    change_log: list[ChangeEntry] = []
    substantial_modification_assessment: str | None = None


class Logging(Record):
    events: list[str] = []
    retention_days: int | None = Field(default=None, ge=0)
    deployer_access: str | None = None
    agent_actions_logged: bool | None = None
    format: str | None = None


class PostMarket(Record):
    plan: str | None = None
    metrics: list[str] = []
    frequency: str | None = None
    triggers: list[str] = []


class ContentMarking(Record):
    method: str | None = None
    machine_readable: bool | None = None
    detection_tool: str | None = None


class Transparency(Record):
    ai_disclosure: str | None = None
    disclosure_timing: str | None = None
    marking: ContentMarking | None = None
    deep_fake_disclosure: str | None = None


class Conformity(Record):
    standards: list[str] = []
    assessment_procedure: str | None = None
    declaration_of_conformity: str | None = None
    ce_marking: bool | None = None
    notified_body: str | None = None
    eu_database_id: str | None = None


class Licence(Record):
    id: str | None = None
    url: str | None = None


class Release(Record):
    date: dt.date | None = None
    channels: list[str] = []


class Feedback(Record):
    contact: str | None = None
    appeal_process: str | None = None


class RiskManagement(Record):
    # Stored as `register` in files; the attribute name avoids shadowing BaseModel.register.
    register_ref: str | None = Field(default=None, alias="register")
    top_risks: list[str] = []
    last_review: dt.date | None = None


class GpaiInfo(Record):
    copyright_policy: str | None = None
    training_content_summary: str | None = None
    acceptable_use_policy: str | None = None


class Instructions(Record):
    ui_description: str | None = None
    instructions_for_use: str | None = None


class ModelCard(Record):
    """One model release; fine-tuned releases get a card each, linked by previous_version."""

    schema_version: Literal[1] = 1
    identity: Identity = Identity()
    provider: Provider = Provider()
    intended_purpose: IntendedPurpose = IntendedPurpose()
    out_of_scope: OutOfScope = OutOfScope()
    architecture: Architecture = Architecture()
    io: IOSpec = IOSpec()
    components: list[Component] = []
    runtime: Runtime = Runtime()
    training: TrainingProcedure = TrainingProcedure()
    compute_energy: ComputeEnergy = ComputeEnergy()
    datasets: list[DatasetRef] = []
    evaluation: list[EvaluationResult] = []
    disaggregated: Disaggregated = Disaggregated()
    robustness: Robustness = Robustness()
    cybersecurity: Cybersecurity = Cybersecurity()
    limitations: Limitations = Limitations()
    human_oversight: HumanOversight = HumanOversight()
    explainability: Explainability = Explainability()
    change_control: ChangeControl = ChangeControl()
    logging: Logging = Logging()
    post_market: PostMarket = PostMarket()
    transparency: Transparency = Transparency()
    conformity: Conformity = Conformity()
    licence: Licence = Licence()
    release: Release = Release()
    feedback: Feedback = Feedback()
    risk_management: RiskManagement = RiskManagement()
    gpai: GpaiInfo = GpaiInfo()
    instructions: Instructions = Instructions()
