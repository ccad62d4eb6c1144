"""The web layer: one blueprint package per audience."""
