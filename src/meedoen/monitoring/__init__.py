"""Indicators computed from the records, charts, CSV/XLSX exports and pseudonymised research exports (issue 6)."""
