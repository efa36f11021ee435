"""The files `govern init` writes for a new system, with every field still to fill marked TODO."""

# Text fields to fill hold `TODO: ...` (a placeholder every check treats as absent); numbers, dates,
# booleans and lists to fill are null or empty with a `# TODO` comment, so the files load and
# `govern check` and `govern card lint` report each of them as a gap rather than as bad input.

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from govern.load.choices import TIERS

MANIFEST = "govern.yaml"
MODEL_CARD = "docs/model_card.yaml"
ATTESTATIONS = "governance/attestations.yaml"
FRIA = "governance/fria.yaml"


@dataclass(frozen=True)
class Answers:
    """What `govern init` asked (or assumed with --no-input)."""

    name: str
    system_id: str
    version: str = "0.1.0"
    role: str = "provider"
    intended_purpose: str = ""
    tier: str = "high"
    annex_iii: str | None = None
    annex_i: str | None = None
    transparency: tuple[str, ...] = ()
    frameworks: tuple[str, ...] = ("eu-ai-act",)
    profiling: bool = False
    prohibited_practices: tuple[str, ...] = ()
    gpai: bool = False  # a provider of a general-purpose AI model (Art.53)
    datasets: tuple[tuple[str, str], ...] = field(default=())  # (id, role)

    def dataset_files(self) -> list[tuple[str, str, str]]:
        """(relative path, id, role) of each dataset record to write."""
        return [(f"docs/data/{role}.yaml", ident, role) for ident, role in self.dataset_plan()]

    def dataset_plan(self) -> tuple[tuple[str, str], ...]:
        if self.datasets:
            return self.datasets
        if self.tier == "high":
            return (("training-data", "training"), ("testing-data", "testing"))
        return (("training-data", "training"),)


def slug(text: str) -> str:
    cleaned = re.sub(r"[^a-z0-9._-]+", "-", text.strip().lower()).strip("-._")
    return cleaned or "my-ai-system"


def _q(value: str | None) -> str:
    """A YAML scalar for a value the user typed (JSON strings are valid YAML)."""
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


def todo(what: str) -> str:
    return _q(f"TODO: {what}")


def render(answers: Answers) -> dict[str, str]:
    """Relative path -> file text, for every file of the scaffold."""
    files = {
        MANIFEST: manifest(answers),
        MODEL_CARD: model_card(answers),
        ATTESTATIONS: attestations([]),
    }
    for path, ident, role in answers.dataset_files():
        files[path] = dataset_record(answers, ident, role)
    if _owes_fria(answers):
        files[FRIA] = fria()
    if answers.gpai:
        from govern.scaffold import gpai

        files[gpai.MODEL_DOCUMENTATION] = gpai.model_documentation(answers.name, answers.version)
        files[gpai.TRAINING_CONTENT_SUMMARY] = gpai.training_content_summary(answers.name)
        files[gpai.COPYRIGHT_POLICY] = gpai.copyright_policy(answers.name)
    return files


def _owes_fria(a: Answers) -> bool:
    """A high-risk deployer may owe an Art.27 FRIA (5(b)/(c), or a public body or service): the
    questionnaire is scaffolded and the FRIA rules decide whether it is required."""
    return a.role == "deployer" and a.tier == "high"


def fria() -> str:
    return f"""\
# The fundamental-rights impact assessment (EU AI Act Art.27), written by `govern init`.
# `govern schema fria` has every field. Sign it with an attestation of control `fria`.
deployer: {todo("the deployer carrying out the assessment")}
completed_on: null                # TODO: YYYY-MM-DD, before first use
process: {todo("Art.27(1)(a): the processes in which the system is used")}
period: {todo("Art.27(1)(b): the period of intended use")}
frequency: {todo("Art.27(1)(b): how often it is used")}
affected_persons: []              # TODO: Art.27(1)(c) [{{category, groups, estimated_number}}]
risks: []                         # TODO: Art.27(1)(d) [{{affected, right, harm, likelihood}}]
human_oversight: {todo("Art.27(1)(e): how human oversight is carried out")}
measures:                         # Art.27(1)(f): if the risks materialise
  actions: []                     # TODO: what is done
  internal_governance: null
  complaints: {todo("the complaint mechanism")}
notification:                     # Art.27(3): results notified to the market surveillance authority
  authority: null                 # TODO
  sent_on: null                   # TODO: YYYY-MM-DD
attestation: fria
"""


