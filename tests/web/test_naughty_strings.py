"""Every text field of the user and organisation forms survives every kind of naughty string
(BLNS: one string of each kind, tests/naughty.py)."""

# One string of each kind of ../shared/testdata/blns/blns.json (tests/naughty.py) is posted
# once to each field. The app must
# never answer 500. A value it accepts is stored exactly as typed (or in the field's documented
# normal form) and shown back, escaped, on the list or edit page. A value it refuses comes back
# as the form with a visible message, nothing is written, and the refusal has a documented
# reason: blank in a required field, longer than the field allows, invisible control characters
# (Unicode Cc/Cs), not a valid email / mobile / employee number, or a name already taken.
# One test per field loops over all strings with one signed-in client, so the file stays fast.

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Callable, Set
from dataclasses import dataclass, field

import pytest
from markupsafe import escape
from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import Department, Hospital, Position, User
from tests.naughty import representative

BLNS = "testdata/blns/blns.json"
PLAIN_EMAIL = re.compile(r"[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*"
                         r"\.[A-Za-z]{2,}")
PHONE_SEPARATORS = re.compile(r"[\s\-()（）]")
ASCII_MOBILE = re.compile(r"1[3-9][0-9]{9}")
EMPLOYEE_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
FIELD_WITH_ERROR = re.compile(r'class="field has-error">\s*<label for="([^"]+)"')
USERS_PER_PAGE = 50
# The list has no NUL character, which PostgreSQL cannot store in text: add it.
NUL_STRINGS = ["\x00", "NUL\x00inside"]


@pytest.fixture
def blns(shared_dir) -> list[str]:
    path = shared_dir / BLNS
    if not path.is_file():
        pytest.skip(f"../shared/{BLNS} is absent: the naughty strings are not available")
    strings = json.loads(path.read_text(encoding="utf-8"))
    assert len(strings) > 500
    return representative(strings) + NUL_STRINGS


@pytest.fixture
def admin(client, auth, demo):
    auth.as_role("admin")
    return client


# ---- the documented reasons to refuse, and the documented normal forms --------------------------

def _invisible(s: str) -> bool:
    return any(unicodedata.category(ch) in {"Cc", "Cs"} for ch in s)


def _blank(s: str) -> bool:
    return s.strip() == ""


def text_reasons(s: str, max_length: int, *, required: bool = True,
                 taken: Set[str] = frozenset()) -> list[str]:
    """Why a free-text field may refuse `s`; an empty list means it must accept it."""
    if _blank(s):
        return ["blank"] if required else []
    reasons = [f"longer than {max_length}"] if len(s) > max_length else []
    if _invisible(s):
        reasons.append("control characters")
    if s in taken:
        reasons.append("already taken")
    return reasons


def login_reasons(s: str, taken: Set[str]) -> list[str]:
    login = s.strip()
    if not login:
        return ["blank"]
    if not EMPLOYEE_NUMBER.fullmatch(login):
        return ["not an employee number"]
    return ["already taken"] if login in taken else []


def email_reasons(s: str) -> list[str]:
    """Only a plain ASCII address must be accepted; anything else may be refused."""
    email = s.strip()
    if not email or PLAIN_EMAIL.fullmatch(email) and len(email) <= 254:
        return []
    return ["not an email address"]


def mobile_digits(s: str) -> str | None:
    """A phone's documented normal form: 11 ASCII digits (None when it is no mobile number)."""
    digits = PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", s))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if ASCII_MOBILE.fullmatch(digits) else None


def phone_reasons(s: str) -> list[str]:
    return [] if _blank(s) or mobile_digits(s) else ["not a mobile number"]


# What each field stores for a string it accepts (app/services/validation.py).
def as_typed(s: str) -> str:
    return s


def as_typed_or_none(s: str) -> str | None:  # an optional text field stores blank as None
    return None if _blank(s) else s


def login_stored(s: str) -> str:  # the employee number is stripped
    return s.strip()


def email_stored(s: str) -> str | None:  # the email is stripped; blank → None
    return s.strip() or None


def phone_stored(s: str) -> str | None:  # the phone becomes 11 digits; blank → None
    return None if _blank(s) else mobile_digits(s)


# ---- the sweep ----------------------------------------------------------------------------------

