"""Compliance reports: an Assessment as HTML and PDF/A, with charts, from jinja2 templates."""
