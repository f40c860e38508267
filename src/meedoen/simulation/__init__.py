"""The policy simulator: a municipality's population month by month under a policy profile, vectorised (issue 6)."""