# ---------------------------------------------------------------------------------------------
# govern.yaml


def manifest(a: Answers) -> str:
    purpose = a.intended_purpose or "TODO: what the system is for, for whom, and on whom it is used"
    annex_i = a.annex_i
    if a.tier == "high" and not a.annex_iii and not annex_i:
        annex_i = "TODO: the Annex I product legislation, or replace with annex_iii: a point"
    triggers = list(a.transparency)
    if a.tier == "limited" and not triggers:
        triggers = ["interacts_with_persons"]
    datasets = ", ".join(path for path, _, _ in a.dataset_files())
    unanswered = a.tier == "high" and not a.annex_iii and not a.annex_i
    annex_todo = "TODO: " if unanswered else ""
    profiling = "true" if a.profiling else "false"
    prohibited = json.dumps(list(a.prohibited_practices))
    gpai = "true" if a.gpai else "false"
    fairness_note = (
        "# TODO: `govern fairness PREDICTIONS ... -o reports/fairness.json`, then list it here"
        if a.tier == "high"
        else "# fairness reports (govern fairness), if any"
    )
    more_evidence = (
        f"  fria: {FRIA}                # Art.27 fundamental-rights impact assessment\n"
        if _owes_fria(a)
        else "  # incidents: [governance/incidents/INC-1.yaml]  # Art.73 incident records\n"
        if a.tier == "high"
        else ""
    )
    return f"""\
# {a.name}: the govern manifest, written by `govern init`. Fill in every TODO, then run
#   govern card lint    what the model card and dataset records still lack, with the provisions
#   govern check        the audit against the policy packs
govern: 1
system:
  id: {a.system_id}
  name: {_q(a.name)}
  version: {_q(a.version)}
  role: {a.role}                  # provider | deployer (EU AI Act roles)
  intended_purpose: {_q(purpose)}
  public_authority: false
classification:                   # the EU AI Act screening questions (`govern classify` explains)
  prohibited_practices: {prohibited:<10}# Art.5(1) letters a-h, ba, bb; any one prohibits
  # {annex_todo}Annex III point, e.g. "5(b)" for credit scoring (high-risk), or null
  annex_iii: {_q(a.annex_iii)}
  # Annex I product legislation the system is a safety component of, or null
  annex_i: {_q(annex_i)}
  # {{conditions: [a-d], justification: ...}} to claim the Art.6(3) derogation, or null
  art6_3_exception: null
  profiling: {profiling:<21}# profiling natural persons rules out the Art.6(3) derogation
  gpai: {gpai:<27}# a general-purpose AI model you provide (Art.53)
  gpai_systemic_risk: false       # Art.51: over 10^25 training FLOPs, or designated
  # Art.50 triggers: interacts_with_persons, synthetic_content, emotion_recognition,
  # biometric_categorisation, deep_fake, public_interest_text
  transparency: {json.dumps(triggers)}
frameworks: {json.dumps(list(a.frameworks))}
evidence:
  model_card: {MODEL_CARD}
  datasets: [{datasets}]
  {fairness_note}
  fairness: []
  attestations: {ATTESTATIONS}
{more_evidence}{_gpai_evidence(a)}waivers: []
"""


def _gpai_evidence(a: Answers) -> str:
    if not a.gpai:
        return ""
    from govern.scaffold import gpai

    return (
        "  gpai:                           # a GPAI provider's documents (Art.53(1)(a)-(d))\n"
        f"    model_documentation: {gpai.MODEL_DOCUMENTATION}\n"
        f"    training_content_summary: {gpai.TRAINING_CONTENT_SUMMARY}\n"
        f"    copyright_policy: {gpai.COPYRIGHT_POLICY}\n"
    )


