"""On a phone (390×844) in a real browser with CSRF protection on, the demo employee takes a
timed exam: answers two questions (quiz.js saves each at once, X-CSRFToken header), reloads
in the middle and finds them again, answers the rest (↑/↓ for the ordering question),
submits after a confirm and sees the result. Then a practice round shows the grade and the
explanation right after each answer; and a countdown reaching zero hands the attempt in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import AttemptQuestion, Quiz, QuizAttempt
from app.models.base import utcnow
from app.services.demo import seed_demo
from tests.e2e.conftest import PHONE, sign_in
from tests.helpers import TEST_HASH
from tests.quiz_factories import fill_blank, make_quiz, multiple, ordering, single, true_false

# Autosaves racing on a threaded server and the deadline hand-in are database behaviour.
pytestmark = pytest.mark.both_databases

SCENARIO = "这个项目怎么这么贵？隔壁家便宜一半。"


@pytest.fixture(scope="module")
def live_app(make_app):
    """Overrides the conftest's: CSRF on, an exam and a practice quiz."""
    with make_app(WTF_CSRF_ENABLED=True) as app:
        seed_demo(TEST_HASH)
        db.session.commit()
        make_quiz([single(scenario=SCENARIO), multiple(), fill_blank(), ordering()],
                  slug="phone-exam", title="手机考试", time_limit_minutes=20,
                  shuffle_options=True)
        make_quiz([single(), true_false(explanation="照片属于客户隐私，不能上传。")],
                  slug="phone-drill", title="手机练习", mode="practice")
        make_quiz([single(), true_false()], slug="phone-clock", title="计时测验",
                  time_limit_minutes=5)
        make_quiz([multiple()], slug="phone-ticks", title="连点测验", shuffle_options=False)
        yield app


@pytest.fixture
def phone(browser, live_server):
    requested: list[str] = []
    page = sign_in(browser, live_server, "employee", PHONE, requested)
    expect(page).to_have_url(live_server + "/learn/")
    yield page
    page.context.close()
    assert not [url for url in requested if not url.startswith(live_server + "/")]


def _fits(page: Page, where: str) -> None:
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 391, f"{where}: {width}px wide"


def _tall_enough(page: Page, selector: str) -> None:
    for box in page.locator(selector).evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().height)"):
        assert box >= 44, f"{selector}: a touch target {box}px high"


def _saved(page: Page, position: int) -> None:
    # The answer is saved by a background request: allow for a busy machine (CI runs the
    # suite on every core at once).
    expect(page.locator(f'[data-map="{position}"]')).to_have_class(re.compile(r"\banswered\b"),
                                                                  timeout=15_000)
    # … and every change made meanwhile (saves go one at a time, the last with the form as is)
    expect(page.locator("[data-quiz-form][data-saving]")).to_have_count(0, timeout=15_000)


def _choose(page: Page, text: str) -> None:
    page.locator("label.choice", has_text=text).click()


def _order_correctly(page: Page) -> None:
    """Press ↑ until the items stand in their stored (correct) order."""
    count = page.locator(".order-item").count()
    for target in range(count):
        items = page.locator(".order-item").evaluate_all("els => els.map(e => e.dataset.item)")
        for _ in range(items.index(str(target)) - target):
            page.locator(f'.order-item[data-item="{target}"] [data-move="up"]').click()


def test_take_an_exam_with_a_reload_in_the_middle(phone: Page):
    phone.get_by_test_id("quiz-card").filter(has_text="手机考试").click()
    _fits(phone, "start page")
    phone.get_by_test_id("start").click()
    expect(phone.get_by_test_id("attempt-page")).to_be_visible()
    _fits(phone, "question 1")
    expect(phone.get_by_test_id("timer")).to_contain_text(re.compile(r"\d+:\d\d"))
    expect(phone.get_by_test_id("scenario")).to_contain_text(SCENARIO)
    expect(phone.locator(".watermark")).to_have_attribute("aria-hidden", "true")
    _tall_enough(phone, "label.choice, .map-item[data-map], .quiz-nav .button")

    _choose(phone, "先认同感受")
    _saved(phone, 0)
    phone.get_by_test_id("next").click()
    expect(phone.get_by_test_id("question")).to_have_attribute("data-type", "multiple_choice")
    _choose(phone, "恢复情况")
    _choose(phone, "客户的顾虑")
    _saved(phone, 1)

    phone.reload()  # mid-quiz: everything is on the server
    expect(phone.locator("input[name=response]:checked")).to_have_count(2)
    expect(phone.locator("[data-answered]")).to_have_text("2")
    phone.get_by_test_id("prev").click()
    expect(phone.locator("label.choice", has_text="先认同感受").locator("input")).to_be_checked()
    phone.locator('[data-map="2"]').click()

    phone.locator("input[name=response]").fill("24")
    phone.get_by_test_id("next").click()  # the form posts the typed answer itself
    expect(phone.get_by_test_id("question")).to_have_attribute("data-type", "ordering")
    _order_correctly(phone)
    _saved(phone, 3)
    _fits(phone, "ordering question")

    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_test_id("finish").click()
    expect(phone.get_by_test_id("attempt-result")).to_be_visible()
    expect(phone.get_by_test_id("score")).to_contain_text("100%")
    _fits(phone, "result")
    db.session.expire_all()
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.mode == "exam"))
    assert attempt.state == "finished" and attempt.percent == 100.0


