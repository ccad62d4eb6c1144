"""Every department picker names the hospital: the demo has a 前台 and a 美容皮肤科 in both
院区, and each picker must tell them apart, listed by path (hospital, then the tree)."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Department, Hospital
from app.services import org

MAIN, BRANCH = "星河医疗美容医院", "星河医美滨江门诊部"
PICKERS = [
    "/team/assignments/new",      # assign to departments
    "/admin/users/new",           # the user's department and the departments they lead
    "/admin/users",               # the user list's filter
    "/admin/departments/new",     # a department's parent
    "/team/dashboard",            # dashboard filter
    "/team/",                     # my team's filter
    "/review/",                   # the review queue's filter
    "/results/team",              # team results' filter
    "/manage/analytics",          # the trainer's analytics filter
    "/manage/courses/new",        # a course's audience
    "/manage/sop/new",            # an SOP module's audience
]


FIELDS = "department|department_id|department_ids|led_department_ids|parent_id"
SELECT = re.compile(rf'<select[^>]*name="(?:{FIELDS})"[^>]*>(.*?)</select>', re.S)
CHECKBOX = re.compile(rf'<input[^>]*name="(?:{FIELDS})"[^>]*type="checkbox"[^>]*>\s*<span>([^<]*)<'
                      rf'|<input[^>]*type="checkbox"[^>]*name="(?:{FIELDS})"[^>]*>\s*<span>([^<]*)<')


def _option_texts(html: str) -> list[str]:
    """The labels of the department choices on the page (selects and checkbox lists)."""
    labels = [label for body in SELECT.findall(html)
              for label in re.findall(r"<option[^>]*>([^<]*)</option>", body)]
    labels += [a or b for a, b in CHECKBOX.findall(html)]
    return [re.sub(r"\s+", " ", label).strip() for label in labels]


@pytest.mark.parametrize("url", PICKERS)
def test_same_named_departments_of_two_hospitals_read_differently(demo, client, auth, url):
    auth.as_role("admin")
    response = client.get(url)
    assert response.status_code == 200
    texts = _option_texts(response.get_data(as_text=True))
    for name in ("前台", "美容皮肤科"):
        assert f"{MAIN} / {name}" in texts, url
        assert f"{BRANCH} / {name}" in texts, url
        assert name not in texts, f"{url} lists a bare {name}"
    assert f"{MAIN} / 客服中心 / 网络咨询组" in texts


def test_the_supervisors_pickers_list_only_their_departments_with_the_hospital(demo, client,
                                                                              auth):
    auth.as_role("supervisor")
    for url in ("/team/assignments/new", "/team/dashboard", "/team/", "/review/",
                "/results/team", "/points/leaderboard"):
        texts = _option_texts(client.get(url).get_data(as_text=True))
        ours = [t for t in texts if t.startswith(f"{MAIN} / ")]
        assert ours[:2] == [f"{MAIN} / 整形外科", f"{MAIN} / 整形外科 / 病房护理组"], url
        assert not any(t.startswith(BRANCH) for t in texts), url


def test_pickers_follow_the_hospitals_order_then_the_tree(demo):
    main = db.session.query(Hospital).filter_by(name=MAIN).one()
    branch = db.session.query(Hospital).filter_by(name=BRANCH).one()
    main.sort_order, branch.sort_order = 2, 1
    db.session.flush()
    labels = [label for _id, label in org.department_options()]
    assert labels[0].startswith(f"{BRANCH} / ")
    assert labels.index(f"{MAIN} / 整形外科") + 1 == labels.index(f"{MAIN} / 整形外科 / 病房护理组")
    some = db.session.query(Department).filter_by(name="前台").all()
    assert len(org.department_options({d.id for d in some})) == 2


def test_a_picker_escapes_names_marks_the_chosen_one_and_follows_a_rename(demo, client, auth):
    """The department filter is rendered once per worker for the same departments: a name
    with markup is shown as text, the chosen department is selected, and a renamed (or
    added) department shows at once — the labels are kept per content read, not per time."""
    auth.as_role("admin")
    front = db.session.scalars(db.select(Department).where(Department.name == "前台")).first()
    front.name = '<script>alert("前台")</script>'
    db.session.commit()
    page = client.get(f"/manage/analytics?department={front.id}").get_data(as_text=True)
    assert "<script>alert(" not in page
    assert (f'<option value="{front.id}" selected>'
            f'{MAIN if front.hospital.name == MAIN else BRANCH} / '
            '&lt;script&gt;alert(&#34;前台&#34;)&lt;/script&gt;</option>') in page
    assert page.count(" selected>") == 1
    front.name = "前台二部"
    db.session.commit()
    page = client.get("/manage/analytics").get_data(as_text=True)
    assert "前台二部</option>" in page and "&lt;script&gt;" not in page
    assert " selected>" not in page
