"""REST API for policy profiles (read-only)."""