# ---------------------------------------------------------------------------------------------
# The model card

# (section, tiers it is written for, text). "limited" also covers Art.50 duties of any tier.
_CARD_SECTIONS: tuple[tuple[str, frozenset[str], str], ...] = (
    ("identity", frozenset(TIERS), """\
identity:
  name: {name}
  version: {version}
  previous_version: null          # TODO: the release this one replaces (or add a change_log entry)
  release_date: null              # TODO: YYYY-MM-DD
  model_id: null                  # TODO: a stable identifier of the model (registry id, URI)
  repository: null
"""),
    ("provider", frozenset(TIERS), """\
provider:
  name: {todo_provider}
  address: "TODO: postal address of the provider"
  contact: "TODO: e-mail address or URL of the contact point"
  website: null
"""),
    ("intended_purpose", frozenset(TIERS), """\
intended_purpose:
  description: {purpose}
  users: []                       # TODO: who uses the system (deployers, operators)
  deployment_context: "TODO: where, by whom and in which process the system is used"
  affected_persons: []            # TODO: the persons the system is used on
  decisions_supported: null       # TODO: the decisions its outputs inform, and who takes them
"""),
    ("out_of_scope", frozenset(TIERS), """\
out_of_scope:
  uses: []                        # TODO: uses the provider excludes
  foreseeable_misuse: []          # TODO: misuse that can reasonably be foreseen
  acceptable_use_policy: null
"""),
    ("architecture", frozenset(TIERS), """\
architecture:
  model_type: "TODO: e.g. gradient-boosted trees, fine-tuned transformer"
  task: "TODO: e.g. binary classification"
  architecture_family: "TODO: the architecture and its main parts"
  parameters: null                # number of parameters (required for GPAI models)
  objective: "TODO: what training optimises (loss, objective)"
  design_choices: "TODO: key design choices, their rationale and trade-offs"
"""),
    ("io", frozenset({"high"}), """\
io:
  inputs:
    - modality: "TODO: e.g. tabular, text, image"
      format: "TODO: e.g. JSON, application schema v1"
      description: null
      max_size: null
  outputs:
    - modality: "TODO: e.g. tabular"
      format: "TODO: e.g. JSON"
      description: "TODO: what the output means and its range"
  input_requirements: "TODO: what inputs must satisfy before they are processed"
"""),
    ("components", frozenset({"high"}), """\
# TODO: libraries, services and base models, each {{name, kind, version, licence, source,
# integration}} (kind: base_model, library, tool, service or model)
components: []
"""),
    ("runtime", frozenset({"high"}), """\
runtime:
  interactions: "TODO: systems it exchanges data with"
  software: []                    # TODO: software and versions it runs on
  distribution: []                # TODO: how it is provided (API, package, download)
  hardware: "TODO: hardware it runs on"
  compute_requirements: "TODO: compute it needs"
  expected_lifetime: "TODO: how long it is expected to be used"
  maintenance: "TODO: maintenance and care measures"
  update_policy: "TODO: how software and model updates are made"
"""),
    ("training", frozenset({"high"}), """\
training:
  method: "TODO: how the model was trained or adapted"
  preprocessing: "TODO: data preprocessing before training"
  hyperparameters: {{}}
"""),
    ("compute_energy", frozenset({"high"}), """\
compute_energy:
  hardware: "TODO: hardware used for training"
  training_hours: null            # TODO: hours of training
  training_flops: null
  energy_kwh:
    training: null                # TODO: kWh used by training
    inference_per_1k_requests: null  # TODO: kWh per 1,000 inference requests
  co2e_kg: null
  region: null
  basis: null                     # TODO: measured | estimated
"""),
    ("datasets", frozenset(TIERS), "{dataset_refs}"),
    ("evaluation", frozenset(TIERS), """\
# TODO: one entry per metric: {{metric, value, dataset, split, threshold, comparison (">=" or
# "<="), confidence_interval: [low, high], date, tester}}
evaluation: []
"""),
    ("disaggregated", frozenset({"high"}), """\
disaggregated:
  factors: []                     # TODO: attributes the results are broken down by
  summary: null                   # TODO: how performance differs between the groups
  fairness_report: "TODO: path of the fairness report (govern fairness)"
"""),
    ("robustness", frozenset({"high"}), """\
robustness:
  tests: []                       # TODO: {{kind, description, result, date}} per robustness test
  adversarial_testing:
    performed: null               # TODO: true once adversarial testing (red-teaming) was done
    method: "TODO: how the system was attacked"
    date: null                    # TODO: YYYY-MM-DD
    findings: "TODO: what was found and fixed"
  fail_safe: "TODO: what happens when the system fails or is unavailable"
  feedback_loop_mitigation: "TODO: how biased outputs are kept from feeding back into training"
"""),
    ("cybersecurity", frozenset({"high"}), """\
cybersecurity:
  measures: []                    # TODO: security measures in place
  # TODO: threats the measures address: data_poisoning, model_poisoning, adversarial_examples,
  # confidentiality_attacks, model_flaws, prompt_injection
  threats_addressed: []
  last_security_review: null      # TODO: YYYY-MM-DD of the last security review
"""),
    ("limitations", frozenset(TIERS), """\
limitations:
  known_limitations: []           # TODO: where the system does not work well
  foreseeable_unintended_outcomes: []  # TODO: unintended outcomes that can be foreseen
  # TODO: {{description, affected, mitigation, residual_risk: low, medium or high}} per risk
  risks: []
  recommendations: []             # TODO: advice to deployers and users
"""),
    ("human_oversight", frozenset({"high"}), """\
human_oversight:
  built_in_measures: []           # TODO: oversight measures built into the system (Art.14(3)(a))
  deployer_measures: []           # TODO: measures the deployer takes (Art.14(3)(b))
  override_available: null        # TODO: true when a person can disregard or override an output
  stop_mechanism: null            # TODO: true when a person can stop the system safely
  automation_bias_guidance: "TODO: how overseers are warned against automation bias"
  overseer_competence: "TODO: competence and training the overseers need"
"""),
    ("explainability", frozenset({"high"}), """\
explainability:
  methods: []                     # TODO: explanation methods available
  interpretation_guidance: "TODO: how to interpret the outputs"
"""),
    ("change_control", frozenset({"high"}), """\
change_control:
  predetermined_changes: []       # TODO: changes planned in advance and their bounds
  # TODO: {{version, date, summary, substantial_modification}} per release
  change_log: []
  substantial_modification_assessment: "TODO: whether this release is a substantial modification"
"""),
    ("logging", frozenset({"high"}), """\
logging:
  events: []                      # TODO: events the system logs
  retention_days: null            # TODO: how long logs are kept (at least 183 days)
  deployer_access: "TODO: how deployers get at the logs"
  agent_actions_logged: null
  format: "TODO: log format"
"""),
    ("post_market", frozenset({"high"}), """\
post_market:
  plan: "TODO: the post-market monitoring plan (where it is)"
  metrics: []                     # TODO: what is monitored
  frequency: "TODO: how often"
  triggers: []                    # TODO: what triggers action
"""),
    ("transparency", frozenset({"limited"}), """\
transparency:
  ai_disclosure: "TODO: how people are told they interact with AI"
  disclosure_timing: "TODO: when and where they are told (at the latest at first interaction)"
  # for synthetic content: {{method, machine_readable: true, detection_tool}}
  marking: null
  deep_fake_disclosure: null
"""),
    ("conformity", frozenset({"high"}), """\
conformity:
  standards: []                   # TODO: harmonised standards or specifications applied
  assessment_procedure: "TODO: conformity assessment procedure (Art.43)"
  declaration_of_conformity: "TODO: where the EU declaration of conformity is"
  ce_marking: null                # TODO: true once the CE marking is affixed
  notified_body: null
  eu_database_id: "TODO: EU database registration number (Art.49)"
"""),
    ("licence", frozenset(TIERS), """\
licence:
  id: "TODO: SPDX licence identifier or LicenseRef-..."
  url: null
"""),
    ("release", frozenset({"high"}), """\
release:
  date: null                      # TODO: YYYY-MM-DD of the release
  channels: []
"""),
    ("feedback", frozenset(TIERS), """\
feedback:
  contact: "TODO: where users and affected persons report problems"
  appeal_process: null            # TODO: how affected persons contest an outcome
"""),
    ("risk_management", frozenset({"high"}), """\
risk_management:
  register: "TODO: where the risk register is"
  top_risks: []                   # TODO: the main risks
  last_review: null               # TODO: YYYY-MM-DD of the last risk review
"""),
    ("gpai", frozenset(), """\
gpai:                             # the documents of a GPAI model's provider (Art.53)
  copyright_policy: "TODO: where the copyright policy is published"
  training_content_summary: "TODO: where the public training-content summary is published"
  acceptable_use_policy: "TODO: where the acceptable use policy is"
"""),
    ("instructions", frozenset({"high"}), """\
instructions:
  ui_description: "TODO: the user interface deployers see"
  instructions_for_use: "TODO: where the instructions for use are"
"""),
)  # fmt: skip


