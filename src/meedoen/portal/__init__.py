"""The resident's own portal: their plan, appointments, letters and payments explained (issues 5 and 6)."""