@dataclass
class Sweep:
    """Posts every string to one field and checks each answer, collecting every problem."""

    field: str
    post: Callable[[int, str], object]        # (index, string) → response
    saved: Callable[[object], bool]           # did the response say the form was saved?
    stored: Callable[[], object]              # the field's value in the database after a save
    expected: Callable[[str], object]         # what must be stored for a string
    reasons: Callable[[str], list[str]]       # documented reasons to refuse it (before posting)
    state: Callable[[], tuple]                # what a refusal must leave as it was
    on_save: Callable[[str, object, object], None] | None = None  # (string, value, response)
    problems: list[str] = field(default_factory=list)
    saved_values: list[object] = field(default_factory=list)

    def run(self, strings: list[str]) -> Sweep:
        state = None  # known without a query after a refusal: it is unchanged
        for i, s in enumerate(strings):
            reasons, before = self.reasons(s), state or self.state()
            response = self.post(i, s)
            state = None
            if response.status_code == 500:
                self.fail(s, "server error (500)")
            elif self.saved(response):
                value = self.stored()
                if value != self.expected(s):
                    self.fail(s, f"stored as {value!r}, expected {self.expected(s)!r}")
                self.saved_values.append(value)
                if self.on_save:
                    self.on_save(s, value, response)
            elif response.status_code != 200 or '<form method="post"' not in response.text:
                self.fail(s, f"answered {response.status_code} without the form")
            else:
                self._check_refusal(s, response.text, reasons)
                state = self.state()
                if state != before:
                    self.fail(s, f"refused, yet something was written: {before} → {state}")
        return self

    def _check_refusal(self, s: str, page: str, reasons: list[str]) -> None:
        if 'class="form-error"' not in page:
            self.fail(s, "refused without a visible message")
        elif set(FIELD_WITH_ERROR.findall(page)) - {self.field}:
            self.fail(s, f"refused on another field: {FIELD_WITH_ERROR.findall(page)}")
        if not reasons:
            self.fail(s, "refused although it breaks no documented rule")

    def fail(self, s: str, problem: str) -> None:
        self.problems.append(f"{self.field} {s!r}: {problem}")

    def check_shown(self, page: str, values: list[object] | None = None) -> Sweep:
        for value in self.saved_values if values is None else values:
            if value is not None and str(escape(value)) not in page:
                self.problems.append(f"{self.field} {value!r}: stored but not shown")
        return self

    def check_edit_page(self, client, url: str, s: str, value) -> None:
        """The edit page shows the stored value exactly in the field's input (and the flash)."""
        page = client.get(url)
        shown = _input_value(page.text, self.field)
        if page.status_code != 200 or shown != ("" if value is None else value):
            self.fail(s, f"edit page ({page.status_code}) shows {shown!r}")
        else:
            self.check_shown(page.text, [value])

    def assert_clean(self) -> None:
        if self.problems:
            pytest.fail(f"{len(self.problems)} problems:\n" + "\n".join(self.problems[:40]),
                        pytrace=False)


def _input_value(page: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page)
    value = tag and re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else None


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _newest(model):
    return db.session.scalar(select(model).order_by(model.id.desc()).limit(1))


def _redirected(response) -> bool:
    return response.status_code == 302


def _drop_flashes(client, saved: int) -> None:
    """Each unfollowed redirect leaves a "Saved." message; drop them before the cookie swells."""
    if saved % 20 == 0:
        with client.session_transaction() as session:
            session.pop("_flashes", None)


# ---- organisation ------------------------------------------------------------------------------

def test_every_string_as_a_new_hospital_name(admin, blns):
    names = set(db.session.scalars(select(Hospital.name)))

    def on_save(s, value, response):
        names.add(value)  # a later duplicate of this string must be refused as taken
        _drop_flashes(admin, len(names))

    sweep = Sweep(
        "name",
        lambda i, s: admin.post("/admin/hospitals/new",
                                data={"name": s, "code": "", "sort_order": 0}),
        _redirected, stored=lambda: _newest(Hospital).name, expected=as_typed,
        reasons=lambda s: text_reasons(s, 100, taken=names),
        state=lambda: (_count(Hospital),), on_save=on_save,
    ).run(blns)
    sweep.check_shown(admin.get("/admin/hospitals").text).assert_clean()


def test_every_string_as_the_code_of_an_edited_hospital(admin, blns):
    """Hospital i gets string i as its code, so one look at the list shows them all.

    The hospitals are made in one go (the test above covers the new-hospital form).
    """
    names = [f"顽皮字符医院 {i:03d}" for i in range(len(blns))]
    hospitals = [Hospital(name=name) for name in names]
    db.session.add_all(hospitals)
    db.session.commit()
    ids = [hospital.id for hospital in hospitals]
    db.session.expunge_all()  # else every request would expire hundreds of objects
    editing = {}

    def post(i, s):
        editing["id"] = ids[i]
        return admin.post(f"/admin/hospitals/{ids[i]}/edit",
                          data={"name": names[i], "code": s, "sort_order": 0})

    sweep = Sweep(
        "code", post, _redirected, stored=lambda: db.session.get(Hospital, editing["id"]).code,
        expected=as_typed_or_none, reasons=lambda s: text_reasons(s, 20, required=False),
        state=lambda: (_count(Hospital), db.session.scalar(
            select(func.count()).where(Hospital.code.is_not(None)))),
        on_save=lambda s, value, response: _drop_flashes(admin, len(sweep.saved_values)),
    )
    sweep.run(blns).check_shown(admin.get("/admin/hospitals").text).assert_clean()


