"""Every URL rule × anonymous and every role → the expected outcome.

A new route fails `test_every_route_has_an_expectation` until it is added here.
Outcomes: OK (served: 2xx, or a redirect that is not to the login page), LOGIN (redirect to
the login page), DENY (403).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Department, Hospital, Position, User, WebhookDelivery
from tests.conftest import restore_rows, snapshot_rows
from tests.helpers import upload_settings

OK, LOGIN, DENY = "ok", "login", 403
ROLES = ("anonymous", "employee", "supervisor", "trainer", "admin")

PUBLIC = (OK, OK, OK, OK, OK)
SIGNED_IN = (LOGIN, OK, OK, OK, OK)
LEARNER = (LOGIN, OK, OK, OK, OK)
TEAM = (LOGIN, DENY, OK, DENY, OK)
AUTHOR = (LOGIN, DENY, DENY, OK, OK)
ADMIN = (LOGIN, DENY, DENY, DENY, OK)
GRADERS = (LOGIN, DENY, OK, OK, OK)  # VIEW_TEAM or AUTHOR_CONTENT
TOKEN = (401, 401, 401, 401, 401)  # /api/v1: an API token or nothing

EXPECTATIONS: dict[tuple[str, str], tuple] = {
    ("/", "GET"): SIGNED_IN,
    ("/healthz", "GET"): PUBLIC,
    ("/readyz", "GET"): PUBLIC,
    ("/static/<path:filename>", "GET"): PUBLIC,
    ("/auth/login", "GET"): PUBLIC,
    ("/auth/login", "POST"): PUBLIC,
    ("/auth/logout", "POST"): (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),  # always back to sign-in
    ("/auth/language", "POST"): PUBLIC,
    ("/auth/sessions/end", "POST"): (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),  # signed out everywhere
    ("/auth/password", "GET"): SIGNED_IN,
    ("/auth/password", "POST"): SIGNED_IN,
    ("/auth/profile", "GET"): SIGNED_IN,
    # the employee's signed-in device: only its owner may sign it out, others get a 404
    ("/auth/devices/<int:device_id>/end", "POST"): (LOGIN, OK, 404, 404, 404),
    # WeCom / DingTalk sign-in: a 404 while not configured (tests/web/test_identity_sign_in.py
    # covers them configured, against fake servers)
    ("/auth/wecom/login", "GET"): (404, 404, 404, 404, 404),
    ("/auth/wecom/callback", "GET"): (404, 404, 404, 404, 404),
    ("/auth/dingtalk/login", "GET"): (404, 404, 404, 404, 404),
    ("/auth/dingtalk/callback", "GET"): (404, 404, 404, 404, 404),
    # learner
    ("/learn/", "GET"): LEARNER,
    ("/learn/search", "GET"): LEARNER,
    ("/learn/courses/<course_slug>", "GET"): LEARNER,
    ("/learn/courses/<course_slug>/<lesson_key>", "GET"): LEARNER,
    ("/learn/courses/<course_slug>/<lesson_key>/progress", "POST"): LEARNER,
    ("/learn/sop/<sop_slug>", "GET"): LEARNER,
    ("/learn/sop/<sop_slug>/acknowledge", "POST"): LEARNER,
    ("/learn/sop/<sop_slug>/recheck", "POST"): LEARNER,
    ("/media/<int:media_id>", "GET"): SIGNED_IN,
    ("/manage/", "GET"): AUTHOR,
    # authoring
    ("/manage/preview", "POST"): AUTHOR,
    ("/manage/images", "POST"): (LOGIN, DENY, DENY, 400, 400),  # no file sent: a JSON error
    ("/manage/courses/new", "GET"): AUTHOR,
    ("/manage/courses/new", "POST"): AUTHOR,
    ("/manage/courses/<int:course_id>", "GET"): AUTHOR,
    ("/manage/courses/<int:course_id>/edit", "GET"): AUTHOR,
    ("/manage/courses/<int:course_id>/edit", "POST"): AUTHOR,
    ("/manage/courses/<int:course_id>/archive", "POST"): AUTHOR,
    ("/manage/courses/<int:course_id>/chapters", "POST"): AUTHOR,
    ("/manage/courses/<int:course_id>/publish", "GET"): AUTHOR,
    ("/manage/courses/<int:course_id>/publish", "POST"): AUTHOR,
    ("/manage/courses/<int:course_id>/versions", "GET"): AUTHOR,
    ("/manage/courses/<int:course_id>/diff", "GET"): AUTHOR,
    ("/manage/chapters/<int:chapter_id>/edit", "GET"): AUTHOR,
    ("/manage/chapters/<int:chapter_id>/edit", "POST"): AUTHOR,
    ("/manage/chapters/<int:chapter_id>/move", "POST"): AUTHOR,
    ("/manage/chapters/<int:chapter_id>/delete", "POST"): AUTHOR,
    ("/manage/chapters/<int:chapter_id>/lessons/new", "GET"): AUTHOR,
    ("/manage/chapters/<int:chapter_id>/lessons/new", "POST"): AUTHOR,
    ("/manage/lessons/<int:lesson_id>", "GET"): AUTHOR,
    ("/manage/lessons/<int:lesson_id>/edit", "GET"): AUTHOR,
    ("/manage/lessons/<int:lesson_id>/edit", "POST"): AUTHOR,
    ("/manage/lessons/<int:lesson_id>/move", "POST"): AUTHOR,
    ("/manage/lessons/<int:lesson_id>/delete", "POST"): AUTHOR,
    ("/manage/sop/new", "GET"): AUTHOR,
    ("/manage/sop/new", "POST"): AUTHOR,
    ("/manage/sop/<int:module_id>", "GET"): AUTHOR,
    ("/manage/sop/<int:module_id>/edit", "GET"): AUTHOR,
    ("/manage/sop/<int:module_id>/edit", "POST"): AUTHOR,
    ("/manage/sop/<int:module_id>/archive", "POST"): AUTHOR,
    ("/manage/sop/<int:module_id>/publish", "GET"): AUTHOR,
    ("/manage/sop/<int:module_id>/publish", "POST"): AUTHOR,
    ("/manage/sop/<int:module_id>/versions", "GET"): AUTHOR,
    ("/manage/sop/<int:module_id>/diff", "GET"): AUTHOR,
    ("/manage/sop/<int:module_id>/steps/new", "GET"): AUTHOR,
    ("/manage/sop/<int:module_id>/steps/new", "POST"): AUTHOR,
    ("/manage/steps/<int:step_id>/edit", "GET"): AUTHOR,
    ("/manage/steps/<int:step_id>/edit", "POST"): AUTHOR,
    ("/manage/steps/<int:step_id>/move", "POST"): AUTHOR,
    ("/manage/steps/<int:step_id>/delete", "POST"): AUTHOR,
    # end of authoring
    # question banks
    ("/manage/banks", "GET"): AUTHOR,
    ("/manage/banks", "POST"): AUTHOR,
    ("/manage/banks/template.xlsx", "GET"): AUTHOR,
    ("/manage/banks/<int:bank_id>", "GET"): AUTHOR,
    ("/manage/banks/<int:bank_id>/categories", "POST"): AUTHOR,
    ("/manage/banks/<int:bank_id>/categories/rename", "GET"): AUTHOR,
    ("/manage/banks/<int:bank_id>/categories/rename", "POST"): AUTHOR,
    ("/manage/banks/<int:bank_id>/import", "GET"): AUTHOR,
    ("/manage/banks/<int:bank_id>/import", "POST"): AUTHOR,
    ("/manage/banks/<int:bank_id>/export.gift", "GET"): AUTHOR,
    ("/manage/banks/<int:bank_id>/export.xlsx", "GET"): AUTHOR,
    ("/manage/banks/<int:bank_id>/questions/new", "GET"): AUTHOR,
    ("/manage/banks/<int:bank_id>/questions/new", "POST"): AUTHOR,
    ("/manage/questions/scoring-preview", "POST"): AUTHOR,
    ("/manage/questions/<int:question_id>", "GET"): AUTHOR,
    ("/manage/questions/<int:question_id>/edit", "GET"): AUTHOR,
    ("/manage/questions/<int:question_id>/edit", "POST"): AUTHOR,
    ("/manage/questions/<int:question_id>/archive", "POST"): AUTHOR,
    # end of question banks
    # quiz taking: each role is a different user; the attempt id is the employee's, so it is
    # a 404 for everyone else (attempts are private). Empty POSTs: the employee's answer has
    # no position (400), its submit asks for confirmation first (200), a start by any role
    # starts that user's own attempt, an empty wrong-question book leads back to the book.
    ("/learn/quizzes/<quiz_slug>", "GET"): LEARNER,
    ("/learn/quizzes/<quiz_slug>/start", "POST"): LEARNER,
    ("/learn/attempts/<int:attempt_id>", "GET"): (LOGIN, OK, 404, 404, 404),
    ("/learn/attempts/<int:attempt_id>/answer", "POST"): (LOGIN, 400, 404, 404, 404),
    ("/learn/attempts/<int:attempt_id>/submit", "POST"): (LOGIN, OK, 404, 404, 404),
    ("/learn/wrong-book", "GET"): LEARNER,
    ("/learn/wrong-book/practice", "POST"): LEARNER,
    # end of quiz taking
    # quizzes: the trainer's quiz editor; grading (supervisors: their team, trainers: all).
    # Empty POSTs change nothing: publish/archive need a value, deleting needs confirm=yes,
    # an empty settings, rule or grade form is refused with a message, an empty points form
    # clears an override that is not set.
    ("/manage/quizzes", "GET"): AUTHOR,
    ("/manage/quizzes/export", "GET"): (LOGIN, DENY, DENY, 400, 400),  # no ?format=
    ("/manage/quizzes/new", "GET"): AUTHOR,
    ("/manage/quizzes/new", "POST"): AUTHOR,
    ("/manage/quizzes/<int:quiz_id>", "GET"): AUTHOR,
    ("/manage/quizzes/<int:quiz_id>/edit", "GET"): AUTHOR,
    ("/manage/quizzes/<int:quiz_id>/edit", "POST"): AUTHOR,
    ("/manage/quizzes/<int:quiz_id>/publish", "POST"): AUTHOR,
    ("/manage/quizzes/<int:quiz_id>/archive", "POST"): AUTHOR,
    ("/manage/quizzes/<int:quiz_id>/results", "GET"): AUTHOR,
    ("/manage/quizzes/<int:quiz_id>/results/export", "GET"): (LOGIN, DENY, DENY, 400, 400),
    ("/manage/quizzes/<int:quiz_id>/questions", "GET"): AUTHOR,
    ("/manage/quizzes/<int:quiz_id>/questions", "POST"): AUTHOR,
    ("/manage/quiz-items/<int:item_id>/move", "POST"): AUTHOR,
    ("/manage/quiz-items/<int:item_id>/points", "POST"): AUTHOR,
    ("/manage/quiz-items/<int:item_id>/delete", "POST"): AUTHOR,
    ("/manage/quizzes/<int:quiz_id>/rules/new", "GET"): AUTHOR,
    ("/manage/quizzes/<int:quiz_id>/rules/new", "POST"): AUTHOR,
    ("/manage/quiz-rules/<int:rule_id>/edit", "GET"): AUTHOR,
    ("/manage/quiz-rules/<int:rule_id>/edit", "POST"): AUTHOR,
    ("/manage/quiz-rules/<int:rule_id>/delete", "POST"): AUTHOR,
    ("/grading/", "GET"): GRADERS,
    ("/grading/export", "GET"): (LOGIN, DENY, 400, 400, 400),  # no ?format=
    ("/grading/answers/<int:answer_id>", "GET"): GRADERS,
    ("/grading/answers/<int:answer_id>", "POST"): GRADERS,
    ("/grading/attempts/<int:attempt_id>", "GET"): GRADERS,  # the employee's attempt above
    # end of quizzes
    # trainer analytics (the authoring course and SOP module, the editor's quiz): a download
    # without ?format= is a 400
    ("/manage/analytics", "GET"): AUTHOR,
    ("/manage/analytics/export", "GET"): (LOGIN, DENY, DENY, 400, 400),
    ("/manage/analytics/courses/<int:course_id>", "GET"): AUTHOR,
    ("/manage/analytics/courses/<int:course_id>/export", "GET"): (LOGIN, DENY, DENY, 400, 400),
    ("/manage/analytics/quizzes/<int:quiz_id>", "GET"): AUTHOR,
    ("/manage/analytics/quizzes/<int:quiz_id>/export", "GET"): (LOGIN, DENY, DENY, 400, 400),
    ("/manage/analytics/sop/<int:module_id>", "GET"): AUTHOR,
    ("/manage/analytics/sop/<int:module_id>/export", "GET"): (LOGIN, DENY, DENY, 400, 400),
    # end of trainer analytics
    ("/team/", "GET"): TEAM,
    ("/team/members/<int:user_id>", "GET"): TEAM,
    # team dashboard and learning records: a download without ?format= is a 400; the
    # employee's record is in the supervisor's team (another department's: 404, below)
    ("/team/dashboard", "GET"): TEAM,
    ("/team/dashboard/export", "GET"): (LOGIN, DENY, 400, DENY, 400),
    ("/team/members/<int:user_id>/record", "GET"): TEAM,
    ("/team/members/<int:user_id>/record/export", "GET"): (LOGIN, DENY, 400, DENY, 400),
    ("/learn/record", "GET"): LEARNER,
    ("/learn/record/export", "GET"): (LOGIN, 400, 400, 400, 400),
    # end of team dashboard and learning records
    # assignments: an assignment by the admin to the employee (in the supervisor's team).
    # Empty POSTs: cancelling needs confirm=yes, extending needs a person, a reminder is sent.
    ("/team/assignments", "GET"): TEAM,
    ("/team/assignments/new", "GET"): TEAM,
    ("/team/assignments/new", "POST"): TEAM,
    ("/team/assignments/<int:assignment_id>", "GET"): TEAM,
    ("/team/assignments/<int:assignment_id>/export", "GET"): (LOGIN, DENY, 400, DENY, 400),
    ("/team/assignments/<int:assignment_id>/remind", "POST"): TEAM,
    ("/team/assignments/<int:assignment_id>/extend", "POST"): TEAM,
    ("/team/assignments/<int:assignment_id>/cancel", "POST"): TEAM,
    # end of assignments
    # paths and tasks: the trainer's path builder; 我的任务 and a path the employee owes (a
    # 404 for everyone else); the notification centre (the employee's notification: a 404
    # for everyone else). Empty POSTs change nothing: a stage, an item or an onboarding
    # position needs a value, deleting and stopping need confirm=yes, archiving a value.
    ("/manage/paths", "GET"): AUTHOR,
    ("/manage/paths/new", "GET"): AUTHOR,
    ("/manage/paths/new", "POST"): AUTHOR,
    ("/manage/paths/<int:path_id>", "GET"): AUTHOR,
    ("/manage/paths/<int:path_id>/edit", "GET"): AUTHOR,
    ("/manage/paths/<int:path_id>/edit", "POST"): AUTHOR,
    ("/manage/paths/<int:path_id>/archive", "POST"): AUTHOR,
    ("/manage/paths/<int:path_id>/stages", "POST"): AUTHOR,
    ("/manage/path-stages/<int:stage_id>/edit", "GET"): AUTHOR,
    ("/manage/path-stages/<int:stage_id>/edit", "POST"): AUTHOR,
    ("/manage/path-stages/<int:stage_id>/move", "POST"): AUTHOR,
    ("/manage/path-stages/<int:stage_id>/delete", "POST"): AUTHOR,
    ("/manage/path-stages/<int:stage_id>/items", "POST"): AUTHOR,
    ("/manage/path-items/<int:path_item_id>/move", "POST"): AUTHOR,
    ("/manage/path-items/<int:path_item_id>/delete", "POST"): AUTHOR,
    ("/manage/paths/<int:path_id>/onboarding", "POST"): AUTHOR,
    ("/manage/paths/<int:path_id>/onboarding/<int:position_id>/stop", "POST"): AUTHOR,
    ("/learn/tasks", "GET"): LEARNER,
    ("/learn/paths/<int:path_assignment_id>", "GET"): (LOGIN, OK, 404, 404, 404),
    ("/notifications/", "GET"): SIGNED_IN,
    ("/notifications/<int:notification_id>/read", "POST"): (LOGIN, OK, 404, 404, 404),
    ("/notifications/read-all", "POST"): SIGNED_IN,
    # end of paths and tasks
    # practice review: the employee's run, handed in (in the supervisor's team; a supervisor
    # of another department gets 404, see tests/web/test_run_review.py). Empty POSTs decide
    # nothing (a decision is required); an empty rubric is the default rubric.
    ("/review/", "GET"): TEAM,
    ("/review/export", "GET"): (LOGIN, DENY, 400, DENY, 400),  # no ?format=
    ("/review/runs/<int:run_id>", "GET"): TEAM,
    ("/review/runs/<int:run_id>", "POST"): TEAM,
    ("/manage/sop/<int:module_id>/rubric", "POST"): AUTHOR,
    # end of practice review
    # practice runs: the employee's own runs; the run above (run_id, its step "one") is a 404
    # for everyone else; its evidence photo is served to the employee and to whoever may review
    # the run (the demo supervisor, the admin). Empty POSTs on the handed-in run: the step form
    # is shown again with "handed in", the submit says it was already handed in, delete says
    # only a draft can be deleted; an empty start form is shown again with "required".
    ("/practice/", "GET"): LEARNER,
    ("/practice/start/<sop_slug>", "GET"): LEARNER,
    ("/practice/start/<sop_slug>", "POST"): LEARNER,
    ("/practice/runs/<int:run_id>", "GET"): (LOGIN, OK, 404, 404, 404),
    ("/practice/runs/<int:run_id>/steps/<step_key>", "POST"): (LOGIN, OK, 404, 404, 404),
    ("/practice/runs/<int:run_id>/save", "POST"): (LOGIN, OK, 404, 404, 404),
    ("/practice/runs/<int:run_id>/submit", "POST"): (LOGIN, OK, 404, 404, 404),
    ("/practice/runs/<int:run_id>/delete", "POST"): (LOGIN, OK, 404, 404, 404),
    ("/practice/photos/<int:photo_id>", "GET"): (LOGIN, OK, OK, 404, OK),
    # end of practice runs
    # private-domain results: the employee's figure waiting for confirmation (in the
    # supervisor's team; another department's supervisor gets 404, see test_results_pages.py)
    # and a metric. Empty POSTs: an entry or import without a period is refused with a
    # message, an empty correction is refused, archiving needs a value, confirm-all needs a
    # period.
    ("/results/", "GET"): LEARNER,
    ("/results/entries", "POST"): LEARNER,
    ("/results/team", "GET"): TEAM,
    ("/results/team/export", "GET"): (LOGIN, DENY, 400, DENY, 400),  # no ?format=
    ("/results/team/<int:result_id>/confirm", "POST"): TEAM,
    ("/results/team/<int:result_id>/correct", "POST"): TEAM,
    ("/results/team/confirm-all", "POST"): TEAM,
    ("/results/metrics", "GET"): ADMIN,
    ("/results/metrics", "POST"): ADMIN,
    ("/results/metrics/<int:metric_id>/edit", "GET"): ADMIN,
    ("/results/metrics/<int:metric_id>/edit", "POST"): ADMIN,
    ("/results/metrics/<int:metric_id>/archive", "POST"): ADMIN,
    ("/results/import", "GET"): ADMIN,
    ("/results/import", "POST"): ADMIN,
    ("/results/import/template.xlsx", "GET"): ADMIN,
    # end of private-domain results
    # script coach: any learner; an empty POST has no text to check (a JSON error)
    ("/coach/check", "POST"): (LOGIN, 400, 400, 400, 400),
    # end of script coach
    # BI API: a bearer token, never a session, so every signed-in role gets 401 like an
    # anonymous visitor (token scopes: tests/web/test_api.py); the document is public.
    # API tokens are admin pages (MANAGE_ORG); an empty create form is shown again with
    # "required", an empty revoke form revokes the token.
    ("/api/v1/openapi.json", "GET"): PUBLIC,
    ("/api/v1/users", "GET"): TOKEN,
    ("/api/v1/departments", "GET"): TOKEN,
    ("/api/v1/assignments", "GET"): TOKEN,
    ("/api/v1/assignments/status", "GET"): TOKEN,
    ("/api/v1/attempts", "GET"): TOKEN,
    ("/api/v1/runs", "GET"): TOKEN,
    ("/api/v1/results", "GET"): TOKEN,
    ("/api/v1/kpis", "GET"): TOKEN,
    ("/admin/api-tokens", "GET"): ADMIN,
    ("/admin/api-tokens", "POST"): ADMIN,
    ("/admin/api-tokens/<int:token_id>/revoke", "POST"): ADMIN,
    ("/admin/webhooks", "GET"): ADMIN,
    ("/admin/webhooks", "POST"): ADMIN,
    ("/admin/webhooks/<int:endpoint_id>/toggle", "POST"): ADMIN,
    ("/admin/webhooks/<int:endpoint_id>/delete", "POST"): ADMIN,
    ("/admin/webhooks/deliveries/<int:delivery_id>/replay", "POST"): ADMIN,
    # end of BI API
    # points and certificates: the certificate is the employee's (the demo supervisor leads
    # them; anyone else gets 404). An empty settings POST is shown again with its errors.
    # Verification is public (a known code: 200).
    ("/points/", "GET"): LEARNER,
    ("/points/leaderboard", "GET"): LEARNER,
    ("/points/leaderboard/export", "GET"): (LOGIN, 400, 400, 400, 400),  # no ?format=
    ("/points/settings", "GET"): ADMIN,
    ("/points/settings", "POST"): ADMIN,
    ("/certificates/", "GET"): LEARNER,
    ("/certificates/<int:certificate_id>", "GET"): (LOGIN, OK, OK, 404, OK),
    ("/certificates/<int:certificate_id>.pdf", "GET"): (LOGIN, OK, OK, 404, OK),
    ("/certificates/verify", "GET"): PUBLIC,
    ("/certificates/verify/<code>", "GET"): PUBLIC,
    # end of points and certificates
    ("/admin/", "GET"): ADMIN,
    ("/admin/hospitals", "GET"): ADMIN,
    ("/admin/hospitals/new", "GET"): ADMIN,
    ("/admin/hospitals/new", "POST"): ADMIN,
    ("/admin/hospitals/<int:hospital_id>/edit", "GET"): ADMIN,
    ("/admin/hospitals/<int:hospital_id>/edit", "POST"): ADMIN,
    ("/admin/hospitals/<int:hospital_id>/delete", "POST"): ADMIN,
    ("/admin/departments", "GET"): ADMIN,
    ("/admin/departments/new", "GET"): ADMIN,
    ("/admin/departments/new", "POST"): ADMIN,
    ("/admin/departments/<int:department_id>/edit", "GET"): ADMIN,
    ("/admin/departments/<int:department_id>/edit", "POST"): ADMIN,
    ("/admin/departments/<int:department_id>/delete", "POST"): ADMIN,
    ("/admin/positions", "GET"): ADMIN,
    ("/admin/positions/new", "GET"): ADMIN,
    ("/admin/positions/new", "POST"): ADMIN,
    ("/admin/positions/<int:position_id>/edit", "GET"): ADMIN,
    ("/admin/positions/<int:position_id>/edit", "POST"): ADMIN,
    ("/admin/positions/<int:position_id>/delete", "POST"): ADMIN,
    ("/admin/users", "GET"): ADMIN,
    ("/admin/users/export", "GET"): (LOGIN, DENY, DENY, DENY, 400),  # no ?format=
    ("/admin/org/export", "GET"): (LOGIN, DENY, DENY, DENY, 400),  # no ?format=
    ("/admin/users/new", "GET"): ADMIN,
    ("/admin/users/new", "POST"): ADMIN,
    ("/admin/users/<int:user_id>/edit", "GET"): ADMIN,
    ("/admin/users/<int:user_id>/edit", "POST"): ADMIN,
    ("/admin/users/<int:user_id>/active", "POST"): ADMIN,
    ("/admin/users/<int:user_id>/reset-password", "POST"): ADMIN,
    ("/admin/users/<int:user_id>/unlock", "POST"): ADMIN,
    ("/admin/sign-ins", "GET"): ADMIN,
    ("/admin/privacy", "GET"): ADMIN,
    ("/admin/sign-ins/export", "GET"): (LOGIN, DENY, DENY, DENY, 400),  # no ?format=
    ("/admin/users/import", "GET"): ADMIN,
    # 通讯录同步: no provider is configured here (tests/web/test_directory_admin.py covers
    # them configured): the page says so, the POSTs redirect back with a sentence
    ("/admin/directory", "GET"): ADMIN,
    ("/admin/directory/<provider_name>/sync", "POST"): ADMIN,
    ("/admin/directory/<provider_name>/hospitals", "POST"): ADMIN,
    ("/admin/directory/<provider_name>/userids", "POST"): ADMIN,
    ("/admin/directory/positions", "POST"): ADMIN,
    ("/admin/users/import", "POST"): ADMIN,
    ("/admin/users/import/template.xlsx", "GET"): ADMIN,
    ("/admin/users/import/template.csv", "GET"): ADMIN,
    # surveys: a published survey with one required question and an attachment to a course.
    # Empty POSTs: the learner's answer misses the required question (shown again), an empty
    # new survey, settings or question form is refused, a move needs up or down, deleting
    # needs confirm=yes, publishing a published survey and attaching nothing are refused
    # with a message; a download without ?format= is a 400.
    ("/learn/surveys/<survey_slug>", "GET"): LEARNER,
    ("/learn/surveys/<survey_slug>", "POST"): LEARNER,
    ("/manage/surveys", "GET"): AUTHOR,
    ("/manage/surveys", "POST"): AUTHOR,
    ("/manage/surveys/<int:survey_id>", "GET"): AUTHOR,
    ("/manage/surveys/<int:survey_id>", "POST"): AUTHOR,
    ("/manage/surveys/<int:survey_id>/questions", "POST"): AUTHOR,
    ("/manage/survey-questions/<int:question_id>/edit", "GET"): AUTHOR,
    ("/manage/survey-questions/<int:question_id>/edit", "POST"): AUTHOR,
    ("/manage/survey-questions/<int:question_id>/move", "POST"): AUTHOR,
    ("/manage/survey-questions/<int:question_id>/delete", "POST"): AUTHOR,
    ("/manage/surveys/<int:survey_id>/publish", "POST"): AUTHOR,
    ("/manage/surveys/<int:survey_id>/close", "POST"): AUTHOR,
    ("/manage/surveys/<int:survey_id>/attachments", "POST"): AUTHOR,
    ("/manage/survey-attachments/<int:attachment_id>/delete", "POST"): AUTHOR,
    ("/manage/surveys/<int:survey_id>/results", "GET"): AUTHOR,
    ("/manage/surveys/<int:survey_id>/results/export", "GET"): (LOGIN, DENY, DENY, 400, 400),
    # end of surveys
    # offline classes: a class with a session the employee is enrolled in (asking for leave:
    # the demo supervisor leads them). The enrolment is the employee's: 404 for everyone
    # else. Empty POSTs: enrolling a second time, leave without a reason, a rating before
    # attending, a hand mark without a reason and a person without a login are refused with
    # a message; an empty grade clears the score; a scan with a bad token says it expired;
    # an empty class or session form is shown again; a download without ?format= is a 400.
    ("/learn/classes/<class_slug>", "GET"): LEARNER,
    ("/learn/class-sessions/<int:session_id>/enrol", "POST"): LEARNER,
    ("/learn/class-enrolments/<int:enrolment_id>/cancel", "POST"): (LOGIN, OK, 404, 404, 404),
    ("/learn/class-enrolments/<int:enrolment_id>/leave", "POST"): (LOGIN, OK, 404, 404, 404),
    ("/learn/class-enrolments/<int:enrolment_id>/rate", "POST"): (LOGIN, OK, 404, 404, 404),
    ("/learn/class-scan/<int:session_id>/<action>/<token>", "GET"): LEARNER,
    ("/learn/class-scan/<int:session_id>/<action>/<token>", "POST"): LEARNER,
    ("/manage/classes", "GET"): AUTHOR,
    ("/manage/classes/new", "GET"): AUTHOR,
    ("/manage/classes/new", "POST"): AUTHOR,
    ("/manage/classes/<int:class_id>", "GET"): AUTHOR,
    ("/manage/classes/<int:class_id>", "POST"): AUTHOR,
    ("/manage/classes/<int:class_id>/edit", "GET"): AUTHOR,
    ("/manage/classes/<int:class_id>/edit", "POST"): AUTHOR,
    ("/manage/class-sessions/<int:session_id>", "GET"): AUTHOR,
    ("/manage/class-sessions/<int:session_id>/qr/<action>.svg", "GET"): AUTHOR,
    ("/manage/class-sessions/<int:session_id>/enrol", "POST"): AUTHOR,
    ("/manage/class-sessions/<int:session_id>/export", "GET"): (LOGIN, DENY, DENY, 400, 400),
    ("/manage/class-enrolments/<int:enrolment_id>/mark", "POST"): AUTHOR,
    ("/manage/class-enrolments/<int:enrolment_id>/grade", "POST"): AUTHOR,
    ("/team/classes", "GET"): TEAM,
    ("/team/class-leave/<int:enrolment_id>", "POST"): TEAM,
    ("/team/classes/enrol", "POST"): TEAM,
    # end of offline classes
    # large table downloads (export jobs): only for the person who asked; no token → 400
    ("/exports/jobs", "POST"): (LOGIN, 400, 400, 400, 400),
    ("/exports/jobs/<int:job_id>", "GET"): (LOGIN, OK, 404, 404, 404),
    ("/exports/jobs/<int:job_id>/status", "GET"): (LOGIN, OK, 404, 404, 404),
    ("/exports/jobs/<int:job_id>/file", "GET"): (LOGIN, OK, 404, 404, 404),
}


def _rules(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.rule, method


def test_every_route_has_an_expectation(app):
    missing = sorted(set(_rules(app)) - set(EXPECTATIONS))
    stale = sorted(set(EXPECTATIONS) - set(_rules(app)))
    assert not missing, f"routes without an expectation in the permission matrix: {missing}"
    assert not stale, f"expectations for routes that no longer exist: {stale}"


def _device_id() -> int:
    """A signed-in device of the employee's (not the one the matrix's request signs in)."""
    from app.models.base import utcnow
    from app.services import devices
    from app.services.sign_in import Client

    employee = db.session.scalar(select(User).where(User.login == "employee"))
    device, _token = devices.open_sign_in(employee, Client("10.0.0.9", "matrix"), False,
                                          utcnow())
    db.session.commit()
    return device.id


def _object_ids() -> dict[str, object]:
    """Ids of objects that exist and that the supervisor's team contains."""
    scalar = db.session.scalar
    return {
        "user_id": scalar(select(User.id).where(User.login == "employee")),
        "device_id": _device_id(),
        "department_id": scalar(select(Department.id).where(Department.name == "美容牙科")),
        "hospital_id": scalar(select(Hospital.id).order_by(Hospital.id)),
        "position_id": scalar(select(Position.id).order_by(Position.id)),
        "filename": "css/app.css",
        "provider_name": "wecom",
        "media_id": _media_id(),
        # learner
        **_learner_ids(),
        # authoring
        **_authoring_ids(),
        # question banks
        **_question_bank_ids(),
        # quiz taking
        **_quiz_taking_ids(),
        # quizzes
        **_quiz_ids(),
        # assignments
        **_assignment_ids(),
        # paths and tasks
        **_path_and_task_ids(),
        # practice review
        **_review_ids(),
        # practice runs
        **_practice_ids(),
        # private-domain results
        **_results_ids(),
        # BI API
        **_api_token_ids(),
        **_webhook_ids(),
        # points and certificates
        **_certificate_ids(),
        # surveys
        **_survey_ids(),
        # offline classes
        **_class_ids(),
        "job_id": _export_job_id(),
    }


