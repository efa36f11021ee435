"""Fairlearn-compatible group fairness metrics from per-group counts, with bootstrap intervals."""
