"""Writing SOP modules in the web editor: details and audience, ordered steps, archiving."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import SopModule, SopStep, SopVersion, SopVersionStep, User
from app.services.certificate_validity import apply_validity
from app.services.content import working_copy as wc
from app.services.content.files import EVIDENCE_TYPES
from app.services.content.key_points import format_key_points, parse_key_points  # noqa: F401
from app.services.content.slugs import choose_slug, first_free
from app.services.errors import DomainError
from app.services.practice.timing import PREVIOUS_STEP, TIMING_FROM
from app.services.validation import clean_multiline, clean_text


@dataclass
class SopModuleData:
    title: str | None
    purpose: str | None = ""
    owner_position_id: int | None = None
    sort_order: int | None = 0
    position_ids: list[int] = field(default_factory=list)
    department_ids: list[int] = field(default_factory=list)
    validity_months: int | None = None  # acknowledgements expire after this many months
    recert_days: int | None = None
    slug: str | None = ""  # blank: keep the address, or make one from the title


@dataclass
class StepData:
    title: str | None
    instructions: str | None = ""
    script: str | None = ""
    responsible_position_id: int | None = None
    timing: str | None = ""
    evidence_type: str | None = "none"
    evidence_hint: str | None = ""
    timing_from: str | None = PREVIOUS_STEP
    evidence_label: str | None = ""
    evidence_unit: str | None = ""
    key_points: str | None = ""  # one per line: "要点：同义词1，同义词2"


# ---- the SOP module --------------------------------------------------------------------------

def save_sop_module(sop_module: SopModule | None, data: SopModuleData, actor: User | None
                    ) -> SopModule:
    """Create an SOP module or edit it; its address is typed or made from the title."""
    title = clean_text(data.title, field="title", label=wc.TITLE, max_length=200)
    purpose = clean_multiline(data.purpose, field="purpose", label=_l("Purpose"),
                              max_length=20_000) or ""
    owner = wc.optional_position(data.owner_position_id, "owner_position_id")
    sort_order = wc.clean_order(data.sort_order)
    positions, departments = wc.audience(data.position_ids, data.department_ids)
    slug = choose_slug(SopModule, sop_module, data.slug, title, "sop")
    if sop_module is None:
        sop_module = SopModule(slug=slug, source="web", created_by_id=actor.id if actor else None)
        db.session.add(sop_module)
    sop_module.slug = slug
    sop_module.title, sop_module.purpose, sop_module.sort_order = title, purpose, sort_order
    sop_module.owner_position_id = owner
    apply_validity(sop_module, data.validity_months, data.recert_days)
    sop_module.positions, sop_module.departments = positions, departments
    db.session.flush()
    return sop_module


def set_sop_module_archived(sop_module: SopModule, archived: bool) -> None:
    """Archive an SOP module (hidden from learners, history kept) or bring it back."""
    sop_module.archived = archived
    db.session.flush()


# ---- steps -----------------------------------------------------------------------------------

def _step_keys(module_id: int) -> set[str]:
    """Every key a step of this SOP module has or ever had in a published version."""
    current = select(SopStep.key).where(SopStep.module_id == module_id)
    published = (select(SopVersionStep.key).join(SopVersion)
                 .where(SopVersion.module_id == module_id))
    return set(db.session.scalars(current.union(published)))


def save_step(sop_module: SopModule, step: SopStep | None, data: StepData) -> SopStep:
    """Create a step at the end of the SOP module, or edit one; its key never changes."""
    title = clean_text(data.title, field="title", label=wc.TITLE, max_length=200)
    instructions = clean_multiline(data.instructions, field="instructions",
                                   label=_l("Instructions"), max_length=20_000) or ""
    script = clean_multiline(data.script, field="script", label=_l("Script"),
                             max_length=5000) or ""
    timing = clean_text(data.timing, field="timing", label=_l("Timing"), max_length=100,
                        required=False) or ""
    hint = clean_text(data.evidence_hint, field="evidence_hint", label=_l("Evidence hint"),
                      max_length=300, required=False) or ""
    if data.evidence_type not in EVIDENCE_TYPES:
        raise DomainError(_l("Choose an evidence type from the list."), "evidence_type")
    if data.timing_from not in TIMING_FROM:
        raise DomainError(_l("Choose what the timing counts from."), "timing_from")
    label, unit = _evidence_label_and_unit(data)
    responsible = wc.optional_position(data.responsible_position_id, "responsible_position_id")
    key_points = parse_key_points(data.key_points)
    if step is None:
        step = SopStep(key=first_free(title, "step", _step_keys(sop_module.id)),
                       rank=len(sop_module.steps), title=title)
        sop_module.steps.append(step)
    step.title, step.instructions, step.script = title, instructions, script
    step.timing, step.evidence_type, step.evidence_hint = timing, data.evidence_type, hint
    step.timing_from, step.evidence_label, step.evidence_unit = data.timing_from, label, unit
    step.responsible_position_id, step.key_points = responsible, key_points
    db.session.flush()
    return step


def _evidence_label_and_unit(data: StepData) -> tuple[str, str]:
    label = clean_text(data.evidence_label, field="evidence_label", label=_l("Evidence label"),
                       max_length=60, required=False) or ""
    unit = clean_text(data.evidence_unit, field="evidence_unit", label=_l("Unit"),
                      max_length=20, required=False) or ""
    return label, unit


def move_step(step: SopStep, direction: str) -> None:
    """Move a step one place up or down."""
    sop_module = step.module
    wc.move(list(sop_module.steps), step, direction)
    db.session.flush()
    db.session.expire(sop_module, ["steps"])


def delete_step(step: SopStep) -> None:
    """Remove a step from the working copy; published versions keep it."""
    sop_module = step.module
    sop_module.steps.remove(step)
    wc.renumber(sop_module.steps)
    db.session.flush()