def _export_job_id() -> int:
    """A finished export job of the employee's, its file on disk."""
    from pathlib import Path

    from flask import current_app

    from app.models import ExportJob
    from app.models.base import utcnow
    from tests.learning_factories import person

    folder = Path(current_app.config["UPLOAD_DIR"]) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "matrix.csv"
    path.write_bytes("\ufeff工号\r\n".encode())
    job = ExportJob(user_id=person("employee").id, endpoint="review.index_export", fmt="csv",
                    state="done", filename="matrix.csv", file_path=str(path), rows_done=0,
                    rows_total=0, finished_at=utcnow())
    db.session.add(job)
    db.session.commit()
    return job.id


def _media_id() -> int:
    """A video of a published lesson meant for everyone (who may read a file, and the 404 of
    everyone else: tests/web/test_media_access.py)."""
    import io

    from app.services.media import save_upload
    from tests.learning_factories import make_course

    video = b"\x00\x00\x00\x18ftypmp42" + bytes(64)
    media = save_upload(io.BytesIO(video), "t.mp4", "video", None, upload_settings())
    make_course("matrix-media-course", [("one", "第一课", "正文", media.id)])
    return media.id


# learner
def _learner_ids() -> dict[str, str]:
    """A published course and SOP module meant for everyone (so every role may open them)."""
    from tests.learning_factories import make_course, make_sop

    make_course("matrix-course", [("first-lesson", "第一课", "正文")])
    make_sop("matrix-sop")
    return {"course_slug": "matrix-course", "lesson_key": "first-lesson",
            "sop_slug": "matrix-sop"}


