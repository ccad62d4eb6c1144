"""Who owes what (`members.assignee_pairs`): one equi-join part per kind of target (issue 15:
target matching at 10,000 staff) must find exactly the pairs of the previous single join,
on an organisation with every kind of target — nested departments, a department with a
position or a person within it, person targets (with a position, and one outside it),
position targets, a target for everyone — inactive people, a cancelled assignment and a
department nobody works in; narrowed as its callers narrow it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import and_, or_, select

from app.extensions import db
from app.models import Department, Hospital, Position, User
from app.models.assignments import Assignment, AssignmentTarget
from app.services.assign import members
from tests.learning_factories import make_course


def _previous_pairs(*where):
    """The matching before the split (session 6–8): one join of every target with every
    person, OR-ed conditions, the department closure outer-joined to the person."""
    closure = members.department_closure()
    target = AssignmentTarget
    return (select(Assignment.id.label("assignment_id"), User.id.label("user_id"))
            .select_from(Assignment)
            .join(target, target.assignment_id == Assignment.id)
            .join(User, and_(User.active.is_(True),
                             or_(target.user_id.is_(None), target.user_id == User.id),
                             or_(target.position_id.is_(None),
                                 target.position_id == User.position_id)))
            .outerjoin(closure, closure.c.department_id == User.department_id)
            .where(Assignment.cancelled_at.is_(None),
                   or_(target.department_id.is_(None),
                       target.department_id == closure.c.ancestor_id), *where)
            .distinct())


def _organisation() -> dict:
    """Two hospitals, departments four levels deep, three positions, 40 people (every
    seventh inactive, a few without a department or position)."""
    hospitals = [Hospital(name=f"院区{n}") for n in (1, 2)]
    db.session.add_all(hospitals)
    db.session.flush()
    departments = []
    for h in hospitals:
        top = Department(hospital_id=h.id, name=f"{h.name}-总部")
        db.session.add(top)
        db.session.flush()
        level = [top]
        for depth in (1, 2, 3):
            below = []
            for parent in level:
                for n in range(2 if depth < 3 else 1):
                    child = Department(hospital_id=h.id, parent_id=parent.id,
                                       name=f"{parent.name}-{depth}{n}")
                    db.session.add(child)
                    below.append(child)
            db.session.flush()
            level = below
        departments += [top, *db.session.scalars(
            select(Department).where(Department.hospital_id == h.id,
                                     Department.id != top.id).order_by(Department.id))]
    empty = Department(hospital_id=hospitals[0].id, parent_id=departments[1].id, name="空科室")
    positions = [Position(name=name) for name in ("护士", "医生", "前台")]
    db.session.add_all([empty, *positions])
    db.session.flush()
    people = []
    for n in range(40):
        people.append(User(
            login=f"m{n:03}", name=f"员工{n}", password_hash="x", active=n % 7 != 3,
            department_id=None if n % 13 == 5 else departments[n % len(departments)].id,
            position_id=None if n % 11 == 4 else positions[n % 3].id))
    db.session.add_all(people)
    db.session.flush()
    return {"departments": departments, "empty": empty, "positions": positions,
            "people": people}


def _assign(course_id: int, *targets: dict, cancelled: bool = False) -> Assignment:
    assignment = Assignment(kind="course", course_id=course_id,
                            cancelled_at=datetime(2026, 11, 1, tzinfo=UTC) if cancelled
                            else None)
    assignment.targets = [AssignmentTarget(**t) for t in targets]
    db.session.add(assignment)
    return assignment


def test_every_kind_of_target_finds_the_pairs_of_the_previous_matching(app):
    org = _organisation()
    d, p, u = org["departments"], org["positions"], org["people"]
    course = make_course("members-course")
    assignments = [
        _assign(course.id, {"department_id": d[0].id}),  # a hospital's whole tree
        _assign(course.id, {"department_id": d[2].id}, {"department_id": d[9].id}),
        _assign(course.id, {"department_id": d[1].id, "position_id": p[0].id}),
        _assign(course.id, {"department_id": d[3].id, "user_id": u[3 + 16].id},
                {"department_id": d[1].id, "user_id": u[1].id}),  # one inside, one not
        _assign(course.id, {"user_id": u[5].id}, {"user_id": u[6].id},
                {"user_id": u[3].id}),  # u[3] is inactive
        _assign(course.id, {"user_id": u[7].id, "position_id": p[1].id},
                {"user_id": u[8].id, "position_id": p[0].id}),  # u[8] holds p[2]
        _assign(course.id, {"position_id": p[2].id}),
        _assign(course.id, {}),  # everyone
        _assign(course.id, {"department_id": org["empty"].id}),
        _assign(course.id, {"department_id": d[1].id}, {"position_id": p[1].id},
                {"user_id": u[10].id}),  # overlapping targets: each pair once
        _assign(course.id, {}, cancelled=True),
    ]
    db.session.commit()
    team = [x.id for x in u[:20]]
    narrowings = {
        "everything": (),
        "one person": (User.id == u[1].id,),
        "one assignment": (Assignment.id == assignments[3].id,),
        "a team (ids)": (User.id.in_(team),),
        "a team (SELECT)": (User.id.in_(select(User.id).where(
            User.department_id.in_([x.id for x in d[:4]]))),),
        "a team and assignments": (User.id.in_(team),
                                   Assignment.id.in_([a.id for a in assignments[:6]])),
    }
    for name, where in narrowings.items():
        new = db.session.execute(members.assignee_pairs(*where)).all()
        old = db.session.execute(_previous_pairs(*where)).all()
        assert len(new) == len(set(new)), name  # no duplicate pairs
        assert set(new) == set(old), name
    everything = set(db.session.execute(members.assignee_pairs()).all())
    active = sum(x.active for x in u)
    assert sum(a == assignments[7].id for a, _ in everything) == active  # everyone
    assert not any(a in (assignments[8].id, assignments[10].id) for a, _ in everything)
    assert (assignments[4].id, u[3].id) not in everything  # inactive
    assert (assignments[5].id, u[8].id) not in everything  # not of that position
    assert db.session.scalar(select(members.is_assignee(assignments[4].id, u[5].id)))
    assert not db.session.scalar(select(members.is_assignee(assignments[4].id, u[3].id)))
