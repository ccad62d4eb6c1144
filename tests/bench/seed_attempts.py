"""Quiz attempts of the benchmark, with every answer: each person spreads their attempts
over the quizzes of what they were given (and the 全员考试 for about half of them), answers
each question right with their own ability (about three attempts in four pass), short
answers graded by a trainer except a few still waiting, a few attempts left open; then the
wrong-question book (错题本) those answers put questions in."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tests.bench.bulk import BulkWriter, J
from tests.bench.seed_assign import Plan
from tests.bench.seed_content import Catalog, QuizInfo
from tests.bench.seed_org import Org, Person

EMPTY = J("[]")
EXAM_TAKERS = 0.55
WAITING = 0.03  # short answers still waiting for a person
OPEN = 0.01  # attempts left in progress (quizzes without a time limit)


@dataclass
class Stats:
    attempts: int = 0
    answers: int = 0
    finished: int = 0
    passed: int = 0
    grading: int = 0
    open: int = 0
    wrong: Counter = field(default_factory=Counter)  # (user, question) → wrong answers


def quizzes_of(person: Person, plan: Plan, catalog: Catalog, rng: random.Random
               ) -> list[QuizInfo]:
    found = [g.item.quiz for g in plan.given
             if g.item is not None and g.item.quiz is not None and g.owed_by(person)]
    if rng.random() < EXAM_TAKERS:
        found.insert(0, catalog.exam)
    return list({q.id: q for q in found}.values())


def seed_attempts(w: BulkWriter, rng: random.Random, org: Org, catalog: Catalog, plan: Plan,
                  per_person: int, now: datetime, progress=None) -> Stats:
    stats = Stats()
    for index, person in enumerate(org.staff):
        quizzes = quizzes_of(person, plan, catalog, rng)
        if quizzes and per_person:
            counts = Counter([quizzes[0]] + rng.choices(quizzes, k=per_person - 1))
            for quiz, count in counts.items():
                _sequence(w, rng, person, quiz, count, now, org.trainer_id, stats,
                          exam=quiz.id == catalog.exam.id)
        if progress and index % 500 == 499:
            progress(index + 1, stats)
    _wrong_book(w, rng, stats, now)
    return stats


def _sequence(w, rng, person: Person, quiz: QuizInfo, count: int, now: datetime,
              grader: int, stats: Stats, exam: bool) -> None:
    """A person's attempts 1..count at one quiz, oldest first."""
    if exam:  # between the exam's start (40 days ago) and its due date (10 days ago)
        times = sorted(now - timedelta(days=rng.uniform(10.5, 39.5)) for _ in range(count))
    else:
        times = sorted(now - timedelta(days=rng.uniform(0.5, 85)) for _ in range(count))
    for number, started in enumerate(times, start=1):
        leave_open = not exam and number == count and rng.random() < OPEN
        _attempt(w, rng, person, quiz, number, started, grader, stats, leave_open, exam)


def _attempt(w, rng, person: Person, quiz: QuizInfo, number: int, started: datetime,
             grader: int, stats: Stats, leave_open: bool, exam: bool) -> None:
    attempt_id = w.next_id("quiz_attempts")
    score, waiting, rows = 0.0, False, []
    answered_upto = rng.randint(0, len(quiz.items) - 1) if leave_open else len(quiz.items)
    for rank, item in enumerate(quiz.items):
        right = rng.random() < person.ability
        answer = item.right if right else item.wrong
        answered = rank < answered_upto and answer.response is not None
        at = started + timedelta(seconds=40 * (rank + 1))
        row = {"id": w.next_id("attempt_questions"), "attempt_id": attempt_id, "rank": rank,
               "question_id": item.question_id, "version_id": item.version_id,
               "points": item.points, "layout": rng.choice(item.layouts),
               "response": answer.response if answered else None,
               "answered_at": at if answered else None, "fraction": None,
               "feedback": EMPTY, "needs_review": False, "graded_by_id": None,
               "graded_at": None, "grader_comment": "", "rubric_marks": EMPTY}
        if not leave_open:
            if not answered:
                row["fraction"] = 0.0
            elif answer.needs_review:
                if rng.random() < WAITING:
                    row["needs_review"], waiting = True, True
                else:
                    row.update(fraction=rng.choice((0.5, 0.8, 1.0) if right else (0.0, 0.5)),
                               graded_by_id=grader, graded_at=started + timedelta(days=1))
            else:
                row["fraction"], row["feedback"] = answer.fraction, answer.feedback
                if answer.fraction < 1.0:
                    stats.wrong[(person.id, item.question_id)] += 1
            score += (row["fraction"] or 0.0) * item.points
        rows.append(row)
    stats.answers += len(quiz.items)
    stats.attempts += 1
    w.add("quiz_attempts", _attempt_row(attempt_id, person, quiz, number, started, score,
                                        "in_progress" if leave_open else
                                        "grading" if waiting else "finished", exam, stats))
    for row in rows:  # after their attempt: a full buffer is written parents first
        w.add("attempt_questions", row)


def _attempt_row(attempt_id: int, person: Person, quiz: QuizInfo, number: int,
                 started: datetime, score: float, state: str, exam: bool, stats: Stats
                 ) -> dict:
    done = started + timedelta(seconds=40 * len(quiz.items) + 30)
    max_score = quiz.max_score
    row = {"id": attempt_id, "quiz_id": quiz.id, "user_id": person.id, "number": number,
           "mode": "exam", "state": state, "started_at": started,
           "deadline": started + timedelta(minutes=30) if exam else None,
           "submitted_at": None if state == "in_progress" else done,
           "auto_submitted": False, "finished_at": None, "score": None,
           "max_score": max_score, "percent": None, "passed": None,
           "pass_percent": quiz.pass_percent, "current_rank": 0, "updated_at": done}
    if state == "finished":
        percent = round(100.0 * score / max_score, 2) if max_score else 0.0
        row.update(finished_at=done, score=round(score, 6), percent=percent,
                   passed=percent >= quiz.pass_percent)
        stats.finished += 1
        stats.passed += row["passed"]
    elif state == "grading":
        stats.grading += 1
    else:
        row["current_rank"] = 0
        stats.open += 1
    return row


def _wrong_book(w: BulkWriter, rng: random.Random, stats: Stats, now: datetime) -> None:
    for (user_id, question_id), count in stats.wrong.items():
        cleared = rng.random() < 0.3
        added = now - timedelta(days=rng.uniform(1, 80))
        w.add("wrong_questions", {
            "id": w.next_id("wrong_questions"), "user_id": user_id,
            "question_id": question_id, "wrong_count": count,
            "correct_streak": 2 if cleared else 0, "added_at": added,
            "last_answered_at": added + timedelta(hours=2),
            "cleared_at": added + timedelta(hours=2) if cleared else None})