# authoring
def _authoring_ids() -> dict[str, int]:
    """A web course (a chapter, a lesson, published once) and an SOP module with a step.
    Its delete routes are safe to POST empty: deleting needs confirm=yes, and the chapter
    still holds its lesson."""
    from app.services.content import authoring, history, sop_authoring
    from app.services.content.kinds import COURSE

    course = authoring.save_course(None, authoring.CourseData(title="权限矩阵课程"), None)
    chapter = authoring.add_chapter(course, "第一章")
    lesson = authoring.save_lesson(None, chapter, authoring.LessonData("第一课", "正文"), None)
    history.publish(COURSE, course, None, "第一版")
    module = sop_authoring.save_sop_module(None, sop_authoring.SopModuleData(title="权限矩阵SOP"),
                                           None)
    step = sop_authoring.save_step(module, None, sop_authoring.StepData(title="第一步"))
    db.session.commit()
    return {"course_id": course.id, "chapter_id": chapter.id, "lesson_id": lesson.id,
            "module_id": module.id, "step_id": step.id}


# question banks
def _question_bank_ids() -> dict[str, int]:
    """A bank with one single-choice question (its empty POSTs change nothing: an empty
    edit is refused, an empty archive form restores a question that is not archived)."""
    from app.services.quiz import bank_authoring
    from app.services.quiz.question_input import OptionRow, QuestionInput, build_question

    bank = bank_authoring.create_bank("权限矩阵题库", "matrix-bank")
    question = bank_authoring.create_question(bank, build_question(QuestionInput(
        type="single_choice", stem="题干", category="分类/子类",
        options=[OptionRow("对", True), OptionRow("错")])))
    db.session.commit()
    return {"bank_id": bank.id, "question_id": question.id}