# Lines of the card and dataset templates that a GPAI model's provider must fill although the
# tier does not ask for them (Annexes XI and XII, Art.53(1)(c)): marked TODO in place.
_GPAI_TODOS: tuple[tuple[str, str], ...] = (
    ("  acceptable_use_policy: null\n",
     "  acceptable_use_policy: null     # TODO: the acceptable use policy (or under gpai:)\n"),
    ("  parameters: null                # number of parameters (required for GPAI models)\n",
     "  parameters: null                # TODO: number of parameters\n"),
    ("      max_size: null\n", "      max_size: null              # TODO: maximum input size\n"),
    ("  training_flops: null\n",
     "  training_flops: null            # TODO: training compute in FLOPs\n"),
    ("  url: null\n", "  url: null                       # TODO: or a link to the licence\n"),
    ("  channels: []\n", "  channels: []                    # TODO: API, weights download, ...\n"),
    ("  tdm_opt_out_respected: null\n",
     "  tdm_opt_out_respected: null     # TODO: true once TDM opt-outs were honoured\n"),
)  # fmt: skip


def _mark_gpai_todos(text: str) -> str:
    for line, marked in _GPAI_TODOS:
        text = text.replace(line, marked)
    return text


def model_card(a: Answers) -> str:
    triggers = set(a.transparency) or ({"interacts_with_persons"} if a.tier == "limited" else set())
    purpose = a.intended_purpose or "TODO: the intended purpose, as in govern.yaml"
    refs = "# one entry per dataset, each with a dataset record listed in govern.yaml\ndatasets:\n"
    for path, ident, role in a.dataset_files():
        refs += (
            f"  - id: {ident}{' ' * max(1, 28 - len(ident))}# {path}\n"
            f"    role: {role}\n"
            "    version: null               # TODO: the dataset version used\n"
            "    sha256: null                # TODO: sha256 of the dataset content\n"
        )
    values = {
        "name": _q(a.name),
        "version": _q(a.version),
        "purpose": _q(purpose),
        "todo_provider": todo("legal name of the provider"),
        "dataset_refs": refs,
    }
    parts = [
        f"# Model card: {a.name} (govern model card schema 1), written by `govern init`.\n"
        '# Fill in every TODO: text fields hold "TODO: ..."; empty lists and nulls to fill\n'
        "# carry a TODO comment. `govern card lint` lists what is still missing for tier\n"
        f"# {a.tier}, with the provisions each field serves; `govern schema model-card`\n"
        "# describes every field.\n"
        "schema_version: 1\n"
    ]
    for section, tiers, text in _CARD_SECTIONS:
        wanted = (
            a.tier in tiers
            or (a.gpai and section in _GPAI_SECTIONS)
            or (section == "transparency" and bool(triggers))
            or (section in _FRAMEWORK_SECTIONS and _beyond_eu(a))
        )
        if wanted:
            parts.append(text.format(**values))
    card = "".join(parts)
    return _mark_gpai_todos(card) if a.gpai else card


