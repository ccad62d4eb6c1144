"""The benchmark organisation: hospitals (院区) with departments three levels deep,
positions, staff, department heads, a regional supervisor of ~200 people, trainers and an
admin. Written with BulkWriter (no ORM objects); every account shares one password, hashed
once with a cheap method so hundreds of benchmark sign-ins cost nothing (production hashes
with scrypt; check_password_hash reads either)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from werkzeug.security import generate_password_hash

from app.permissions import Role
from tests.bench.bulk import BulkWriter

PASSWORD = "bench1234"
POSITIONS = ["客服", "前台", "咨询师", "医生助理", "护士", "医生", "会员专员", "运营"]
# top department: (positions of its people, {sub-department: [sub-sub-departments]})
DEPARTMENTS = {
    "整形外科": (["医生", "医生助理", "护士", "咨询师"], {"病房护理组": ["术后随访小组"],
                                                   "手术室": []}),
    "美容皮肤科": (["医生", "护士", "咨询师"], {"激光组": []}),
    "客服中心": (["客服"], {"网络咨询组": ["夜间值班组"], "电话回访组": []}),
    "前台": (["前台"], {}),
    "会员部": (["会员专员"], {}),
    "运营部": (["运营"], {"内容组": []}),
}
WEIGHTS = {"整形外科": 5, "美容皮肤科": 4, "客服中心": 5, "前台": 2, "会员部": 2, "运营部": 2}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "小雨晴悦一帆佳可静丽敏婷欣怡子涵梓萱浩然宇轩思远雅琪嘉欣晓彤诗雨梦琪俊杰文博明轩"
PER_HOSPITAL = 400


@dataclass
class Person:
    id: int
    login: str
    department_id: int
    top_id: int
    position: str
    hire_date: date
    ability: float  # chance of answering a question right
    active: bool = True


@dataclass
class Org:
    positions: dict[str, int] = field(default_factory=dict)
    hospitals: list[int] = field(default_factory=list)
    tops: list[int] = field(default_factory=list)  # top-level departments
    top_of: dict[int, int] = field(default_factory=dict)  # department → its top department
    top_name: dict[int, str] = field(default_factory=dict)
    hospital_tops: dict[int, list[int]] = field(default_factory=dict)
    staff: list[Person] = field(default_factory=list)  # everyone who learns
    head_of: dict[int, int] = field(default_factory=dict)  # top department → its head
    supervisor: Person | None = None  # the regional supervisor of ~200 people
    team: list[Person] = field(default_factory=list)
    trainer_id: int = 0
    admin_id: int = 0
    logins: dict[str, str] = field(default_factory=dict)  # role → login


def team_size(staff: int) -> int:
    return max(3, min(200, staff * 2 // 3))


def seed_org(w: BulkWriter, rng: random.Random, staff: int, now: datetime) -> Org:
    org = Org()
    for order, name in enumerate(POSITIONS):
        org.positions[name] = w.next_id("positions")
        w.add("positions", {"id": org.positions[name], "name": name, "sort_order": order})
    team = team_size(staff)
    rest = staff - team
    sizes = [team] + _split(rest, max(1, round(rest / PER_HOSPITAL)) if rest else 0)
    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    counter = iter(range(1, 10**7))
    for number, size in enumerate(sizes, start=1):
        departments = _hospital(w, org, number)
        people = [_person(w, org, rng, departments, next(counter), now, password_hash)
                  for _ in range(size)]
        org.staff.extend(people)
        if number == 1:
            org.team = people
    _heads(w, org)
    _special(w, org, rng, now, password_hash)
    return org


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _hospital(w: BulkWriter, org: Org, number: int) -> list[tuple[int, int, float]]:
    """The hospital and its departments; returns (department, top department, weight)."""
    hospital_id = w.next_id("hospitals")
    org.hospitals.append(hospital_id)
    w.add("hospitals", {"id": hospital_id, "name": f"星河医美{number:02d}院区",
                        "code": f"H{number:02d}", "sort_order": number})
    found, tops = [], []
    for order, (top, (_positions, children)) in enumerate(DEPARTMENTS.items()):
        top_id = _department(w, hospital_id, None, top, order)
        tops.append(top_id)
        org.top_name[top_id] = top
        weight = WEIGHTS[top]
        found.append((top_id, top_id, weight / 2))
        for c_order, (child, grandchildren) in enumerate(children.items()):
            child_id = _department(w, hospital_id, top_id, child, c_order)
            found.append((child_id, top_id, weight / 3))
            for g_order, grandchild in enumerate(grandchildren):
                found.append((_department(w, hospital_id, child_id, grandchild, g_order),
                              top_id, weight / 4))
    org.tops.extend(tops)
    org.hospital_tops[hospital_id] = tops
    for dept_id, top_id, _weight in found:
        org.top_of[dept_id] = top_id
    return found


def _department(w: BulkWriter, hospital_id: int, parent_id: int | None, name: str,
                order: int) -> int:
    dept_id = w.next_id("departments")
    w.add("departments", {"id": dept_id, "hospital_id": hospital_id, "parent_id": parent_id,
                          "name": name, "sort_order": order})
    return dept_id


def _person(w: BulkWriter, org: Org, rng: random.Random, departments, number: int,
            now: datetime, password_hash: str) -> Person:
    dept_id, top_id, _w = rng.choices(departments, weights=[d[2] for d in departments])[0]
    position = rng.choice(DEPARTMENTS[org.top_name[top_id]][0])
    recent = rng.random() < 0.05  # a few joined this month: grace days apply to them
    hire = (now - timedelta(days=rng.randint(1, 30) if recent else rng.randint(60, 1500))).date()
    person = Person(w.next_id("users"), f"B{number:06d}", dept_id, top_id, position, hire,
                    ability=min(0.98, max(0.35, rng.gauss(0.76, 0.13))),
                    active=rng.random() > 0.01)
    w.add("users", {"id": person.id, "login": person.login, "name": _name(rng),
                    "department_id": dept_id, "position_id": org.positions[position],
                    "password_hash": password_hash, "active": person.active,
                    "must_change_password": False, "hire_date": hire,
                    "created_at": now - timedelta(days=400), "updated_at": now})
    w.add("user_roles", {"user_id": person.id, "role": Role.EMPLOYEE.value})
    return person


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _heads(w: BulkWriter, org: Org) -> None:
    """The first active person of each top department heads it (supervisor)."""
    by_top: dict[int, Person] = {}
    for person in org.staff:
        if person.active and person.top_id not in by_top:
            by_top[person.top_id] = person
    for top_id, head in by_top.items():
        org.head_of[top_id] = head.id
        w.add("user_roles", {"user_id": head.id, "role": Role.SUPERVISOR.value})
        w.add("department_leads", {"user_id": head.id, "department_id": top_id})


def _special(w: BulkWriter, org: Org, rng: random.Random, now: datetime,
             password_hash: str) -> None:
    """The regional supervisor (leads every department of hospital 1), a trainer, an admin."""
    first_tops = org.hospital_tops[org.hospitals[0]]
    last_tops = org.hospital_tops[org.hospitals[-1]]
    specs = [("supervisor", "bench-sup", "区域主管", first_tops[0], "咨询师",
              [Role.SUPERVISOR, Role.EMPLOYEE]),
             ("trainer", "bench-trainer", "培训部林老师", last_tops[-1], "运营",
              [Role.TRAINER, Role.EMPLOYEE]),
             ("admin", "bench-admin", "系统管理员", last_tops[-1], "运营", [Role.ADMIN])]
    for key, login, name, dept_id, position, roles in specs:
        user_id = w.next_id("users")
        w.add("users", {"id": user_id, "login": login, "name": name, "department_id": dept_id,
                        "position_id": org.positions[position], "password_hash": password_hash,
                        "active": True, "must_change_password": False,
                        "hire_date": (now - timedelta(days=900)).date(),
                        "created_at": now - timedelta(days=900), "updated_at": now})
        for role in roles:
            w.add("user_roles", {"user_id": user_id, "role": role.value})
        org.logins[key] = login
        if key == "supervisor":
            org.supervisor = Person(user_id, login, dept_id, dept_id, position,
                                    (now - timedelta(days=900)).date(), 0.9)
            org.staff.append(org.supervisor)
            for top_id in first_tops:
                w.add("department_leads", {"user_id": user_id, "department_id": top_id})
        elif key == "trainer":
            org.trainer_id = user_id
        else:
            org.admin_id = user_id
