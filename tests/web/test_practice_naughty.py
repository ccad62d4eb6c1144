"""Naughty strings (BLNS) and XSS payloads in every free-text field of a practice run: a
clear refusal or stored as typed, never a 500, and nothing on the run page that could run
script."""

from __future__ import annotations

import json

import pytest

from app.extensions import db
from app.services.errors import DomainError
from app.services.practice import run_start, runs
from tests.html_safety import read_payloads, unsafe_parts
from tests.learning_factories import person
from tests.naughty import representative
from tests.practice_factories import make_practice_sop, make_run

BLNS = "testdata/blns/blns.json"
WEB_SAMPLE = 60
XSS_SAMPLE = 120
STEP_TEXTS = ("evidence_text", "note", "script_draft")


@pytest.fixture
def blns(shared_dir) -> list[str]:
    path = shared_dir / BLNS
    if not path.is_file():
        pytest.skip(f"../shared/{BLNS} is absent")
    return representative(json.loads(path.read_text(encoding="utf-8"))) + ["\x00", "NUL\x00inside"]


def _try(action) -> str:
    """'ok' or 'refused'; anything but a DomainError fails the test."""
    try:
        with db.session.begin_nested():
            action()
    except DomainError as error:
        assert str(error), "a refusal without a message"
        return "refused"
    return "ok"


def test_every_naughty_string_in_every_field_is_stored_or_refused(app, demo, blns):
    """Each string in each field: refused with a message (DomainError) or saved, the three
    texts of a step stored as typed (or stripped). The three texts of "add-wechat" are first
    saved together: when that is accepted and each stored so, each alone would be too (they
    are checked independently); otherwise each is saved alone, as the other two fields are."""
    employee = person("employee")
    module = make_practice_sop("naughty")
    run = make_run(module=module)

    def kept(field: str, text: str) -> bool:
        step = next(s for s in run.steps if s.step_key == "add-wechat")
        return getattr(step, field) in (text, text.strip(), text.rstrip())

    for text in blns:
        _try(lambda text=text: run_start.start_run(employee, module, text, text, None))
        together = runs.StepInput(done=True, **dict.fromkeys(STEP_TEXTS, text))
        alone = [] if _try(lambda data=together: runs.save_step(
            employee, run, "add-wechat", data)) == "ok" and all(
            kept(field, text) for field in STEP_TEXTS) else \
            [("add-wechat", field) for field in STEP_TEXTS]
        for key, field in (*alone, ("first-visit", "evidence_number"),
                           ("survey", "evidence_link")):
            data = runs.StepInput(done=True, **{field: text})
            if _try(lambda key=key, data=data: runs.save_step(employee, run, key, data)) == "ok" \
                    and field in STEP_TEXTS:
                assert kept(field, text), repr(text)


def test_naughty_strings_through_the_web_never_fail(client, auth, demo, blns):
    run = make_run()
    auth.as_role("employee")
    sample = blns[:: max(1, len(blns) // WEB_SAMPLE)]
    for text in sample:
        fields = dict.fromkeys(STEP_TEXTS, text) | {"done": "1"}
        saved = client.post(f"/practice/runs/{run.id}/steps/add-wechat", data=fields)
        assert saved.status_code in (200, 302), repr(text)
        for key, field in (("first-visit", "evidence_number"), ("survey", "evidence_link")):
            response = client.post(f"/practice/runs/{run.id}/steps/{key}", data={field: text})
            assert response.status_code in (200, 302), repr(text)
        started = client.post(f"/practice/start/{run.module.slug}",
                              data={"case_code": text[:40], "context": text})
        assert started.status_code in (200, 302), repr(text)
        page = client.get(f"/practice/runs/{run.id}")
        assert page.status_code == 200
    assert client.get("/practice/").status_code == 200


def test_xss_payloads_in_every_field_are_harmless_on_the_run_page(client, auth, demo,
                                                                 shared_dir):
    payloads = read_payloads(shared_dir)
    sample = payloads[:: len(payloads) // XSS_SAMPLE][:XSS_SAMPLE]
    employee = person("employee")
    module = make_practice_sop("xss-runs")
    ids = []
    for index, payload in enumerate(sample):
        run = make_run(module=module, case_code=f"CRM-{index}")
        ids.append(run.id)
        # as if the guard let it pass (numbered: one open run per case code)
        run.case_code, run.context = f"{payload[:35]}#{index:03d}", payload
        for key, field in (("add-wechat", "evidence_text"), ("add-wechat", "note"),
                           ("add-wechat", "script_draft"), ("survey", "evidence_link")):
            data = runs.StepInput(done=True, **{field: payload})
            _try(lambda run=run, key=key, data=data: runs.save_step(employee, run, key, data))
    db.session.commit()
    auth.as_role("employee")
    problems = []
    for run_id in ids:
        response = client.get(f"/practice/runs/{run_id}")
        assert response.status_code == 200
        found = unsafe_parts(response.text, allow_our_scripts=True)
        if found:
            problems.append(f"{run_id}: {found[:3]}")
    found = unsafe_parts(client.get("/practice/").text, allow_our_scripts=True)
    assert not problems and not found, problems[:10]