# quiz taking
def _quiz_taking_ids() -> dict[str, object]:
    """A stand-alone quiz meant for everyone and the employee's open attempt at it."""
    from app.models import Quiz, QuizItem
    from app.models.base import utcnow
    from app.services.quiz.attempts import start
    from tests.quiz_factories import make_bank, single, true_false

    questions = make_bank([single(), true_false()], slug="matrix-quiz-bank")
    quiz = Quiz(slug="matrix-quiz", title="权限矩阵测验", published=True,
                items=[QuizItem(question=q, rank=i) for i, q in enumerate(questions)])
    db.session.add(quiz)
    employee = db.session.scalar(select(User).where(User.login == "employee"))
    attempt = start(quiz, employee, utcnow())
    db.session.commit()
    return {"quiz_slug": quiz.slug, "attempt_id": attempt.id}



# quizzes
def _quiz_ids() -> dict[str, int]:
    """A web quiz with a fixed question and a draw rule, and the employee's submitted attempt
    at another quiz whose short answer waits for grading (in the supervisor's team)."""
    from app.services.quiz import authoring
    from tests.quiz_factories import make_bank, single, true_false
    from tests.web.quiz_helpers import quiz_with_short_answer, short_row, submit_attempt

    questions = make_bank([single(), true_false(), single()], slug="matrix-editor-bank")
    quiz = authoring.save_quiz(None, authoring.QuizSettingsData(title="权限矩阵编辑测验"), None)
    authoring.add_questions(quiz, [questions[0].id])
    rule = authoring.save_draw_rule(quiz, None, authoring.DrawRuleData(questions[0].bank_id))
    db.session.commit()
    attempt = submit_attempt(quiz_with_short_answer(slug="matrix-graded-quiz"), "employee")
    return {"quiz_id": quiz.id, "item_id": quiz.items[0].id, "rule_id": rule.id,
            "answer_id": short_row(attempt).id}

