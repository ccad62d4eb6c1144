"""one open attempt per person and quiz, one open wrong-question round per person and one
open practice run per person, SOP module and case code: partial unique indexes, so two
开始 / 开始实操 at once land on the same row

Before adding the indexes the upgrade resolves the duplicates earlier races left behind:
- open practice runs of the same case: the one worked on last (a returned run first) keeps
  the case code, the others get " #<id>" appended to theirs, so their owner sees both and
  can delete the extra draft;
- open attempts (or wrong-question rounds) of the same quiz: the extras nobody answered are
  deleted (the newest is kept when none was answered); if answered duplicates remain, the
  upgrade stops with a list naming them.

Revision ID: f1e2d3c4b5a6
Revises: d4e5f6a7b8c9
Create Date: 2026-12-06 13:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f1e2d3c4b5a6'
down_revision = 'd4e5f6a7b8c9'
branch_labels = None
depends_on = None

OPEN_ATTEMPT = "state = 'in_progress'"
OPEN_ROUND = "state = 'in_progress' AND quiz_id IS NULL"
OPEN_RUN = "status IN ('draft', 'returned')"
INDEXES = (  # name, table, columns, condition
    ('uq_quiz_attempts_open', 'quiz_attempts', ['user_id', 'quiz_id'], OPEN_ATTEMPT),
    ('uq_quiz_attempts_open_round', 'quiz_attempts', ['user_id'], OPEN_ROUND),
    ('uq_practice_runs_open_case', 'practice_runs', ['user_id', 'module_id', 'case_code'],
     OPEN_RUN),
)
CASE_CODE_LENGTH = 40


def _rename_duplicate_runs(bind):
    rows = bind.execute(sa.text(
        f"SELECT id, user_id, module_id, case_code FROM practice_runs WHERE {OPEN_RUN} "
        "ORDER BY user_id, module_id, case_code, "
        "CASE WHEN status = 'returned' THEN 0 ELSE 1 END, updated_at DESC, id DESC")).all()
    seen = set()
    for run_id, user_id, module_id, code in rows:
        key = (user_id, module_id, code)
        if key not in seen:
            seen.add(key)
            continue
        suffix = f' #{run_id}'
        bind.execute(sa.text('UPDATE practice_runs SET case_code = :code WHERE id = :id'),
                     {'code': code[:CASE_CODE_LENGTH - len(suffix)] + suffix, 'id': run_id})
        print(f'practice_runs id={run_id}: a second open run of case {code!r}, '
              f'renamed to {code[:CASE_CODE_LENGTH - len(suffix)] + suffix!r}')


def _resolve_duplicate_attempts(bind):
    rows = bind.execute(sa.text(
        "SELECT a.id, a.user_id, a.quiz_id, (SELECT count(*) FROM attempt_questions q "
        "WHERE q.attempt_id = a.id AND q.response IS NOT NULL) AS answered "
        f"FROM quiz_attempts a WHERE a.{OPEN_ATTEMPT} "
        "ORDER BY a.user_id, a.quiz_id, a.started_at DESC, a.id DESC")).all()
    groups = {}
    for attempt_id, user_id, quiz_id, answered in rows:
        groups.setdefault((user_id, quiz_id), []).append((attempt_id, answered))
    left = []
    for attempts in groups.values():
        if len(attempts) < 2:
            continue
        answered = [a for a, count in attempts if count]
        keep = answered or [attempts[0][0]]
        for attempt_id, _count in attempts:
            if attempt_id not in keep:
                bind.execute(sa.text('DELETE FROM attempt_questions WHERE attempt_id = :id'),
                             {'id': attempt_id})
                bind.execute(sa.text('DELETE FROM quiz_attempts WHERE id = :id'),
                             {'id': attempt_id})
                print(f'quiz_attempts id={attempt_id}: an unanswered second open attempt, '
                      'deleted')
        if len(keep) > 1:
            left += keep
    if left:
        listed = '\n'.join(f'  quiz_attempts id={attempt_id}' for attempt_id in left[:50])
        raise RuntimeError('These open attempts of the same person and quiz both hold answers; '
                           'submit or delete all but one, then upgrade again:\n' + listed)


def upgrade():
    bind = op.get_bind()
    _rename_duplicate_runs(bind)
    _resolve_duplicate_attempts(bind)
    for name, table, columns, condition in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=True,
                                  postgresql_where=sa.text(condition),
                                  sqlite_where=sa.text(condition))


def downgrade():
    for name, table, _columns, _condition in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
