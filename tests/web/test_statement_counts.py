"""Heavy pages run a constant number of SQL statements, whatever the number of people."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Department, Position, User, UserRole
from app.services.accounts import hash_password
from tests.helpers import TEST_HASH


def _add_staff(count: int, department_name: str = "整形外科") -> None:
    department = db.session.scalar(select(Department).where(Department.name == department_name))
    position = db.session.scalar(select(Position).where(Position.name == "护士"))
    password = hash_password("unused-password1", TEST_HASH)
    start = db.session.scalar(select(db.func.count(User.id)))
    for n in range(count):
        user = User(login=f"s{start + n:05d}", name=f"员工{start + n}", password_hash=password,
                    department_id=department.id, position_id=position.id,
                    must_change_password=False)
        user.role_rows.append(UserRole(role="employee"))
        db.session.add(user)
    db.session.commit()


def _statements(client, count_statements, url: str) -> int:
    with count_statements() as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return counted()


def test_admin_user_list_is_constant_in_the_number_of_users(client, auth, demo,
                                                            count_statements):
    auth.as_role("admin")
    few = _statements(client, count_statements, "/admin/users")
    _add_staff(40)
    many = _statements(client, count_statements, "/admin/users")
    assert "员工" in client.get("/admin/users").text
    assert many == few


def test_team_page_is_constant_in_the_number_of_team_members(client, auth, demo,
                                                             count_statements):
    auth.as_role("supervisor")
    few = _statements(client, count_statements, "/team/")
    _add_staff(40)
    many = _statements(client, count_statements, "/team/")
    assert many == few


def test_department_and_trainer_pages_are_constant(client, auth, demo, count_statements):
    auth.as_role("admin")
    urls = ["/admin/departments", "/admin/positions", "/manage/", "/admin/"]
    few = [_statements(client, count_statements, url) for url in urls]
    _add_staff(40)
    many = [_statements(client, count_statements, url) for url in urls]
    assert many == few


def _add_content(courses: int) -> int:
    """Web courses (two chapters of two lessons, every other one published) and as many SOP
    modules of three steps; returns the id of the last course."""
    from app.services.content import authoring, history, sop_authoring
    from app.services.content.kinds import COURSE, SOP_MODULE

    for n in range(courses):
        course = authoring.save_course(None, authoring.CourseData(title=f"课程{n}"), None)
        for c in range(2):
            chapter = authoring.add_chapter(course, f"第{c + 1}章")
            for lesson in range(2):
                authoring.save_lesson(None, chapter,
                                      authoring.LessonData(f"课时{lesson}", "正文\n"), None)
        if n % 2:
            history.publish(COURSE, course, None, "发布")
        module = sop_authoring.save_sop_module(None, sop_authoring.SopModuleData(title=f"SOP{n}"),
                                           None)
        for step in range(3):
            sop_authoring.save_step(module, None, sop_authoring.StepData(
                title=f"步骤{step}", script="{客户称呼}您好", key_points="要点：同义词"))
        if n % 2:
            history.publish(SOP_MODULE, module, None, "发布", False)
    db.session.commit()
    return course.id


def test_trainer_desk_is_constant_in_the_number_of_courses(client, auth, demo,
                                                           count_statements):
    auth.as_role("trainer")
    _add_content(2)
    few = _statements(client, count_statements, "/manage/")
    _add_content(12)
    many = _statements(client, count_statements, "/manage/")
    assert client.get("/manage/").text.count('class="item-title"') == 2 * 14
    assert many == few


def test_course_page_is_constant_in_the_number_of_lessons(client, auth, demo, count_statements):
    from app.services.content import authoring

    auth.as_role("trainer")
    course_id = _add_content(1)
    few = _statements(client, count_statements, f"/manage/courses/{course_id}")
    from app.models import Course

    course = db.session.get(Course, course_id)
    for n in range(10):
        authoring.save_lesson(None, course.chapters[n % 2],
                              authoring.LessonData(f"新课时{n}", "正文"), None)
    db.session.commit()
    many = _statements(client, count_statements, f"/manage/courses/{course_id}")
    assert many == few
