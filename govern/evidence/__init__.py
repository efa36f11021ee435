"""Evidence models: model card, dataset record, fairness report, attestations."""