# ---------------------------------------------------------------------------------------------
# Dataset records

_DATASET_HIGH = """\
personal_data:
  contains_personal_data: null    # TODO: true or false
  categories: []
  special_categories: []          # special categories of personal data (GDPR Art.9), if any
  original_purpose: null          # needed when the data is personal: why it was first collected
  legal_basis: null               # needed when the data is personal
  anonymisation: null
  access_controls: null           # needed when the data is personal
  special_category_justification: null
  deletion_rule: null
rights:
  licence: "TODO: licence or terms of use"
  restrictions: null
  tdm_opt_out_respected: null
  consent: null
preparation: []                   # TODO: {{step, description, tool}} per preparation step
annotation:
  protocol: "TODO: how labels were produced"
  platform: null
  annotators: null                # TODO: who labelled the data (staff, crowd, vendor, model)
  annotations_per_item: null
  agreement: null
  quality_assurance: "TODO: how label quality was checked"
  machine_annotation: null
synthetic:
  share: null                     # TODO: share of synthetic records, 0 to 1
  generator: null                 # TODO when share > 0: how synthetic records were made
  purpose: null                   # TODO when share > 0: why synthetic records were added
design_assumptions:
  measures: "TODO: what the data is meant to measure or represent"
  proxies: "TODO: proxies used, and attributes that may act as proxies"
  labelling_schema: "TODO: the label definitions"
size:
  records: null                   # TODO: number of records
  bytes: null
  suitability: "TODO: why the size and content suit the intended purpose"
representativeness:
  # TODO: {{attribute, shares: {{group: share}}, reference_population}} per attribute
  groups: []
  setting: "TODO: the geographical, contextual and behavioural setting the data covers"
bias_examination:
  method: "TODO: how the data was examined for bias"
  date: null                      # TODO: YYYY-MM-DD
  findings: []                    # TODO: biases found
  mitigations: []                 # TODO: what was done about them
  report: null
quality:
  label_error_rate: null          # TODO: estimated share of wrong labels, 0 to 1
  missing_data: "TODO: missing values and how they are handled"
  completeness: "TODO: how complete the data is"
gaps_limitations: []              # TODO: known gaps and shortcomings
uses:
  intended: []                    # TODO: uses the data suits
  out_of_scope: []                # TODO: uses it does not suit
social_impact: "TODO: expected social impact of the data"
maintenance:
  update_policy: "TODO: how and when the data is updated"
  retention: "TODO: how long it is kept"
  deletion: "TODO: how it is deleted"
gpai_summary: null
"""

