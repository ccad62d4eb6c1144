"""ix_attempt_questions_waiting: the answers waiting for a grader, by attempt — a partial index
on attempt_questions (attempt_id) WHERE needs_review IS true (SQLite: IS 1, as each database's
queries write it); on PostgreSQL ix_quiz_attempts_grading_user gains INCLUDE (id). The 阅卷
badge of a trainer or admin, on every page they open, counts the organisation's waiting
answers: at 10,000 staff SQLite read every question of every attempt in 待批改 (130 ms) and
PostgreSQL fetched each waiting answer and attempt from the tables (110 ms); now both count
from the two indexes alone (0–7 ms).

Revision ID: 5b8e2f0c4d17
Revises: a7d3c9e1f402
Create Date: 2026-12-07 07:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5b8e2f0c4d17'
down_revision = 'a7d3c9e1f402'
branch_labels = None
depends_on = None

SQLITE = sa.text("needs_review IS 1")
POSTGRESQL = sa.text("needs_review IS true")
GRADING = sa.text("state = 'grading'")


def upgrade():
    with op.batch_alter_table('attempt_questions', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_questions_waiting', ['attempt_id'], unique=False,
                              postgresql_where=POSTGRESQL, sqlite_where=SQLITE)
    if op.get_bind().dialect.name == "postgresql":
        _grading_user(include=["id"])


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _grading_user(include=[])
    with op.batch_alter_table('attempt_questions', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_questions_waiting', postgresql_where=POSTGRESQL,
                            sqlite_where=SQLITE)


def _grading_user(include):
    op.drop_index('ix_quiz_attempts_grading_user', table_name='quiz_attempts')
    op.create_index('ix_quiz_attempts_grading_user', 'quiz_attempts', ['user_id'],
                    unique=False, postgresql_where=GRADING, postgresql_include=include)
