"""Signal receivers of the core app (kept empty on purpose until needed)."""
