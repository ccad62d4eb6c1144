"""Pages of issue 19: a certificate's validity on 我的证书, its page, 我的学习 and the public
verification page; a trainer sets the validity in the course form; after an SOP version that
requires re-acknowledgement the learner re-reads only the steps that changed."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Certificate, SopVersion
from app.models.base import utcnow
from app.services.certificates import issue_due_certificates
from app.services.content import acknowledgement as ack
from tests.learning_factories import make_course, make_sop, person, republish_sop
from tests.points_factories import complete_lessons


def _states(html: str) -> list[str]:
    return re.findall(r'data-testid="validity" data-state="(\w+)"', html)


def test_validity_on_the_learners_pages_and_the_public_verify_page(client, auth, demo):
    course = make_course("valid-course", [("l1", "一", "x")], title="消毒规范")
    course.validity_months = 12
    db.session.commit()
    complete_lessons("employee", course, ["l1"])
    [certificate] = issue_due_certificates(utcnow())
    db.session.commit()
    code = certificate.code

    verify = client.get(f"/certificates/verify/{code}")  # anonymous
    assert 'data-state="valid"' in verify.text and "2027" in verify.text

    auth.as_role("employee")
    assert _states(client.get("/certificates/").text) == ["valid"]
    assert 'data-testid="renewals"' not in client.get("/learn/").text

    certificate = db.session.get(Certificate, certificate.id)
    certificate.expires_at = utcnow() + timedelta(days=10)
    db.session.commit()
    assert _states(client.get("/certificates/").text) == ["expiring"]
    home = client.get("/learn/").text
    assert 'data-testid="renewals"' in home and "消毒规范" in home

    certificate = db.session.get(Certificate, certificate.id)
    certificate.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert _states(client.get(f"/certificates/{certificate.id}").text) == ["expired"]
    auth.logout()
    auth.as_role("supervisor")  # 王小雨 is in 陈主管’s team: her dashboard lists it
    team = client.get("/team/dashboard").text
    assert 'data-testid="team-renewals"' in team and "王小雨 · 消毒规范" in team
    assert _states(team.split('data-testid="team-renewals"')[1]) == ["expired"]
    auth.logout()
    verify = client.get(f"/certificates/verify/{code}")
    assert verify.status_code == 200 and 'data-state="expired"' in verify.text


def test_a_trainer_sets_the_validity_and_bad_values_are_refused(trainer):
    course = make_course("form-course")
    data = {"title": "表单课程", "summary": "", "sort_order": "0", "validity_months": "0"}
    page = trainer.post(f"/manage/courses/{course.id}/edit", data=data)
    assert page.status_code == 200 and "120" in page.text  # the range is named
    db.session.refresh(course)
    assert course.validity_months is None and course.title != "表单课程"
    trainer.post(f"/manage/courses/{course.id}/edit",
                 data={**data, "validity_months": "12", "recert_days": "14"})
    db.session.refresh(course)
    assert (course.validity_months, course.recert_days) == (12, 14)


def test_after_a_new_version_only_the_changed_steps_are_reread(client, auth, demo):
    steps = [{"key": "greet", "title": "问候客户", "instructions": "微笑问候"},
             {"key": "record", "title": "登记案例编号", "instructions": "只写编号"},
             {"key": "old", "title": "旧的一步", "instructions": "将被删除"}]
    module = make_sop("reread-sop", steps)
    ack.acknowledge(person("employee"), module, _latest(module))
    db.session.commit()
    republish_sop(module, [steps[0],
                           {"key": "record", "title": "登记案例编号",
                            "instructions": "只写编号，不写姓名"},
                           {"key": "consent", "title": "确认知情同意", "instructions": "新增"}],
                  "隐私要求更新", requires_reack=True)
    auth.as_role("employee")
    page = client.get(f"/learn/sop/{module.slug}").text
    marks = dict(re.findall(r'id="step-([\w-]+)" data-change="(\w*)"', page))
    assert marks == {"greet": "unchanged", "record": "changed", "consent": "added"}
    assert re.search(r'data-change="unchanged">\s*<details>', page)  # folded
    assert "旧的一步" in page.split('data-testid="reread-removed"')[1]


def _latest(module):
    return db.session.scalar(select(SopVersion).where(SopVersion.module_id == module.id)
                             .order_by(SopVersion.number.desc()))
