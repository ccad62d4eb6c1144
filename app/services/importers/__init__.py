"""Importers of uploaded files: tables (xlsx/csv) read one way, then checked per row."""
