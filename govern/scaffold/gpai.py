"""The three documents `govern init --gpai` writes for a provider of a general-purpose AI model.

The Model Documentation Form follows the GPAI Code of Practice (Transparency chapter), the
training-content summary the Commission's template for Art.53(1)(d), and the copyright policy the
measures Art.53(1)(c) and the Code's Copyright chapter ask for. Each field to fill is marked TODO
in place, as in the rest of the scaffold.
"""

from __future__ import annotations

import json

MODEL_DOCUMENTATION = "docs/model_documentation.yaml"
TRAINING_CONTENT_SUMMARY = "docs/training_content_summary.yaml"
COPYRIGHT_POLICY = "governance/copyright_policy.yaml"


def model_documentation(name: str, version: str) -> str:
    return f"""\
# Model Documentation Form (GPAI Code of Practice, Transparency chapter) for {name}, written by
# `govern init --gpai`. Kept up to date for the AI Office, national authorities and downstream
# providers (Art.53(1)(a)-(b), Annexes XI and XII). Fill in every TODO; `govern card lint` lists
# what is still missing.
schema_version: 1
provider:
  legal_name: "TODO: legal name of the provider"
  address: "TODO: postal address"
  contact: "TODO: contact point for the AI Office and downstream providers"
  authorised_representative: null # the EU representative of a provider outside the Union
model:
  name: {_q(name)}
  version: {_q(version)}
  release_date: null              # TODO: YYYY-MM-DD of this version's release
  union_release_date: null        # YYYY-MM-DD it was first placed on the Union market
  authenticity_sha256: null       # TODO: sha256 of the released weights (model authenticity)
  dependencies: []                # models this one was fine-tuned or distilled from
architecture:
  family: "TODO: e.g. decoder-only transformer, mixture of experts"
  design_specification: "TODO: the main design choices and their rationale"
  parameters: null                # TODO: number of parameters
  size_description: null
modalities:
  input: []                       # TODO: e.g. text, image, audio
  output: []                      # TODO: e.g. text
io_limits:
  max_input_tokens: null          # TODO: the context window
  max_output_tokens: null
  other_limits: null
training_process: "TODO: the main training steps (pre-training, fine-tuning, alignment) and why"
training_data:
  data_types: []                  # TODO: e.g. web text, code, licensed books, synthetic
  provenance: "TODO: where the data comes from (crawled, licensed, user, synthetic)"
  acquisition_and_selection: "TODO: how it was obtained and selected"
  data_points: "TODO: the number (or order of magnitude) of data points per type"
  scope_and_characteristics: null
  processing: "TODO: cleaning, filtering and curation applied"
  unsuitable_data_measures: "TODO: how unsuitable sources (illegal, harmful) were detected"
  bias_detection_measures: "TODO: how identifiable biases were detected"
compute:
  training_flops: null            # TODO: cumulative training compute in FLOPs
  training_time: "TODO: duration of training"
  measurement_method: "TODO: how compute was measured or estimated"
energy:
  energy_kwh: null                # TODO: energy used by training, in kWh
  measurement_method: "TODO: how energy was measured or estimated"
  known_or_estimated: null        # TODO: known | estimated
uses:
  intended: []                    # TODO: the tasks the model is intended for
  restricted: []                  # TODO: uses excluded or restricted by the provider
  acceptable_use_policy: "TODO: where the acceptable use policy is"
  integration_systems: []         # TODO: kinds of AI system it can be integrated in
  integration_means: "TODO: APIs, tools, hardware and software needed to integrate it"
distribution:
  channels: []                    # TODO: e.g. API, weights download, app
  licence: "TODO: licence (SPDX id or link)"
"""


def training_content_summary(name: str) -> str:
    return f"""\
# Public summary of the content used to train {name} (Art.53(1)(d)), after the Commission's
# template, written by `govern init --gpai`. Published, and kept up to date with each new version.
# Fill in every TODO; `govern card lint` lists what is still missing.
schema_version: 1
general:
  provider: "TODO: legal name of the provider"
  model_name: {_q(name)}
  modalities: []                  # TODO: modalities of the training data (text, image, ...)
  training_data_size: "TODO: size per modality, in the template's ranges"
  knowledge_cutoff: null          # YYYY-MM-DD of the latest data
sources:
  public_datasets: []             # {{name, description, url}} per publicly available dataset
  licensed_private_datasets: []   # {{name, description}} per dataset licensed from a third party
  scraped:
    used: null                    # TODO: true if content was crawled or scraped, else false
    crawlers: []                  # TODO when used: the crawlers' names (user agents)
    collection_period: null
    content_types: []
    top_domains: []               # TODO when used: the most relevant domain names
  user_data: null                 # data from users of the provider's services, if any
  synthetic_data: null            # synthetic data and the models that made it, if any
  other: null
processing:
  tdm_opt_out_measures: "TODO: how text-and-data-mining rights reservations were honoured"
  illegal_content_removal: "TODO: measures to remove illegal content"
published_at: "TODO: where the summary is published"
last_updated: null                # YYYY-MM-DD
"""


def copyright_policy(name: str) -> str:
    return f"""\
# Copyright policy of the provider of {name} (Art.53(1)(c)), written by `govern init --gpai`.
# Fill in every TODO; `govern card lint` lists what is still missing.
schema_version: 1
policy: "TODO: where the written copyright policy is kept"
responsible: "TODO: who is responsible for it (role)"
# how machine-readable rights reservations (robots.txt and others) are found and honoured
tdm_opt_out_compliance: "TODO: how rights reservations are honoured when crawling"
lawful_access: "TODO: how only lawfully accessible content is reproduced (no circumvention)"
infringing_output_mitigation: null  # measures against copyright-infringing outputs
complaint_contact: "TODO: where rightsholders lodge complaints"
last_reviewed: null               # YYYY-MM-DD
"""


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
