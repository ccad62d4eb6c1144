"""SOP practice on real cases: runs, evidence, the PII guard, timing and supervisor reviews."""