_DATASET_LOW = """\
rights:
  licence: "TODO: licence or terms of use"
uses:
  intended: []                    # TODO: uses the data suits
  out_of_scope: []                # TODO: uses it does not suit
"""

# What ISO/IEC 42001 and the NIST AI RMF ask of a dataset record whatever the EU AI Act tier.
_DATASET_FRAMEWORKS = """\
annotation:
  annotators: null                # TODO: who labelled the data (staff, crowd, vendor, model)
social_impact: "TODO: expected social impact of the data"
"""

# Model card sections the EU AI Act asks for only at high risk, but ISO/IEC 42001 and the NIST AI
# RMF at every tier: written whenever one of those frameworks is in scope.
_FRAMEWORK_SECTIONS = frozenset({"io", "components", "compute_energy", "disaggregated", "release"})


# Model card sections the EU AI Act asks a GPAI model's provider for whatever the tier (Annexes XI
# and XII, Art.55 for systemic risk).
_GPAI_SECTIONS = frozenset(
    {"io", "components", "runtime", "training", "compute_energy", "evaluation", "robustness",
     "cybersecurity", "release", "instructions", "risk_management", "gpai"}
)  # fmt: skip


def _beyond_eu(a: Answers) -> bool:
    return bool(set(a.frameworks) - {"eu-ai-act"})