def test_practice_shows_the_explanation_after_each_answer(phone: Page):
    phone.goto("/learn/quizzes/phone-drill")
    phone.get_by_test_id("start").click()
    _choose(phone, "直接打折")  # wrong
    phone.get_by_test_id("check").click()
    grade = phone.get_by_test_id("grade")
    expect(grade).to_have_attribute("data-outcome", "wrong")
    expect(grade.get_by_test_id("explanation")).to_contain_text("先接住情绪")
    expect(grade.get_by_test_id("correct-answer")).to_contain_text("先认同感受")
    expect(phone.locator("input[name=response]").first).to_be_disabled()
    _fits(phone, "practice grade")

    phone.get_by_test_id("finish").or_(phone.get_by_test_id("next")).first.click()
    expect(phone.get_by_test_id("question")).to_have_attribute("data-type", "true_false")
    _choose(phone, "✗")
    phone.get_by_test_id("check").click()
    expect(phone.get_by_test_id("grade")).to_have_attribute("data-outcome", "right")
    expect(phone.get_by_test_id("explanation")).to_contain_text("照片属于客户隐私")

    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_test_id("finish").click()
    expect(phone.get_by_test_id("attempt-result")).to_be_visible()
    expect(phone.get_by_test_id("score")).to_contain_text("50%")
    phone.goto("/learn/wrong-book")
    expect(phone.get_by_test_id("wrong-item")).to_have_count(1)


def test_at_zero_the_countdown_hands_the_attempt_in(phone: Page):
    phone.goto("/learn/quizzes/phone-clock")
    phone.get_by_test_id("start").click()
    _choose(phone, "先认同感受")
    _saved(phone, 0)
    db.session.expire_all()
    attempt = db.session.scalar(select(QuizAttempt).join(Quiz).where(
        Quiz.slug == "phone-clock", QuizAttempt.state == "in_progress"))
    attempt.deadline = utcnow() + timedelta(seconds=3)
    db.session.commit()
    phone.reload()
    expect(phone.get_by_test_id("timer")).to_contain_text(re.compile(r"0:0[0-3]"))
    expect(phone.get_by_test_id("attempt-result")).to_be_visible(timeout=15_000)
    expect(phone.get_by_test_id("score")).to_contain_text("50%")


def test_two_quick_ticks_are_both_kept_when_the_first_save_is_slow(phone: Page):
    """The first tick's save is held on the way (a slow network); the second tick must not
    overtake it and then be overwritten by it: the server ends with both ticks."""
    phone.get_by_test_id("quiz-card").filter(has_text="连点测验").click()
    phone.get_by_test_id("start").click()
    expect(phone.get_by_test_id("question")).to_have_attribute("data-type", "multiple_choice")
    held = []

    def hold_the_first(route):
        if held:
            route.continue_()
        else:
            held.append(route)

    phone.route(re.compile(r"/attempts/\d+/answer$"), hold_the_first)
    _choose(phone, "恢复情况")
    _choose(phone, "客户的顾虑")
    phone.wait_for_timeout(500)  # time for a second save to overtake, had it been sent
    assert len(held) == 1
    held[0].continue_()
    expect(phone.locator("[data-quiz-form][data-saving]")).to_have_count(0, timeout=15_000)
    expect(phone.locator("[data-save-status]")).to_have_text("答案已保存。")
    db.session.expire_all()
    attempt = db.session.scalar(select(QuizAttempt).join(Quiz).where(Quiz.slug == "phone-ticks"))
    answer = db.session.scalar(select(AttemptQuestion)
                               .where(AttemptQuestion.attempt_id == attempt.id))
    assert answer.response == [0, 1]
