"""Certificate pages: mine (issued on view), one certificate as HTML and as a PDF whose text
holds the Chinese name, and the public verification page (name, title, date: nothing else)."""

from __future__ import annotations

import io
import json
from urllib.parse import quote

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.extensions import db
from app.models import Certificate
from app.models.base import utcnow
from app.services.certificates import issue_due_certificates
from tests.html_safety import read_payloads, unsafe_parts
from tests.learning_factories import make_course, person
from tests.points_factories import complete_lessons

TITLE = "私域运营基础：添加企业微信"


def _complete(login: str = "employee", slug: str = "cert-web"):
    course = make_course(slug, [("l1", "一", "x"), ("l2", "二", "x")], title=TITLE)
    complete_lessons(login, course, ["l1", "l2"])
    return course


@pytest.fixture
def certificate(app, demo) -> Certificate:
    _complete()
    found = issue_due_certificates(utcnow())[0]
    db.session.commit()
    return found


def _pdf_text(response) -> str:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def test_the_pdf_holds_the_chinese_name_and_title(client, auth, certificate):
    auth.as_role("employee")
    text = _pdf_text(client.get(f"/certificates/{certificate.id}.pdf"))
    assert "王小雨" in text and TITLE in text and "年" in text  # a Chinese date
    assert "结业证书" in text or "Certificate of completion" in text  # before the catalog
    assert certificate.code in text and "星河医疗美容医院" in text
    assert f"/certificates/verify/{certificate.code}" in text


def test_the_pdf_in_english(client, auth, certificate):
    auth.as_role("employee")
    client.post("/auth/language", data={"lang": "en"})
    text = _pdf_text(client.get(f"/certificates/{certificate.id}.pdf"))
    assert "Certificate of completion" in text and "王小雨" in text and TITLE in text


def test_the_owners_supervisor_and_admins_open_it_others_get_404(app, certificate):
    for login, status in (("employee", 200), ("supervisor", 200), ("admin", 200),
                          ("trainer", 404), ("10005", 404), ("10012", 404)):
        client = app.test_client()
        client.post("/auth/login", data={"login": login, "password": "demo1234"})
        for url in (f"/certificates/{certificate.id}", f"/certificates/{certificate.id}.pdf"):
            assert client.get(url).status_code == status, (login, url)


def test_the_certificate_page(client, auth, certificate):
    auth.as_role("employee")
    page = client.get(f"/certificates/{certificate.id}").text
    assert "王小雨" in page and TITLE in page and certificate.code in page
    assert f"http://localhost/certificates/verify/{certificate.code}" in page
    assert "css/certificate.css" in page


def test_my_certificates_are_issued_when_i_look(client, auth, demo):
    _complete()
    auth.as_role("employee")
    assert db.session.scalar(select(func.count(Certificate.id))) == 0
    page = client.get("/certificates/").text
    assert TITLE in page and 'data-testid="certificate-card"' in page
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    client.get("/certificates/")
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    auth.logout()
    auth.login("10005")
    assert 'data-testid="no-certificates"' in client.get("/certificates/").text


def test_verification_is_public_and_shows_only_name_title_and_date(client, certificate):
    employee = person("employee")
    employee.email, employee.phone = "xiaoyu@example.com", "13800138000"
    db.session.commit()
    for typed in (certificate.code, certificate.code.lower().replace("-", "")):
        response = client.get(f"/certificates/verify/{typed}")
        assert response.status_code == 200
        page = response.text
        assert 'data-testid="verify-found"' in page
        assert "王小雨" in page and TITLE in page and "年" in page
        for private in ("employee", "网络咨询组", "客服中心", "客服", "xiaoyu@example.com",
                        "13800138000", "星河", f"/certificates/{certificate.id}",
                        "user_id", str(employee.id) + "<"):
            assert private not in page, private
        assert "Sign out" not in page and 'data-testid="profile-link"' not in page


def test_unknown_and_malformed_codes(client, certificate):
    for code in ("2222-2222-2222", "nonsense", "0OO0-1II1-0000", '"><img src=x onerror=alert(1)>'):
        response = client.get(f"/certificates/verify/{quote(code, safe='')}")
        assert response.status_code == 404
        assert 'data-testid="verify-not-found"' in response.text
        assert not unsafe_parts(response.text, allow_our_scripts=True)


def test_the_verify_form(client, certificate):
    response = client.get("/certificates/verify", query_string={"code": certificate.code.lower()})
    assert response.status_code == 302
    assert response.location.endswith(f"/certificates/verify/{certificate.code}")
    assert "form-error" not in client.get("/certificates/verify").text
    wrong = client.get("/certificates/verify", query_string={"code": "abc"})
    assert wrong.status_code == 200 and "form-error" in wrong.text


def test_verification_is_rate_limited(app, client, certificate):
    app.config["CERTIFICATE_VERIFY_LIMIT"] = "3 per minute"
    codes = [client.get(f"/certificates/verify/{certificate.code}").status_code
             for _n in range(2)]
    codes.append(client.get("/certificates/verify?code=x").status_code)  # shared with the form
    codes.append(client.get(f"/certificates/verify/{certificate.code}").status_code)
    assert codes == [200, 200, 200, 429]


@pytest.fixture
def payloads(shared_dir) -> list[str]:
    found = read_payloads(shared_dir)
    return found[:: len(found) // 40][:40]


def test_xss_payloads_as_a_name_are_escaped(app, client, auth, demo, payloads):
    app.config["CERTIFICATE_VERIFY_LIMIT"] = "100000 per minute"
    _complete()
    issued = issue_due_certificates(utcnow())[0]
    db.session.commit()
    auth.as_role("employee")
    problems = []
    for payload in payloads:
        person("employee").name = payload[:100]
        db.session.commit()
        for url in (f"/certificates/{issued.id}", f"/certificates/verify/{issued.code}",
                    "/certificates/", "/points/", "/points/leaderboard?period=all"):
            response = client.get(url)
            found = unsafe_parts(response.text, allow_our_scripts=True)
            if response.status_code != 200 or found:
                problems.append((payload, url, response.status_code, found[:2]))
        assert client.get(f"/certificates/{issued.id}.pdf").status_code == 200
    assert not problems, problems[:5]


def test_naughty_strings_never_break_the_verify_pages(app, client, demo, shared_dir):
    path = shared_dir / "testdata/blns/blns.json"
    if not path.is_file():
        pytest.skip("the naughty strings are not available")
    app.config["CERTIFICATE_VERIFY_LIMIT"] = "100000 per minute"
    strings = json.loads(path.read_text(encoding="utf-8")) + ["\x00", "NUL\x00inside"]
    bad = []
    for s in strings:
        form = client.get("/certificates/verify", query_string={"code": s})
        direct = client.get(f"/certificates/verify/{quote(s, safe='')}") if s else form
        if form.status_code not in (200, 302) or direct.status_code not in (200, 302, 404):
            bad.append((s, form.status_code, direct.status_code))
    assert not bad, bad[:5]
