"""Trainer analytics (issue 7): per course started / completed / drop-off by lesson, per quiz
score distribution and item analysis, per SOP module runs, sign-off rate, rubric scores and
the steps most often returned. SQL aggregates with a constant number of statements per page;
definitions in docs/analytics.md.

    filters      date range (China dates) and department of the people concerned
    takers       a quiz's first finished exam attempt per person, upper / lower 27 % groups
    taker_rows   those first attempts as a maintained table (quiz_takers), exact, rebuildable
    quiz_stats   score distribution, facility, discrimination, flags
    quiz_options option distribution of choice questions (counted in SQL)
    quizzes      a quiz's analysis and the per-quiz headlines
    courses      course summaries and the lesson funnel
    sops         SOP module summaries, rubric means, returned steps
    pages        what each page shows
    quiz_exports, content_exports   the downloadable tables (app.services.exports)
"""
