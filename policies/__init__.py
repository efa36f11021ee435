"""Built-in policy packs shipped with govern (data only)."""
