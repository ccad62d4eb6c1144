"""Re-reading an SOP after a version that requires re-acknowledgement: only what changed.

The learner confirmed version N; the module is now at version M. `reread_plan` compares the
two (app.services.content.diff, steps matched by key) so the page marks the steps added or
changed since N, keeps the unchanged ones folded away, and lists the removed ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.models import SopModule, SopVersion
from app.services.content import history
from app.services.content.acknowledgement import AckState, AckStatus
from app.services.content.diff import ADDED, CHANGED, REMOVED, UNCHANGED
from app.services.content.kinds import SOP_MODULE


@dataclass
class RereadPlan:
    since: int  # the version the learner confirmed
    statuses: dict[str, str] = field(default_factory=dict)  # step key → added|changed|…
    removed: list[str] = field(default_factory=list)  # titles of steps no longer there

    def status(self, key: str) -> str:
        return self.statuses.get(key, UNCHANGED)

    @property
    def to_read(self) -> int:
        return sum(1 for s in self.statuses.values() if s in (ADDED, CHANGED))


def reread_plan(module: SopModule, version: SopVersion, state: AckState) -> RereadPlan | None:
    """What to re-read (None unless the learner must re-confirm an earlier version)."""
    if state.status != AckStatus.REACK or state.number is None:
        return None
    comparison = history.compare(SOP_MODULE, module, state.number, version.number)
    plan = RereadPlan(since=state.number)
    for item in comparison.diff.items if comparison.diff else []:
        if item.status == REMOVED:
            plan.removed.append(item.title)
        else:
            plan.statuses[item.key] = item.status
    return plan
