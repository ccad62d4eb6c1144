"""The quiz engine: question types (a registry), grading, and question-bank import/export."""
