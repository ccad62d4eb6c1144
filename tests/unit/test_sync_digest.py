"""The sync digest is each file plan's explicit snapshot: the shipped files keep the digests
they had when SOP modules were hashed as `vars(file)` minus a few popped fields, and a field
added to a file dataclass changes no digest until it joins the snapshot."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from app.services.content.file_plans import STEP_OPTIONAL, SopModuleFile
from app.services.content.publishing import digest
from app.services.content.sync import COURSE_FILES, SOP_MODULE_FILES, read_content

ROOT = Path(__file__).resolve().parents[2]


def _shipped() -> dict:
    errors: list = []
    files = read_content(ROOT, {COURSE_FILES: ROOT / "courses", SOP_MODULE_FILES: ROOT / "sop"},
                         errors)
    assert errors == [] and files[COURSE_FILES] and files[SOP_MODULE_FILES]
    return files


def _digest_before(sop_module_file) -> str:
    """How `content sync` hashed an SOP module file before the snapshot was explicit."""
    steps = [{name: value for name, value in vars(s).items()  # fields added later join
              if STEP_OPTIONAL.get(name, object()) != value}  # only when not their default
             for s in sop_module_file.steps]
    snapshot = {**vars(sop_module_file), "steps": steps}
    snapshot.pop("path")
    snapshot.pop("reack_days")
    snapshot.pop("validity_months", None)  # settings of the item, not of a version
    snapshot.pop("recert_days", None)
    if snapshot["rubric"] is None:
        snapshot.pop("rubric")
    return digest(snapshot)


def _course_digest_before(course_file) -> str:
    lessons = [{"key": lesson.key, "chapter_title": title, "title": lesson.title,
                "body": lesson.body, "video_media_id": None, "audio_media_id": None,
                "pdf_media_id": None}
               for title, chapter in course_file.chapters for lesson in chapter]
    return digest({"title": course_file.title, "summary": course_file.summary,
                   "lessons": lessons, "order": course_file.order,
                   "positions": course_file.positions, "departments": course_file.departments})


def test_shipped_files_keep_the_digest_they_had_so_a_sync_finds_them_unchanged():
    files = _shipped()
    for sop_module_file in files[SOP_MODULE_FILES]:
        assert digest(sop_module_file.snapshot()) == _digest_before(sop_module_file)
    for course_file in files[COURSE_FILES]:
        assert digest(course_file.snapshot()) == _course_digest_before(course_file)


@dataclasses.dataclass
class _LaterSopModuleFile(SopModuleFile):
    """The file plan as it might look once someone adds a field to it."""

    photo_required: bool = True


def test_a_field_outside_the_snapshot_changes_no_digest():
    sop_module_file = _shipped()[SOP_MODULE_FILES][0]
    later = _LaterSopModuleFile(**vars(sop_module_file))
    assert digest(later.snapshot()) == digest(sop_module_file.snapshot())
    assert _digest_before(later) != _digest_before(sop_module_file)  # what the old way did
    moved = dataclasses.replace(sop_module_file, path="elsewhere/x.toml", reack_days=30)
    assert digest(moved.snapshot()) == digest(sop_module_file.snapshot())


def test_a_field_inside_the_snapshot_changes_the_digest():
    files = _shipped()
    sop_module_file, course_file = files[SOP_MODULE_FILES][0], files[COURSE_FILES][0]
    for changed in (dataclasses.replace(sop_module_file, title="新标题"),
                    dataclasses.replace(sop_module_file, rubric=["准时"])):
        assert digest(changed.snapshot()) != digest(sop_module_file.snapshot())
    step = dataclasses.replace(sop_module_file.steps[0], script="新话术")
    changed = dataclasses.replace(sop_module_file, steps=[step, *sop_module_file.steps[1:]])
    assert digest(changed.snapshot()) != digest(sop_module_file.snapshot())
    assert digest(dataclasses.replace(course_file, order=99).snapshot()) != \
        digest(course_file.snapshot())
