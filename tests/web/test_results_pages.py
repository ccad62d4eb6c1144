"""Private-domain results through the pages: an employee enters, a supervisor confirms and
corrects within their departments, an admin defines metrics and imports; hostile input is
escaped or refused with a message, never a 500."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import Department
from app.models.results import Metric, MetricResult
from app.services import accounts
from app.services.results.periods import period_key, period_start
from tests.helpers import TEST_HASH
from tests.html_safety import read_payloads, unsafe_parts
from tests.naughty import representative
from tests.results_helpers import count_results, figure, metric, person, result_of

TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()
WEEK = period_start(TODAY, "weekly")
WEEK_KEY = period_key(WEEK, "weekly")


def sign_in(client, login: str) -> None:
    client.post("/auth/logout")
    response = client.post("/auth/login", data={"login": login, "password": "demo1234"})
    assert response.status_code == 302, login


def enter(client, values: dict, kind: str = "weekly", period: str = WEEK_KEY, notes=None):
    data = {"kind": kind, "period": period}
    data.update({f"value-{m.id}": v for m, v in values.items()})
    data.update({f"note-{m.id}": v for m, v in (notes or {}).items()})
    return client.post("/results/entries", data=data)


def supervisor_of(department_name: str, login: str = "boss2") -> None:
    """Another supervisor, leading only `department_name`."""
    dept = db.session.scalar(select(Department.id).where(Department.name == department_name)
                             .order_by(Department.id))
    user, _pw = accounts.create_user(accounts.UserData(
        login=login, name="另一位主管", department_id=dept, roles={"supervisor", "employee"},
        led_department_ids={dept}), "demo1234", hash_method=TEST_HASH)
    user.must_change_password = False
    db.session.commit()


def test_employee_enters_and_supervisor_confirms(client, demo):
    deals, friends = metric("成交数"), metric("新增企微好友")
    sign_in(client, "employee")
    page = client.get("/results/")
    assert page.status_code == 200 and f'name="value-{deals.id}"' in page.text
    assert 'data-testid="results-tab"' in page.text
    response = enter(client, {deals: "3", friends: ""}, notes={deals: "两单是老客户转介绍"})
    assert response.status_code == 302
    result = result_of(deals, "employee", WEEK)
    assert (result.value, result.status, result.note) == (3.0, "entered", "两单是老客户转介绍")
    assert result_of(friends, "employee", WEEK) is None
    assert 'data-status="entered"' in client.get("/results/").text

    sign_in(client, "employee")
    assert client.post(f"/results/team/{result.id}/confirm").status_code == 403
    sign_in(client, "supervisor")
    team = client.get(f"/results/team?kind=weekly&period={WEEK_KEY}").text
    assert f'data-result="{result.id}"' in team
    assert client.post(f"/results/team/{result.id}/confirm",
                       data={"next": "/results/team"}).status_code == 302
    db.session.refresh(result)
    assert (result.status, result.confirmed_by_id) == ("confirmed", person("supervisor").id)

    sign_in(client, "employee")
    refused = enter(client, {deals: "9"})
    assert refused.status_code == 200 and 'class="form-error"' in refused.text
    db.session.refresh(result)
    assert result.value == 3.0


def test_supervisor_corrects_and_the_employee_sees_why(client, demo):
    deals = metric("成交数")
    result = figure(deals, "employee", WEEK, 3)
    sign_in(client, "supervisor")
    client.post(f"/results/team/{result.id}/correct", data={"value": "4", "note": "系统里 4 单"})
    db.session.refresh(result)
    assert (result.value, result.entered_value, result.status) == (4.0, 3.0, "corrected")
    mine = client.get("/results/")  # the supervisor's own page works too
    assert mine.status_code == 200
    sign_in(client, "employee")
    page = client.get("/results/").text
    assert "系统里 4 单" in page and 'data-status="corrected"' in page


def test_supervisors_reach_only_their_departments(client, demo):
    deals = metric("成交数")
    outsider = figure(deals, "10012", WEEK, 5)     # 马丽, 美容皮肤科
    insider = figure(deals, "employee", WEEK, 2)   # 王小雨, 客服中心
    sign_in(client, "supervisor")
    team = client.get(f"/results/team?period={WEEK_KEY}").text
    assert "马丽" not in team and f'data-result="{outsider.id}"' not in team
    assert f'data-result="{insider.id}"' in team
    for action in ("confirm", "correct"):
        response = client.post(f"/results/team/{outsider.id}/{action}",
                               data={"value": "1", "note": "x"})
        assert response.status_code == 404
    db.session.refresh(outsider)
    assert (outsider.status, outsider.value) == ("entered", 5.0)

    supervisor_of("美容皮肤科")
    sign_in(client, "boss2")
    team = client.get(f"/results/team?period={WEEK_KEY}").text
    assert "王小雨" not in team and f'data-result="{outsider.id}"' in team
    assert client.post(f"/results/team/{insider.id}/confirm").status_code == 404
    assert client.get(f"/team/members/{person('employee').id}").status_code == 404
    client.post("/results/team/confirm-all", data={"kind": "weekly", "period": WEEK_KEY})
    db.session.refresh(insider)
    db.session.refresh(outsider)
    assert (insider.status, outsider.status) == ("entered", "confirmed")


def test_the_member_page_shows_results_beside_training(client, demo):
    sign_in(client, "supervisor")
    page = client.get(f"/team/members/{person('employee').id}").text
    assert 'data-testid="results-history"' in page and 'data-chart="line"' in page
    assert "新增企微好友" in page


def test_admin_defines_edits_and_archives_metrics(client, demo):
    sign_in(client, "admin")
    assert client.get("/results/metrics").status_code == 200
    response = client.post("/results/metrics", data={
        "name": "私信回复数", "unit": "条", "period": "weekly", "higher_is_better": "y",
        "description": "", "sort_order": "9"})
    assert response.status_code == 302
    created = db.session.scalar(select(Metric).where(Metric.name == "私信回复数"))
    assert (created.unit, created.higher_is_better) == ("条", True)
    again = client.post("/results/metrics", data={"name": "私信回复数", "period": "weekly"})
    assert again.status_code == 200 and 'class="form-error"' in again.text
    client.post(f"/results/metrics/{created.id}/edit", data={
        "name": "私信回复数", "unit": "条", "period": "monthly", "sort_order": "1"})
    db.session.refresh(created)
    assert (created.period, created.higher_is_better) == ("monthly", False)
    client.post(f"/results/metrics/{created.id}/archive", data={"archived": "1"})
    db.session.refresh(created)
    assert created.archived
    sign_in(client, "employee")
    assert f'name="value-{created.id}"' not in client.get("/results/").text


def test_admin_imports_a_period(client, demo):
    sign_in(client, "admin")
    template = client.get("/results/import/template.xlsx?period=weekly")
    assert template.status_code == 200 and template.data[:2] == b"PK"
    assert client.get("/results/import/template.xlsx?period=daily").status_code == 404
    workbook = load_workbook(io.BytesIO(template.data))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    logins = [row[0].value for row in sheet.iter_rows(min_row=2)]
    sheet.cell(row=logins.index("10005") + 2, column=header.index("成交数（单）") + 1, value=6)
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = count_results()

    def post(dry_run: bool, data: bytes = buffer.getvalue(), name: str = "成果.xlsx"):
        form = {"kind": "weekly", "period": WEEK_KEY, "file": (io.BytesIO(data), name)}
        if dry_run:
            form["dry_run"] = "y"
        return client.post("/results/import", data=form, content_type="multipart/form-data")

    checked = post(True)
    assert checked.status_code == 200 and 'data-testid="import-report"' in checked.text
    assert count_results() == before
    done = post(False)
    assert 'data-testid="imported"' in done.text and count_results() == before + 1
    stored = result_of(metric("成交数"), "10005", WEEK)
    assert (stored.value, stored.status, stored.source) == (6.0, "confirmed", "import")
    wrong = post(False, b"not a workbook", "成果.csv")
    assert 'data-testid="file-error"' in wrong.text


def _checked(page: str) -> list[str]:
    """Unsafe parts of a page, but for our own server-drawn charts (one <svg> each)."""
    charts = page.count('<svg class="chart" data-chart=')
    problems = unsafe_parts(page, allow_our_scripts=True)
    svg = [p for p in problems if p == "<svg> element"]
    assert len(svg) == charts
    return [p for p in problems if p != "<svg> element"]


def test_xss_payloads_in_metric_names_and_notes_are_escaped(client, demo, shared_dir):
    payloads = [p for p in read_payloads(shared_dir) if p.strip() and len(p.strip()) <= 60
                and not p.strip().startswith(("=", "+", "-", "@"))][::300][:20]
    sign_in(client, "admin")
    for n, payload in enumerate(payloads):
        client.post("/results/metrics", data={"name": payload, "unit": payload[:20],
                                              "period": "weekly", "description": payload,
                                              "sort_order": str(n)})
    hostile = list(db.session.scalars(select(Metric).where(Metric.name.in_(
        [p.strip() for p in payloads]))))
    assert len(hostile) >= len(payloads) - 2
    sign_in(client, "employee")
    enter(client, {m: "1" for m in hostile[:10]}, notes={m: payloads[0] for m in hostile[:10]})
    sign_in(client, "supervisor")
    result = result_of(hostile[0], "employee", WEEK)
    client.post(f"/results/team/{result.id}/correct", data={"value": "2", "note": payloads[1]})
    problems = []
    for login, urls in (("employee", ["/results/"]),
                        ("supervisor", ["/results/team",
                                        f"/team/members/{person('employee').id}"]),
                        ("admin", ["/results/metrics", "/results/import"])):
        sign_in(client, login)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            problems += [f"{url}: {p}" for p in _checked(response.text)]
    assert not problems, problems[:10]


def test_naughty_strings_never_fail(client, demo, shared_dir):
    strings = json.loads((shared_dir / "testdata/blns/blns.json").read_text("utf-8"))
    sample = representative(strings)[::4] + ["\x00", "NUL\x00inside", "x" * 61]
    deals = metric("成交数")
    own = figure(deals, "10005", WEEK, 1)
    problems = []
    sign_in(client, "admin")
    for s in sample:
        response = client.post("/results/metrics", data={"name": s, "period": "weekly"})
        if response.status_code == 302:
            if db.session.scalar(select(Metric).where(Metric.name == s.strip())) is None:
                problems.append(f"metric {s!r} not stored stripped")
        elif response.status_code != 200 or 'class="form-error"' not in response.text:
            problems.append(f"metric {s!r}: {response.status_code}")
    sign_in(client, "employee")
    for s in sample:
        for response in (enter(client, {deals: s}), enter(client, {deals: "1"}, notes={deals: s}),
                         enter(client, {deals: "1"}, period=s),
                         client.get("/results/", query_string={"weekly": s})):
            if response.status_code >= 500:
                problems.append(f"entry {s!r}: {response.status_code}")
    sign_in(client, "supervisor")
    for s in sample:
        for response in (client.post(f"/results/team/{own.id}/correct",
                                     data={"value": s, "note": s, "next": s}),
                         client.get("/results/team", query_string={"period": s,
                                                                   "department": s,
                                                                   "kind": s})):
            if response.status_code >= 500:
                problems.append(f"team {s!r}: {response.status_code}")
    assert not problems, problems[:10]


@pytest.mark.parametrize("value", ["100000000", "1e309", "9" * 40, "-5", "1.005", "12abc"])
def test_bad_figures_are_refused_with_a_message(client, demo, value):
    deals = metric("成交数")
    sign_in(client, "employee")
    before = count_results()
    response = enter(client, {deals: value})
    assert response.status_code == 200
    assert re.search(r'class="form-error">[^<]+<', response.text)
    assert count_results() == before


def test_statement_counts_of_the_team_page_do_not_grow_with_the_team(client, demo,
                                                                     count_statements):
    from tests.web.test_statement_counts import _add_staff

    metrics = [metric("成交数"), metric("新增企微好友")]

    def staff_with_figures(count: int) -> None:
        """`count` more nurses in 整形外科, each with two figures waiting this week."""
        from app.models import User

        _add_staff(count)
        have = set(db.session.scalars(select(MetricResult.user_id).where(
            MetricResult.period_start == WEEK)))
        for user_id in db.session.scalars(select(User.id).where(User.login.like("s%"))):
            if user_id not in have:
                db.session.add_all(MetricResult(metric_id=m.id, user_id=user_id,
                                                period_start=WEEK, value=3, status="entered")
                                   for m in metrics)
        db.session.commit()

    sign_in(client, "supervisor")
    url = f"/results/team?kind=weekly&period={WEEK_KEY}"
    staff_with_figures(5)
    with count_statements() as few:
        assert client.get(url).status_code == 200
    staff_with_figures(45)
    with count_statements() as many:
        page = client.get(url)
    assert page.status_code == 200 and page.text.count("<tr data-user=") >= 50
    assert many() == few(), (few(), many())


def test_statement_counts_of_my_results_do_not_grow_with_history(client, demo,
                                                                 count_statements):
    from app.services.results.periods import recent_starts

    sign_in(client, "10012")
    metrics = list(db.session.scalars(select(Metric)))
    db.session.execute(MetricResult.__table__.delete().where(
        MetricResult.user_id == person("10012").id))
    weeks = recent_starts("weekly", TODAY, 12)
    months = recent_starts("monthly", TODAY, 12)

    def add(starts_by_kind) -> None:
        for m in metrics:
            for start in starts_by_kind[m.period]:
                figure(m, "10012", start, 2)

    add({"weekly": weeks[-1:], "monthly": months[-1:]})
    with count_statements() as few:
        assert client.get("/results/").status_code == 200
    add({"weekly": weeks[:-1], "monthly": months[:-1]})
    with count_statements() as many:
        page = client.get("/results/")
    assert page.text.count('data-chart="line"') == 7
    assert many() == few(), (few(), many())


def test_past_periods_can_be_entered_future_ones_cannot(client, demo):
    from app.services.results.periods import next_start, recent_starts

    deals = metric("成交数")
    old_week = recent_starts("weekly", TODAY, 9)[0]  # before the demo's figures
    sign_in(client, "employee")
    page = client.get(f"/results/?weekly={period_key(old_week, 'weekly')}").text
    assert f'name="period" value="{period_key(old_week, "weekly")}"' in page
    assert enter(client, {deals: "2"}, period=period_key(old_week, "weekly")).status_code == 302
    assert result_of(deals, "employee", old_week).value == 2.0
    future = next_start(WEEK, "weekly")
    before = count_results()
    enter(client, {deals: "2"}, period=period_key(future, "weekly"))
    assert count_results() == before and result_of(deals, "employee", future) is None


def test_team_page_shows_the_last_finished_week_and_confirm_all_needs_a_period(client, demo):
    from app.services.results.periods import previous_start

    waiting = db.session.scalars(select(MetricResult).where(
        MetricResult.status == "entered")).all()
    sign_in(client, "supervisor")
    page = client.get("/results/team").text
    last_week = period_key(previous_start(WEEK, "weekly"), "weekly")
    assert f'<option value="{last_week}" selected' in page
    assert 'data-testid="confirm-all"' in page  # the demo's last week waits
    assert client.post("/results/team/confirm-all", data={}).status_code == 302
    assert db.session.scalars(select(MetricResult).where(
        MetricResult.status == "entered")).all() == waiting
    client.post("/results/team/confirm-all", data={"kind": "weekly", "period": last_week})
    assert len(db.session.scalars(select(MetricResult).where(
        MetricResult.status == "entered")).all()) < len(waiting)


def _hidden(page: str, name: str, result_id: int | None = None) -> str:
    form = page if result_id is None else page[page.index(f"/results/team/{result_id}/confirm"):]
    return re.search(rf'name="{name}" value="([^"]*)"', form).group(1)


def test_a_figure_the_employee_changed_after_the_page_opened_is_not_confirmed(app, client,
                                                                            demo):
    """The supervisor's page shows 3; the employee changes it to 30 in another browser; the
    supervisor's 确认 and 全部确认 on the old page confirm nothing unseen and say so."""
    deals = metric("成交数")
    employee = app.test_client()
    sign_in(employee, "employee")
    enter(employee, {deals: "3"})
    result = result_of(deals, "employee", WEEK)
    sign_in(client, "supervisor")
    page = client.get(f"/results/team?kind=weekly&period={WEEK_KEY}").text
    seen, shown_at = _hidden(page, "seen", result.id), _hidden(page, "shown_at")
    assert enter(employee, {deals: "30"}).status_code == 302

    refused = client.post(f"/results/team/{result.id}/confirm", data={"seen": seen},
                          follow_redirects=True)
    assert "30" in refused.text and "flash-error" in refused.text
    all_shown = client.post("/results/team/confirm-all", follow_redirects=True, data={
        "kind": "weekly", "period": WEEK_KEY, "shown_at": shown_at})
    assert all_shown.status_code == 200 and "flash-error" in all_shown.text
    db.session.expire_all()
    assert result_of(deals, "employee", WEEK).status == "entered"

    fresh = client.get(f"/results/team?kind=weekly&period={WEEK_KEY}").text
    client.post(f"/results/team/{result.id}/confirm",
                data={"seen": _hidden(fresh, "seen", result.id)})
    db.session.expire_all()
    assert (result_of(deals, "employee", WEEK).status,
            result_of(deals, "employee", WEEK).value) == ("confirmed", 30.0)