# assignments
def _assignment_ids() -> dict[str, int]:
    """A course assigned by the admin to the employee (the demo supervisor follows it)."""
    from app.models.base import utcnow
    from app.services.assign.assignments import AssignmentData, create_assignment
    from tests.learning_factories import make_course, person

    course = make_course("matrix-assigned-course")
    assignment = create_assignment(person("admin"), AssignmentData(
        kind="course", item_id=course.id, user_ids=[person("employee").id]), utcnow())
    db.session.commit()
    return {"assignment_id": assignment.id}


# paths and tasks
def _path_and_task_ids() -> dict[str, int]:
    """A gated path of two stages (a course, a quiz) assigned by the admin to the employee,
    and a notification of the employee's."""
    from app.models.assignments import Notification
    from app.models.base import utcnow
    from app.services.assign.notify import notify
    from tests.learning_factories import make_course, person
    from tests.path_factories import assign, make_path
    from tests.quiz_factories import make_quiz, single

    path = make_path([("第一关", [make_course("matrix-path-course")]),
                      ("第二关", [make_quiz([single()], slug="matrix-path-quiz")])],
                     mode="gated", title="权限矩阵路径")
    assignment = assign(path, "employee")
    notify(person("employee").id, "assigned", "matrix:1", utcnow(), assignment_id=assignment.id)
    db.session.commit()
    return {"path_id": path.id, "stage_id": path.stages[0].id,
            "path_item_id": path.stages[0].items[0].id, "path_assignment_id": assignment.id,
            "notification_id": db.session.scalar(select(Notification.id))}


