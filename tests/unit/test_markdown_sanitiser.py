"""Every XSS payload of ../shared/testdata/xss, rendered as lesson Markdown, leaves nothing that
could run script: no <script>, <iframe>, <object>, <embed>, <svg> or <style>, no on*= handler,
no javascript:, vbscript: or data: URL (the output is parsed, not grepped)."""

from __future__ import annotations

from app.services.markdown import render_markdown, render_script
from tests.html_safety import read_payloads, unsafe_parts


def test_the_checker_catches_what_it_looks_for():
    for bad in ['<script>x</script>', '<a href=" java\tscript:alert(1)">x</a>',
                '<img src="DATA:image/png;base64,AA">', '<p onclick="x">', "<svg/onload=x>",
                '<iframe src="/x">', '<STYLE>p{}</STYLE>', '<a href="&#106;avascript:x">x</a>']:
        assert unsafe_parts(bad), bad
    assert unsafe_parts('<a href="/learn/">ok</a><img src="/media/1" alt="">') == []


def test_every_payload_is_harmless_after_render_markdown(shared_dir):
    problems = []
    for payload in read_payloads(shared_dir):
        for text in (payload, f"# {payload}\n\n- {payload}\n\n[link]({payload})\n\n> {payload}"):
            found = unsafe_parts(str(render_markdown(text)))
            if found:
                problems.append(f"{payload!r}: {found}")
    assert not problems, f"{len(problems)} payloads survive:\n" + "\n".join(problems[:30])


def test_every_payload_is_harmless_in_a_script_template(shared_dir):
    problems = [f"{p!r}: {unsafe_parts(str(render_script(p)))}"
                for p in read_payloads(shared_dir) if unsafe_parts(str(render_script(p)))]
    assert not problems, "\n".join(problems[:30])
