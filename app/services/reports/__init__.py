"""Learning records and the team dashboard (issue 7): SQL aggregates over what people owe and
did, in a constant number of statements per page whatever the team's size or history.

- `record`: one person's record (我的成绩 / 员工档案): headline rates, courses, quiz attempts,
  SOP acknowledgements, checklist runs, results over time, onboarding path progress.
- `filters`: the dashboard's filters and whom / which assignments they select, always inside
  the actor's scope (`app.services.scope`).
- `dashboard`: the matrix of people × assignments, rates, quizzes and weakest questions.
- `team_extra`: checklist review averages and private-domain results beside training.
- `export_rows`: the rows of every downloadable table (streamed where it can be large).

(The package is not called `records`: `app/services/records.py` already exists and holds
`insert_if_absent`; a package of the same name would shadow it.)
Definitions of every rate: docs/dashboard.md.
"""


def percent(part: float | None, whole: float | None) -> float | None:
    """`part` as a percentage of `whole`; None when there is no whole to measure against."""
    return 100.0 * (part or 0) / whole if whole else None
