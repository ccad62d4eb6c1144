"""Writing courses in the web editor: details and audience, chapters, lessons, archiving."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Course, CourseChapter, CourseLesson, CourseVersion, CourseVersionLesson, User
from app.services.certificate_validity import apply_validity
from app.services.content import working_copy as wc
from app.services.content.slugs import choose_slug, first_free
from app.services.errors import DomainError
from app.services.media import UploadSettings
from app.services.validation import clean_multiline, clean_text

LESSON_MEDIA = ("video", "audio", "pdf")
BODY_LIMIT = 50_000


@dataclass
class CourseData:
    title: str | None
    summary: str | None = ""
    sort_order: int | None = 0
    position_ids: list[int] = field(default_factory=list)
    department_ids: list[int] = field(default_factory=list)
    remove_cover: bool = False
    validity_months: int | None = None  # certificates expire after this many months
    recert_days: int | None = None  # days to re-certify (blank: the setting)
    slug: str | None = ""  # blank: keep the address, or make one from the title


@dataclass
class LessonData:
    title: str | None
    body: str | None = ""
    chapter_id: int | None = None  # another chapter of the same course: move the lesson there
    remove_media: set[str] = field(default_factory=set)  # of LESSON_MEDIA


# ---- the course ------------------------------------------------------------------------------

def save_course(course: Course | None, data: CourseData, actor: User | None,
                cover: wc.Upload | None = None, *, store: UploadSettings | None = None
                ) -> Course:
    """Create a course or edit its details; its address is typed or made from the title
    (app/services/content/slugs.py)."""
    title = clean_text(data.title, field="title", label=wc.TITLE, max_length=200)
    summary = clean_multiline(data.summary, field="summary", label=_l("Summary"),
                              max_length=2000) or ""
    sort_order = wc.clean_order(data.sort_order)
    positions, departments = wc.audience(data.position_ids, data.department_ids)
    slug = choose_slug(Course, course, data.slug, title, "course")
    if course is None:
        course = Course(slug=slug, source="web", created_by_id=actor.id if actor else None)
        db.session.add(course)
    course.slug = slug
    course.title, course.summary, course.sort_order = title, summary, sort_order
    apply_validity(course, data.validity_months, data.recert_days)
    course.positions, course.departments = positions, departments
    if data.remove_cover:
        course.cover_media_id = None
    if cover is not None:  # last: nothing else can fail after the file is written
        course.cover_media_id = wc.store_uploads([cover], actor, store)[cover.field].id
    db.session.flush()
    return course


def set_course_archived(course: Course, archived: bool) -> None:
    """Archive a course (hidden from learners, history kept) or bring it back."""
    course.archived = archived
    db.session.flush()


# ---- chapters --------------------------------------------------------------------------------

def _chapter_title(title: str | None) -> str:
    return clean_text(title, field="title", label=_l("Chapter title"), max_length=200)


def add_chapter(course: Course, title: str | None) -> CourseChapter:
    """A new chapter at the end of the course."""
    chapter = CourseChapter(title=_chapter_title(title), rank=len(course.chapters))
    course.chapters.append(chapter)
    db.session.flush()
    return chapter


def rename_chapter(chapter: CourseChapter, title: str | None) -> None:
    chapter.title = _chapter_title(title)
    db.session.flush()


def move_chapter(chapter: CourseChapter, direction: str) -> None:
    """Move a chapter one place up or down."""
    course = chapter.course
    wc.move(list(course.chapters), chapter, direction)
    db.session.flush()
    db.session.expire(course, ["chapters"])


def delete_chapter(chapter: CourseChapter) -> None:
    """Remove an empty chapter; one with lessons is refused."""
    if chapter.lessons:
        raise DomainError(_l("Move or delete the lessons of this chapter first."))
    course = chapter.course
    course.chapters.remove(chapter)
    wc.renumber(course.chapters)
    db.session.flush()


# ---- lessons ---------------------------------------------------------------------------------

def _lesson_keys(course_id: int) -> set[str]:
    """Every key a lesson of this course has or ever had in a published version."""
    current = select(CourseLesson.key).where(CourseLesson.course_id == course_id)
    published = (select(CourseVersionLesson.key).join(CourseVersion)
                 .where(CourseVersion.course_id == course_id))
    return set(db.session.scalars(current.union(published)))


def _target_chapter(chapter: CourseChapter, chapter_id: int | None) -> CourseChapter:
    if not chapter_id or chapter_id == chapter.id:
        return chapter
    target = db.session.get(CourseChapter, chapter_id)
    if target is None or target.course_id != chapter.course_id:
        raise DomainError(_l("Choose a chapter of this course."), "chapter_id")
    return target


def _place(lesson: CourseLesson, target: CourseChapter, index: int | None = None) -> None:
    """Put a lesson into `target` (at `index`, default the end) and renumber both chapters."""
    source = lesson.chapter
    lessons = [each for each in target.lessons if each is not lesson]
    lessons.insert(len(lessons) if index is None else index, lesson)
    lesson.chapter = target  # re-parented at once: never an orphan to delete
    wc.renumber(lessons)
    if source is not None and source is not target:
        wc.renumber([each for each in source.lessons if each is not lesson])


def save_lesson(lesson: CourseLesson | None, chapter: CourseChapter, data: LessonData,
                actor: User | None, uploads: Sequence[wc.Upload] = (), *,
                store: UploadSettings | None = None) -> CourseLesson:
    """Create a lesson at the end of `chapter`, or edit one (and move it to another chapter).

    Uploaded video/audio/PDF replace the lesson's file; an uploaded image is added as a
    Markdown image line at the end of the text. A refused file keeps nothing.
    """
    title = clean_text(data.title, field="title", label=wc.TITLE, max_length=200)
    body = clean_multiline(data.body, field="body", label=_l("Lesson text"),
                           max_length=BODY_LIMIT) or ""
    target = _target_chapter(chapter, data.chapter_id)
    if lesson is None:
        key = first_free(title, "lesson", _lesson_keys(chapter.course_id))
        lesson = CourseLesson(course_id=chapter.course_id, key=key, title=title,
                              rank=len(target.lessons))
        target.lessons.append(lesson)
    elif target.id != lesson.chapter_id:
        _place(lesson, target)
    lesson.title, lesson.body = title, body
    for kind in LESSON_MEDIA:
        if kind in data.remove_media:
            setattr(lesson, f"{kind}_media_id", None)
    for media in wc.store_uploads(list(uploads), actor, store).values():
        if media.kind == "image":
            lesson.body = wc.append_line(lesson.body, wc.image_markdown(media))
        else:
            setattr(lesson, f"{media.kind}_media_id", media.id)
    db.session.flush()
    return lesson


def move_lesson(lesson: CourseLesson, direction: str) -> None:
    """One place up or down; past the chapter's edge it moves into the neighbouring chapter."""
    chapter = lesson.chapter
    lessons = list(chapter.lessons)
    index = lessons.index(lesson)
    chapters = list(chapter.course.chapters)
    c_index = chapters.index(chapter)
    if direction == "up" and index == 0 and c_index > 0:
        _place(lesson, chapters[c_index - 1])
    elif direction == "down" and index == len(lessons) - 1 and c_index < len(chapters) - 1:
        _place(lesson, chapters[c_index + 1], 0)
    else:
        wc.move(lessons, lesson, direction)
    db.session.flush()
    for each in chapters:
        db.session.expire(each, ["lessons"])


def delete_lesson(lesson: CourseLesson) -> None:
    """Remove a lesson from the working copy; published versions keep it."""
    chapter = lesson.chapter
    chapter.lessons.remove(lesson)
    wc.renumber(chapter.lessons)
    db.session.flush()
