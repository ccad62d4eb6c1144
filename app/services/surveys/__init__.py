"""Surveys (问卷): authoring, answering, results. See docs/surveys.md."""
