"""REST API for assessments (de knip), nested under a resident."""
