"""Forms of the question-bank pages. They only collect: the rules live in
app/services/quiz/question_input.py and bank_authoring.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from app.services.quiz.data import DEFAULT_SCORING
from app.services.quiz.question_input import OptionRow, QuestionInput
from app.services.quiz.types.multiple_choice import SCORING_CHOICES
from app.web.forms import GuardedForm, choices

BLANK_OPTION_ROWS = 3
DIFFICULTY_LABELS = {"1": _l("1 · very easy"), "2": _l("2 · easy"), "3": _l("3 · medium"),
                     "4": _l("4 · hard"), "5": _l("5 · very hard")}
FORMAT_LABELS = {"auto": _l("From the file (its name and content)"),
                 "gift": _l("GIFT (Moodle)"), "aiken": _l("Aiken"),
                 "xlsx": _l("Excel (.xlsx) or CSV")}


class BankForm(GuardedForm):
    title = StringField(_l("Title"))
    slug = StringField(_l("Address"))


class CategoryForm(GuardedForm):
    path = StringField(_l("New category"))


class RenameCategoryForm(GuardedForm):
    old_path = HiddenField()
    path = StringField(_l("New name"))


class ImportForm(GuardedForm):
    file = FileField(_l("Question file (.gift, .txt, .aiken, .xlsx or .csv)"))
    format = SelectField(_l("Format"), choices=choices(FORMAT_LABELS.items()),
                         validate_choice=False)
    dry_run = BooleanField(_l("Only check the file, write nothing"))


class OptionForm(Form):
    """One option row; no CSRF token of its own (the question form carries it)."""

    text = StringField(_l("Option text"))
    correct = BooleanField(_l("Correct"))
    credit = StringField(_l("Credit (%)"))
    feedback = StringField(_l("Feedback"))


class QuestionForm(GuardedForm):
    type = HiddenField()
    scenario = TextAreaField(_l("Scenario"), render_kw={"rows": 3})
    stem = TextAreaField(_l("Question text (Markdown)"), render_kw={"rows": 5})
    title = StringField(_l("Short name (optional)"))
    # per type
    options = FieldList(FormField(OptionForm))
    more_options = SubmitField(_l("More option rows"))
    scoring = SelectField(_l("Scoring"), validate_choice=False, default=DEFAULT_SCORING,
                          choices=choices(SCORING_CHOICES))
    answer = RadioField(_l("The statement is"), validate_choice=False, default="true",
                        choices=choices([("true", _l("True")), ("false", _l("False"))]))
    feedback_true = StringField(_l("Feedback for “true”"))
    feedback_false = StringField(_l("Feedback for “false”"))
    answers = TextAreaField(_l("Accepted answers, one per line"), render_kw={"rows": 4})
    pairs = TextAreaField(_l("Pairs, one “left -> right” per line"), render_kw={"rows": 5})
    distractors = TextAreaField(_l("Extra right-hand choices (distractors), one per line"),
                                render_kw={"rows": 2})
    items = TextAreaField(_l("Steps in the correct order, one per line"),
                          render_kw={"rows": 6})
    reference = TextAreaField(_l("Reference answer"), render_kw={"rows": 4})
    rubric = TextAreaField(_l("Rubric points, one per line"), render_kw={"rows": 4})
    # common
    explanation = TextAreaField(_l("Explanation (Markdown)"), render_kw={"rows": 3})
    category = SelectField(_l("Category"), validate_choice=False)
    new_category = StringField(_l("Or a new category"))
    tags = StringField(_l("Tags"))
    difficulty = SelectField(_l("Difficulty"), validate_choice=False, default="3",
                             choices=choices(DIFFICULTY_LABELS.items()))
    points = StringField(_l("Points"), default="1")

    def fill(self, category_paths: list[str], blank_rows: int = 0) -> None:
        """The category choices, and `blank_rows` empty option rows at the end."""
        self.category.choices = choices([("", _l("No category"))] +
                                        [(path, path) for path in category_paths])
        for _ in range(blank_rows):
            self.options.append_entry(OptionRow())

    def to_input(self, kind: str, text_format: str) -> QuestionInput:
        """What was typed, for build_question."""
        values = {name: self[name].data for name in (
            "stem", "title", "scenario", "explanation", "tags", "difficulty", "points",
            "scoring", "answer", "feedback_true", "feedback_false", "answers", "pairs",
            "distractors", "items", "reference", "rubric")}
        rows = [OptionRow(row.text.data, bool(row.correct.data), row.credit.data,
                          row.feedback.data) for row in self.options]
        category = (self.new_category.data or "").strip() or self.category.data
        return QuestionInput(type=kind, text_format=text_format, category=category,
                             options=rows, **values)
