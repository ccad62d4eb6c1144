"""XSS payloads of ../shared/testdata/xss (a sample, spread over the whole list) as lesson
titles and bodies, course titles and every text field of an SOP step, rendered through the real
learner pages: the parsed pages contain nothing that could run script but our own files."""

from __future__ import annotations

import pytest

from tests.html_safety import read_payloads, unsafe_parts
from tests.learning_factories import make_course, make_sop

SAMPLE = 150


@pytest.fixture
def sample(shared_dir) -> list[str]:
    payloads = read_payloads(shared_dir)
    step = len(payloads) // SAMPLE
    return payloads[::step][:SAMPLE]


def _check(client, url: str, problems: list[str]) -> str:
    response = client.get(url)
    if response.status_code != 200:
        problems.append(f"{url}: {response.status_code}")
        return ""
    found = unsafe_parts(response.text, allow_our_scripts=True)
    if found:
        problems.append(f"{url}: {found[:3]}")
    return response.text


def test_payloads_in_lessons_are_harmless_on_every_learner_page(client, auth, demo, sample):
    lessons = [(f"l{i:03d}", payload[:200], f"{payload}\n\n## {payload}\n\n{payload}")
               for i, payload in enumerate(sample)]
    make_course("xss", lessons, title=sample[0][:200])
    auth.as_role("employee")
    problems: list[str] = []
    for url in ("/learn/", "/learn/courses/xss", "/learn/search?q=alert",
                "/learn/search?q=%3Cscript", "/learn/search?q=javascript%3A"):
        assert "search" not in url or "<mark>" in _check(client, url, problems), url
    for key, _title, _body in lessons:
        _check(client, f"/learn/courses/xss/{key}", problems)
    assert not problems, f"{len(problems)} pages:\n" + "\n".join(problems[:20])


def test_payloads_in_sop_steps_are_harmless_on_the_sop_page(client, auth, demo, sample):
    steps = [{"key": f"s{i:03d}", "title": payload[:200], "instructions": payload,
              "script": payload, "timing": payload[:100], "evidence_hint": payload[:300]}
             for i, payload in enumerate(sample)]
    make_sop("xss", steps, title=sample[1][:200], purpose="\n\n".join(sample[:20]))
    auth.as_role("employee")
    problems: list[str] = []
    page = _check(client, "/learn/sop/xss", problems)
    assert page.count('class="card step"') == len(sample)
    _check(client, "/learn/search?q=alert", problems)
    assert not problems, "\n".join(problems[:20])