# practice review
def _review_ids() -> dict[str, int]:
    """The employee's run of a one-step SOP, handed in and waiting for review."""
    from tests.practice_factories import make_practice_sop, make_run

    module = make_practice_sop("matrix-review-sop", [{"key": "one", "title": "第一步",
                                                      "evidence_type": "text"}])
    return {"run_id": make_run("employee", module, status="submitted").id}


# practice runs
def _practice_ids() -> dict[str, object]:
    """An evidence photo on the employee's latest run (the run of `run_id` above), and the
    key of its first step."""
    import io

    from app.models import PracticeRun
    from app.services.practice.photos import save_evidence_photo
    from tests.practice_factories import jpeg_bytes

    employee = db.session.scalar(select(User).where(User.login == "employee"))
    run = db.session.scalar(select(PracticeRun).where(PracticeRun.user_id == employee.id)
                            .order_by(PracticeRun.id.desc()))
    photo = save_evidence_photo(io.BytesIO(jpeg_bytes()), "matrix.jpg", run, employee,
                                upload_settings())
    db.session.commit()
    return {"photo_id": photo.id, "step_key": run.steps[0].step_key}


# private-domain results
def _results_ids() -> dict[str, int]:
    """The employee's figure of a past week, waiting for confirmation, and its metric."""
    from datetime import date

    from tests.results_helpers import figure, metric

    deals = metric("成交数")
    return {"metric_id": deals.id,
            "result_id": figure(deals, "employee", date(2020, 11, 16), 3).id}


