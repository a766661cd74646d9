"""Training labs: the world broken the way the runbook describes, and the repair checked."""
