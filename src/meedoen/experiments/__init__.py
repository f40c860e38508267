"""Experiments with randomised arms, consent, measurement waves and effect estimates (issue 6)."""