# BI API
def _api_token_ids() -> dict[str, int]:
    """A live API token made by the admin."""
    from app.models.base import utcnow
    from app.services.api_tokens import create_token
    from tests.learning_factories import person

    token, _secret = create_token(person("admin"), "权限矩阵", ["users"], utcnow())
    db.session.commit()
    return {"token_id": token.id}


def _webhook_ids() -> dict[str, int]:
    """An endpoint of the admin's with one delivery waiting."""
    from app.models.base import utcnow
    from app.services.webhooks import emit
    from app.services.webhooks.endpoints import create_endpoint
    from tests.learning_factories import person

    endpoint, _secret = create_endpoint(person("admin"), "http://127.0.0.1:9/hook",
                                        ["survey.closed"], "", utcnow())
    event = emit("survey.closed", {"survey_id": 1})
    db.session.commit()
    delivery = db.session.scalar(select(WebhookDelivery).where(
        WebhookDelivery.event_id == event.id))
    return {"endpoint_id": endpoint.id, "delivery_id": delivery.id}


# points and certificates
def _certificate_ids() -> dict[str, object]:
    """A certificate of the employee's."""
    from app.models import Certificate
    from app.models.base import utcnow
    from app.services.certificates import new_code
    from tests.learning_factories import make_course, person

    course = make_course("matrix-certificate-course")  # certificates reference a real course
    certificate = Certificate(user_id=person("employee").id, kind="course", item_id=course.id,
                              title="权限矩阵证书", code=new_code(), issued_at=utcnow())
    db.session.add(certificate)
    db.session.commit()
    return {"certificate_id": certificate.id, "code": certificate.code}


# offline classes
def _class_ids() -> dict[str, object]:
    """A class and its session the employee is enrolled in, asking for leave."""
    from app.models.base import utcnow
    from app.services.classes.enrolment import enrol, request_leave
    from tests.class_factories import make_class
    from tests.learning_factories import person

    training_class, session = make_class("权限矩阵面授")
    employee = person("employee")
    mine = enrol(employee, session, employee, utcnow())
    request_leave(employee, mine, "家中有事", utcnow())
    db.session.commit()
    return {"class_id": training_class.id, "class_slug": training_class.slug,
            "session_id": session.id, "enrolment_id": mine.id, "action": "in",
            "token": "0" * 20}


# The pages where evidence photos are taken (the run page, and the POSTs that show it again):
# the camera is allowed there for this site, and nowhere else.
CAMERA_PAGES = {("/practice/runs/<int:run_id>", "GET"),
                ("/practice/runs/<int:run_id>/steps/<step_key>", "POST"),
                ("/practice/runs/<int:run_id>/save", "POST"),
                ("/practice/runs/<int:run_id>/submit", "POST")}


def _assert_security_headers(response, rule_method: tuple[str, str], where: str) -> None:
    """The headers every answer carries, whatever its status (app/web/security_headers.py)."""
    headers = response.headers
    csp = {part.strip().split(" ", 1)[0]: part.strip()
           for part in headers.get("Content-Security-Policy", "").split(";")}
    assert csp.get("frame-ancestors") == "frame-ancestors 'none'", where
    if response.mimetype != "application/pdf":  # PDFs: the browser's viewer needs more
        assert csp.get("script-src") == "script-src 'self'", where
        assert csp.get("object-src") == "object-src 'none'", where
        assert "unsafe" not in headers["Content-Security-Policy"], where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    features = headers.get("Permissions-Policy", "")
    assert "geolocation=()" in features and "microphone=()" in features, where
    camera = "camera=(self)" if rule_method in CAMERA_PAGES else "camera=()"
    assert camera in features, where
    assert "Strict-Transport-Security" not in headers, where  # SESSION_COOKIE_SECURE is off


def _outcome(response) -> object:
    if response.status_code == 403:
        return DENY
    if response.status_code in (301, 302, 303) and "/auth/login" in response.location:
        return LOGIN
    if response.status_code < 400:
        return OK
    return response.status_code


# (every row, _object_ids(), each role's sign-in cookies) of this worker
_matrix_data: tuple[dict, dict, dict] | None = None


def _signed_in_cookies(app) -> dict[str, list[tuple[str, str, str, str]]]:
    """Each role signs in once; the cookies of its signed-in device, to be set on the next
    tests' clients (its device sign-in row is part of the rows they get back)."""
    cookies = {}
    for role in ROLES[1:]:
        client = app.test_client()
        login = client.post("/auth/login", data={"login": role, "password": "demo1234"})
        assert login.status_code == 302, f"{role} could not sign in"
        cookies[role] = [(c.key, c.value, c.domain, c.path) for c in client._cookies.values()]
    return cookies