def test_every_string_as_a_new_department_name(admin, blns):
    """Top-level departments of a chosen hospital, checked on the list page 50 at a time.

    Each form request builds the whole department tree, so the checked departments are
    removed again: the tree stays small and the test fast.
    """
    hospital_id = db.session.scalar(select(Hospital.id).where(Hospital.code == "BJ"))
    siblings = set(db.session.scalars(select(Department.name).where(
        Department.hospital_id == hospital_id, Department.parent_id.is_(None))))
    batch: dict[int, str] = {}

    def stored():
        dept = _newest(Department)
        assert (dept.hospital_id, dept.parent_id) == (hospital_id, None)
        return dept.name

    def check_batch():
        sweep.check_shown(admin.get("/admin/departments").text, list(batch.values()))
        db.session.execute(delete(Department).where(Department.id.in_(batch)))
        db.session.commit()
        siblings.difference_update(batch.values())
        batch.clear()

    def on_save(s, value, response):
        siblings.add(value)
        batch[_newest(Department).id] = value
        if len(batch) == 50:
            check_batch()
        else:
            _drop_flashes(admin, len(batch))

    sweep = Sweep(
        "name",
        lambda i, s: admin.post("/admin/departments/new", data={
            "hospital_id": hospital_id, "parent_id": 0, "name": s, "sort_order": 0}),
        _redirected, stored=stored, expected=as_typed,
        reasons=lambda s: text_reasons(s, 100, taken=siblings),
        state=lambda: (_count(Department),), on_save=on_save,
    )
    sweep.run(blns)
    check_batch()
    sweep.assert_clean()


def test_every_string_as_a_new_position_name(admin, blns):
    names = set(db.session.scalars(select(Position.name)))

    def on_save(s, value, response):
        names.add(value)
        _drop_flashes(admin, len(names))

    sweep = Sweep(
        "name",
        lambda i, s: admin.post("/admin/positions/new", data={"name": s, "sort_order": 0}),
        _redirected, stored=lambda: _newest(Position).name, expected=as_typed,
        reasons=lambda s: text_reasons(s, 50, taken=names),
        state=lambda: (_count(Position),), on_save=on_save,
    ).run(blns)
    sweep.check_shown(admin.get("/admin/positions").text).assert_clean()


# ---- users -------------------------------------------------------------------------------------
# Both user forms clean their fields with accounts.clean_user_data. Name, email and phone go
# through the new-user form (one account per string); the employee number through the edit
# form of one account, where it must never clash with the account's own number.

def _new_user_sweep(admin, field_name: str, **sweep_args) -> Sweep:
    def on_save(s, value, response):
        if field_name == "name":  # the temporary-password page names the new account
            if str(escape(value)) not in response.text:
                sweep.fail(s, "not shown on the temporary-password page")
        else:
            sweep.check_edit_page(admin, f"/admin/users/{_newest(User).id}/edit", s, value)

    def post(i, s):
        return admin.post("/admin/users/new", data={
            "login": f"blns{i:04d}", "name": "顽皮字符", "email": "", "phone": "",
            "department_id": 0, "position_id": 0, "roles": ["employee"], "password": "",
            field_name: s})

    sweep = Sweep(
        field_name, post, saved=lambda response: 'data-testid="temp-password"' in response.text,
        stored=lambda: getattr(_newest(User), field_name), state=lambda: (_count(User),),
        on_save=on_save, **sweep_args,
    )
    return sweep


def test_every_string_as_the_name_of_a_new_user(admin, blns):
    sweep = _new_user_sweep(admin, "name", expected=as_typed,
                            reasons=lambda s: text_reasons(s, 100)).run(blns)
    pages = _count(User) // USERS_PER_PAGE + 1
    sweep.check_shown("".join(admin.get(f"/admin/users?status=all&page={page}").text
                              for page in range(1, pages + 1)))
    sweep.assert_clean()


def test_every_string_as_the_email_of_a_new_user(admin, blns):
    _new_user_sweep(admin, "email", expected=email_stored,
                    reasons=email_reasons).run(blns).assert_clean()


def test_every_string_as_the_phone_of_a_new_user(admin, blns):
    _new_user_sweep(admin, "phone", expected=phone_stored,
                    reasons=phone_reasons).run(blns).assert_clean()


def test_every_string_as_the_employee_number_of_an_edited_user(admin, blns):
    user = db.session.scalar(select(User).where(User.login == "10012"))
    user_id, url = user.id, f"/admin/users/{user.id}/edit"
    form = {"name": user.name, "email": "", "phone": "", "department_id": user.department_id,
            "position_id": user.position_id, "roles": ["employee"]}
    others = set(db.session.scalars(select(User.login).where(User.id != user_id)))
    login = lambda: db.session.get(User, user_id).login  # noqa: E731
    sweep = Sweep(
        "login", lambda i, s: admin.post(url, data={**form, "login": s}), _redirected,
        stored=login, expected=login_stored, reasons=lambda s: login_reasons(s, others),
        state=lambda: (_count(User), login()),
        on_save=lambda s, value, response: sweep.check_edit_page(admin, url, s, value),
    )
    sweep.run(blns).assert_clean()
