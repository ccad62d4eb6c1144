"""Clinics run their own mail servers: addresses under intranet names (.local, .lan,
.internal, .test, .corp, .home.arpa …) are accepted wherever an address is checked — the
admin's account form and the roster import share app/services/validation.clean_email —
while real garbage is still refused."""

from __future__ import annotations

import pytest

from app.services.errors import DomainError
from app.services.validation import clean_email
from tests.helpers import csv_bytes, roster_row, user_by_login
from tests.unit.test_roster_import import run

INTRANET = ["hr@clinic.local", "li.na@mail.lan", "ops@wecom.internal", "qa@staging.test",
            "zhang@hq.corp", "nurse@nas.home.arpa", "Front.Desk@Clinic.LOCAL",
            "a@b.example.com"]
GARBAGE = ["no-at-sign.local", "a@local", "a@.local", "a@b..lan", "a@-x.corp", "a b@c.lan",
           "a@b@c.local", "@clinic.local", "a@clinic.local.", "a@localhost", "a@x.invalid",
           "a@x.onion"]


@pytest.mark.parametrize("address", INTRANET)
def test_intranet_addresses_are_accepted_as_typed(address):
    assert clean_email(f"  {address} ") == address


@pytest.mark.parametrize("address", GARBAGE)
def test_garbage_is_still_refused_on_the_email_field(address):
    with pytest.raises(DomainError) as caught:
        clean_email(address)
    assert caught.value.field == "email"


def test_the_roster_import_takes_an_intranet_address(app):
    rows = [roster_row("20011", "王芳", email="wang@clinic.local"),
            roster_row("20012", "赵磊", email="zhao@local")]
    report = run(csv_bytes(rows), "花名册.csv")
    assert [error.row for error in report.errors] == [3]  # only the address with no host
    report = run(csv_bytes(rows[:1]), "花名册.csv")
    assert report.errors == [] and user_by_login("20011").email == "wang@clinic.local"