@pytest.fixture
def matrix_ids(app, request) -> tuple[dict[str, object], dict]:
    """The demo organisation and the objects of `_object_ids`, committed, with every role
    signed in: their ids and each role's cookies.

    The first test builds them; every later one gets the very same rows back in a few bulk
    INSERTs (the tables are emptied after each test, so each rule starts from the same data
    whatever the admin's POSTs of the rule before changed)."""
    global _matrix_data
    if _matrix_data is None:
        request.getfixturevalue("demo")
        ids = _object_ids()
        cookies = _signed_in_cookies(app)
        _matrix_data = (snapshot_rows(), ids, cookies)
        return ids, cookies
    rows, ids, cookies = _matrix_data
    restore_rows(rows)
    return ids, cookies


@pytest.mark.parametrize("rule,method", sorted(EXPECTATIONS))
def test_permission_matrix(app, matrix_ids, rule, method):
    ids, cookies = matrix_ids
    url = rule
    for name, value in ids.items():
        for converter in ("int:", "path:", ""):
            url = url.replace(f"<{converter}{name}>", str(value))
    outcomes = {}
    for role in ROLES:  # admin last: its POSTs may change data
        client = app.test_client()
        for key, value, domain, path in cookies.get(role, ()):
            client.set_cookie(key, value, domain=domain, path=path)
        response = client.open(url, method=method, data={})
        outcomes[role] = _outcome(response)
        _assert_security_headers(response, (rule, method), f"{role} {method} {url}")
        response.close()
    expected = dict(zip(ROLES, EXPECTATIONS[(rule, method)], strict=True))
    assert outcomes == expected, f"{method} {url}"


def test_supervisor_cannot_open_someone_outside_their_departments(client, auth, demo):
    outsider = db.session.scalar(select(User.id).where(User.login == "10012"))  # 美容皮肤科
    insider = db.session.scalar(select(User.id).where(User.login == "10009"))  # 整形外科/病房护理组
    auth.as_role("supervisor")
    assert client.get(f"/team/members/{insider}").status_code == 200
    assert client.get(f"/team/members/{outsider}").status_code == 404
    team_page = client.get("/team/").text
    assert "郑可" in team_page and "马丽" not in team_page


def test_admin_sees_everyone_in_team_view(client, auth, demo):
    outsider = db.session.scalar(select(User.id).where(User.login == "10012"))
    auth.as_role("admin")
    assert client.get(f"/team/members/{outsider}").status_code == 200


def test_supervisor_never_sees_another_departments_people_on_the_dashboard(client, auth, demo):
    """The dashboard, every one of its downloads (even filtered by the outsider's own
    department) and the records: 马丽 (10012, 美容皮肤科) never appears; her record is a 404."""
    from app.models import Department
    from tests.report_factories import team_fixture

    team_fixture()  # 10012 owes an exam, took it, had a run reviewed, entered figures
    outsider = db.session.scalar(select(User.id).where(User.login == "10012"))
    theirs = db.session.scalar(select(Department.id).where(Department.name == "美容皮肤科"))
    auth.as_role("supervisor")
    pages = [client.get(f"/team/dashboard?department={theirs}")]
    pages += [client.get(f"/team/dashboard/export?table={table}&format={fmt}&department={theirs}")
              for table in ("matrix", "quizzes", "questions", "reviews", "results")
              for fmt in ("csv", "xlsx")]
    for response in pages:
        assert response.status_code == 200
        text = _download_text(response)
        assert "马丽" not in text and "10012" not in text
    for url in (f"/team/members/{outsider}/record",
                f"/team/members/{outsider}/record/export?table=courses&format=csv"):
        assert client.get(url).status_code == 404


def _download_text(response) -> str:
    """A page's or a download's text (an .xlsx is read with openpyxl: its bytes are zipped)."""
    import io

    from openpyxl import load_workbook

    if response.mimetype.endswith("spreadsheetml.sheet"):
        workbook = load_workbook(io.BytesIO(response.data), read_only=True)
        text = "\n".join(str(value) for row in workbook.active.iter_rows(values_only=True)
                         for value in row)
        workbook.close()
        return text
    return response.data.decode("utf-8-sig")


def test_supervisor_never_sees_another_departments_people_in_points_or_certificates(
        app, demo):
    """马丽 (10012, 美容皮肤科, the same clinic) leads the clinic board and has a certificate:
    no points page, board or certificate page of the demo supervisor names her, and no
    department or hospital id in the URL opens her department; her certificate is a 404."""
    from app.models import Certificate, Department, Hospital
    from app.models.base import utcnow
    from app.services.certificates import new_code
    from tests.learning_factories import make_course, make_sop, person
    from tests.points_factories import run

    sop = make_sop("matrix-points-sop")
    for _n in range(3):
        run("10012", sop)
    run("10007", sop)  # 整形外科: led by the supervisor
    course = make_course("matrix-points-course")  # certificates reference a real course
    certificate = Certificate(user_id=person("10012").id, kind="course", item_id=course.id,
                              title="马丽的证书", code=new_code(), issued_at=utcnow())
    db.session.add(certificate)
    db.session.commit()
    theirs = db.session.scalar(select(Department.id).where(Department.name == "美容皮肤科"))
    hospitals = list(db.session.scalars(select(Hospital.id)))
    client = app.test_client()
    client.post("/auth/login", data={"login": "supervisor", "password": "demo1234"})
    shown = ["/points/", "/certificates/"] + [
        f"/points/leaderboard?scope={scope}&period={period}"
        for scope in ("department", "hospital") for period in ("month", "all")]
    for url in shown:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "马丽" not in response.text and "美容皮肤科" not in response.text, url
    refused = [f"/points/leaderboard?department_id={theirs}",
               f"/points/leaderboard?scope=hospital&department_id={theirs}&hospital_id="
               f"{hospitals[-1]}",
               f"/certificates/{certificate.id}", f"/certificates/{certificate.id}.pdf"]
    for url in refused:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "马丽" not in response.text


# surveys
def _survey_ids() -> dict[str, object]:
    """A published survey (one required question) evaluating a course."""
    from app.services.surveys import attachments
    from tests.learning_factories import make_course
    from tests.survey_factories import make_survey

    survey = make_survey([("rating", "总体评分", [], True)], title="权限矩阵问卷")
    row = attachments.attach(survey, "course", make_course("matrix-survey-course").id)
    db.session.commit()
    return {"survey_slug": survey.slug, "survey_id": survey.id,
            "question_id": survey.questions[0].id, "attachment_id": row.id}
