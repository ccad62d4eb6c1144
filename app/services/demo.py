"""The demo organisation: one clinic group, its departments, positions and a user per role."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Department, Hospital, Position, User
from app.permissions import Role
from app.services import accounts

DEMO_PASSWORD = "demo1234"
POSITIONS = ["客服", "前台", "咨询师", "医生助理", "护士", "医生", "会员专员", "运营"]
HOSPITALS = {
    ("星河医疗美容医院", "XH"): {
        "整形外科": ["病房护理组"],
        "美容皮肤科": [],
        "口腔颌面外科": [],
        "美容牙科": [],
        "客服中心": ["网络咨询组"],
        "前台": [],
        "会员部": [],
        "运营部": [],
    },
    ("星河医美滨江门诊部", "BJ"): {"美容皮肤科": [], "前台": []},
}
MAIN = "星河医疗美容医院"
DEMO_HIRE_DATE = date(2024, 3, 1)
# login, name, department path, position, roles, departments led
USERS = [
    ("admin", "系统管理员", "运营部", "运营", [Role.ADMIN], []),
    ("trainer", "林老师", "运营部", "运营", [Role.TRAINER, Role.EMPLOYEE], []),
    ("supervisor", "陈主管", "整形外科", "护士", [Role.SUPERVISOR, Role.EMPLOYEE],
     ["整形外科", "客服中心"]),
    ("employee", "王小雨", "客服中心/网络咨询组", "客服", [Role.EMPLOYEE], []),
    ("10005", "赵晴", "客服中心/网络咨询组", "客服", [Role.EMPLOYEE], []),
    ("10006", "孙悦", "前台", "前台", [Role.EMPLOYEE], []),
    ("10007", "周一帆", "整形外科", "咨询师", [Role.EMPLOYEE], []),
    ("10008", "吴佳", "整形外科", "医生助理", [Role.EMPLOYEE], []),
    ("10009", "郑可", "整形外科/病房护理组", "护士", [Role.EMPLOYEE], []),
    ("10010", "冯医生", "整形外科", "医生", [Role.EMPLOYEE], []),
    ("10011", "何静", "会员部", "会员专员", [Role.EMPLOYEE], []),
    ("10012", "马丽", "美容皮肤科", "咨询师", [Role.EMPLOYEE], []),
]


def _get_or_create(model, **where):
    obj = db.session.scalar(select(model).filter_by(**where))
    if obj is None:
        obj = model(**where)
        db.session.add(obj)
        db.session.flush()
    return obj


def _seed_org() -> dict[str, int]:
    for order, name in enumerate(POSITIONS):
        position = _get_or_create(Position, name=name)
        position.sort_order = order
    main_paths: dict[str, int] = {}
    for order, ((name, code), departments) in enumerate(HOSPITALS.items()):
        hospital = _get_or_create(Hospital, name=name)
        hospital.code, hospital.sort_order = code, order
        for d_order, (dept_name, children) in enumerate(departments.items()):
            dept = _get_or_create(Department, hospital_id=hospital.id, parent_id=None,
                                  name=dept_name)
            dept.sort_order = d_order
            if name == MAIN:
                main_paths[dept_name] = dept.id
            for child_name in children:
                child = _get_or_create(Department, hospital_id=hospital.id, parent_id=dept.id,
                                       name=child_name)
                if name == MAIN:
                    main_paths[f"{dept_name}/{child_name}"] = child.id
    return main_paths


def seed_demo(hash_method: str) -> list[dict]:
    """Create or refresh the demo organisation; safe to run again. Returns the demo logins.
    `hash_method` is the PASSWORD_HASH_METHOD setting the commands pass."""
    paths = _seed_org()
    positions = {p.name: p.id for p in db.session.scalars(select(Position))}
    result = []
    for login, name, dept, position, roles, leads in USERS:
        data = accounts.UserData(
            login=login, name=name, department_id=paths[dept], position_id=positions[position],
            roles={r.value for r in roles}, led_department_ids={paths[d] for d in leads},
            hire_date=DEMO_HIRE_DATE,  # long-standing staff: their due dates are the assignments'
        )
        user = db.session.scalar(select(User).where(User.login == login))
        if user is None:
            user, _ = accounts.create_user(data, DEMO_PASSWORD, hash_method=hash_method)
        else:
            accounts.update_user(user, data)
            user.password_hash = accounts.hash_password(DEMO_PASSWORD, hash_method)
        user.active = True
        user.must_change_password = False
        result.append({"login": login, "password": DEMO_PASSWORD,
                       "roles": [r.value for r in roles], "name": name})
    db.session.flush()
    _seed_results()
    return result


def _seed_results() -> None:
    """Private-domain metrics and a few weeks of figures (app/services/results/demo.py)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from app.services.results.demo import seed_demo_results

    seed_demo_results(datetime.now(ZoneInfo("Asia/Shanghai")).date())