def dataset_record(a: Answers, ident: str, role: str) -> str:
    head = f"""\
# Dataset record: the {role} data of {a.name} (govern dataset record schema 1), written by
# `govern init`. Fill in every TODO; `govern card lint` lists what is still missing
# for tier {a.tier}.
schema_version: 1
id: {ident}
name: "TODO: the dataset's name"
version: "TODO: version or snapshot date"
description: "TODO: what the data is"
publisher: null
published: null
roles: [{role}]
files: []                         # TODO: {{path, sha256, bytes}} per file (sha256 of its content)
splits: []
origin:
  sources: []                     # TODO: where the data comes from
  collection_method: "TODO: how it was collected"
  collection_type: []
  timeframe:
    start: null                   # TODO: YYYY-MM-DD
    end: null
  collected_by: null
  derived_from: []
"""
    body = _DATASET_HIGH if a.tier == "high" or a.gpai else _DATASET_LOW
    if a.tier != "high" and not a.gpai and _beyond_eu(a):
        body += _DATASET_FRAMEWORKS
    record = head + body.format()
    return _mark_gpai_todos(record) if a.gpai else record


# ---------------------------------------------------------------------------------------------
# Attestations


def attestations(controls: list[tuple[str, list[str]]]) -> str:
    """The attestations file: an empty list, and a commented template per control to attest."""
    lines = [
        "# Attestations: controls no file can prove, each stated by a named person on a date.",
        "# An attestation counts once it is in the list below; copy a template, fill it in and",
        "# uncomment it. Never record an attestation for something that was not done.",
        "schema_version: 1",
        "attestations: []",
    ]
    if controls:
        lines.append("")
        lines.append("# Controls the policy packs of this system ask for:")
    for control, rules in controls:
        lines += [
            f"# - control: {control}{' ' * max(1, 30 - len(control))}# {', '.join(rules)}",
            "#   statement: TODO",
            "#   attested_by: {name: TODO, role: TODO, email: TODO}",
            "#   date: YYYY-MM-DD",
            "#   evidence: TODO",
        ]
    return "\n".join(lines) + "\n"


def attestation_controls(manifest: Any) -> list[tuple[str, list[str]]]:
    """Controls the system's packs will ask to attest, with the rules that ask, for its tier.

    Each applicable rule is evaluated against the manifest alone: a control counts when the rule
    does not already pass without it (a derogation rule that passes when none is claimed asks
    for nothing).
    """
    import datetime as dt
    from pathlib import Path

    from govern.engine.classify import classify
    from govern.engine.evaluate import applies
    from govern.policy.checks import PASS, Context, evaluate
    from govern.policy.loader import load_packs

    packs = load_packs(manifest.policy_sources(), Path("."))
    classification = classify(manifest)
    stand_in: Any = SimpleNamespace(manifest=manifest)
    answers = manifest.classification.model_dump()
    answers.update(tier=classification.tier, high_risk=classification.high_risk)
    view = {
        "system": manifest.system.model_dump(by_alias=True),
        "classification": answers,
        "model_card": {},
        "datasets": [],
        "fairness": [],
        "attestations": [],
    }
    found: dict[str, list[str]] = {}
    for rule in packs.rules:
        ok, _ = applies(rule.spec.applies_when, stand_in, classification)
        if not ok:
            continue
        outcome = evaluate(rule.check, Context(view, rule.params, lambda c: [], dt.date.today()))
        if outcome.status == PASS:
            continue
        for use in outcome.attestations:
            rules = found.setdefault(use.control, [])
            if rule.id not in rules:
                rules.append(rule.id)
    return sorted(found.items())
