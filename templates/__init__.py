"""Report templates shipped with govern (data only)."""
