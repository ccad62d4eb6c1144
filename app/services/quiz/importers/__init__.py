"""Question-bank importers: Moodle GIFT and Aiken text → QuestionData, all or nothing."""

from app.services.importers.report import RowError
from app.services.quiz.importers.aiken import parse_aiken
from app.services.quiz.importers.gift import parse_gift
from app.services.quiz.importers.result import ImportResult

__all__ = ["ImportResult", "RowError", "parse_aiken", "parse_gift"]
