"""`govern schema NAME`: JSON Schemas of govern's documents, for editors and validators."""

from __future__ import annotations

import importlib
import json

import click

SCHEMAS = {
    "manifest": "govern.load.manifest:Manifest",
    "model-card": "govern.evidence.model_card:ModelCard",
    "dataset": "govern.evidence.dataset:DatasetRecord",
    "fairness": "govern.evidence.fairness:FairnessReport",
    "attestations": "govern.evidence.attestation:AttestationFile",
    "incident": "govern.evidence.incident:IncidentRecord",
    "post-market": "govern.evidence.post_market:PostMarketPlan",
    "fria": "govern.evidence.fria:Fria",
    "evaluation": "govern.evidence.evaluation:EvaluationReport",
    "gpai-model-documentation": "govern.evidence.gpai:ModelDocumentation",
    "gpai-training-content-summary": "govern.evidence.gpai:TrainingContentSummary",
    "gpai-copyright-policy": "govern.evidence.gpai:CopyrightPolicy",
    "pack": "govern.policy.model:PackInfo",
    "rule": "govern.policy.model:RuleSpec",
    "assessment": "govern.engine.assessment:Assessment",
}


@click.command("schema")
@click.argument("name", type=click.Choice(sorted(SCHEMAS)))
def command(name: str) -> None:
    """Print the JSON Schema of NAME.

    Save it and point your editor at it with a first line such as
    `# yaml-language-server: $schema=.govern/schemas/model-card.json`.
    """
    module_name, attr = SCHEMAS[name].split(":")
    model = getattr(importlib.import_module(module_name), attr)
    schema = model.model_json_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://govern.dev/schemas/{name}.json",
        **schema,
    }
    click.echo(json.dumps(schema, indent=2, sort_keys=True))
