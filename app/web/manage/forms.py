"""Forms of the manage blueprint. Field rules live in the services; forms only collect."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, Optional

from app.services.assign.reack import DEFAULT_DAYS as REACK_DAYS
from app.services.content.working_copy import Upload
from app.services.practice.timing import PREVIOUS_STEP, TIMING_FROM_LABELS
from app.web.forms import SORT_RANGE, GuardedForm, MultiCheckboxField, choices, db_int

EVIDENCE_LABELS = {
    "none": _l("No evidence"), "text": _l("Text"), "number": _l("Number"),
    "link": _l("Link"), "photo": _l("Photo"),
}


class UploadsMixin:
    """Forms with file fields: the files the user actually chose, as service Uploads."""

    upload_kinds: dict[str, str] = {}  # field name → media kind

    def uploads(self) -> list[Upload]:
        found = []
        for name, kind in self.upload_kinds.items():
            storage = self[name].data
            if storage is not None and getattr(storage, "filename", ""):
                found.append(Upload(name, kind, storage.stream, storage.filename))
        return found


class AudienceMixin:
    position_ids = MultiCheckboxField(_l("Positions"), coerce=db_int)
    department_ids = MultiCheckboxField(_l("Departments"), coerce=db_int)


class ValidityMixin:
    """How long a certificate (or an SOP acknowledgement) of the item stays valid."""

    validity_months = IntegerField(_l("Valid for (months)"), validators=[Optional()])
    recert_days = IntegerField(_l("Days to re-certify"), validators=[Optional()])


class CourseForm(UploadsMixin, AudienceMixin, ValidityMixin, GuardedForm):
    upload_kinds = {"cover_file": "image"}
    title = StringField(_l("Title"))
    slug = StringField(_l("Address"))
    summary = TextAreaField(_l("Summary"), render_kw={"rows": 3})
    sort_order = IntegerField(_l("Sort order"), default=0, validators=[Optional(), SORT_RANGE])
    cover_file = FileField(_l("Cover image"))
    remove_cover = BooleanField(_l("Remove the cover image"))


class ChapterForm(GuardedForm):
    title = StringField(_l("Chapter title"))


class LessonForm(UploadsMixin, GuardedForm):
    upload_kinds = {"video_file": "video", "audio_file": "audio", "pdf_file": "pdf",
                    "image_file": "image"}
    title = StringField(_l("Title"))
    chapter_id = SelectField(_l("Chapter"), coerce=db_int)
    body = TextAreaField(_l("Lesson text (Markdown)"), render_kw={"rows": 14})
    image_file = FileField(_l("Insert an image"))
    video_file = FileField(_l("Video (MP4 or WebM)"))
    remove_video = BooleanField(_l("Remove the video"))
    audio_file = FileField(_l("Audio (MP3, M4A or OGG)"))
    remove_audio = BooleanField(_l("Remove the audio"))
    pdf_file = FileField(_l("PDF handout"))
    remove_pdf = BooleanField(_l("Remove the PDF"))
    preview = SubmitField(_l("Preview"))


class SopModuleForm(AudienceMixin, ValidityMixin, GuardedForm):
    title = StringField(_l("Title"))
    slug = StringField(_l("Address"))
    owner_position_id = SelectField(_l("Owner position"), coerce=db_int)
    purpose = TextAreaField(_l("Purpose (Markdown)"), render_kw={"rows": 6})
    sort_order = IntegerField(_l("Sort order"), default=0, validators=[Optional(), SORT_RANGE])


class StepForm(GuardedForm):
    title = StringField(_l("Title"))
    responsible_position_id = SelectField(_l("Responsible position"), coerce=db_int)
    timing = StringField(_l("Timing"))
    timing_from = SelectField(_l("Timing counts from"), default=PREVIOUS_STEP,
                              choices=choices(TIMING_FROM_LABELS.items()))
    instructions = TextAreaField(_l("Instructions (Markdown)"), render_kw={"rows": 8})
    script = TextAreaField(_l("Script template"), render_kw={"rows": 5})
    evidence_type = SelectField(_l("Evidence"), choices=choices(EVIDENCE_LABELS.items()))
    evidence_hint = StringField(_l("Evidence hint"))
    evidence_label = StringField(_l("Evidence label"))
    evidence_unit = StringField(_l("Unit"))
    key_points = TextAreaField(_l("Key points"), render_kw={"rows": 4})


class RubricForm(GuardedForm):
    criteria = TextAreaField(_l("Review rubric: one criterion per line"), render_kw={"rows": 4})


class PublishForm(GuardedForm):
    change_note = TextAreaField(_l("Change note"), render_kw={"rows": 3})


class SopPublishForm(PublishForm):
    requires_reack = BooleanField(_l("Requires re-acknowledgement"))
    reack_days = IntegerField(_l("Re-acknowledge within (days)"), default=REACK_DAYS,
                              validators=[Optional()])


class ImageForm(UploadsMixin, GuardedForm):
    upload_kinds = {"image": "image"}
    image = FileField(_l("Image"))


class MoveForm(GuardedForm):
    direction = StringField()  # the value of the button pressed: "up" or "down"


class ArchiveForm(GuardedForm):
    archived = HiddenField()  # "1" archive, "0" bring back


class DeleteForm(GuardedForm):
    """A delete button; its hidden confirm=yes makes a bare or stray POST delete nothing."""

    confirm = HiddenField(validators=[AnyOf(["yes"])])
