"""ix_quiz_attempts_grading_user: each person's attempts waiting for grading (待批改), a partial
index on quiz_attempts (user_id) WHERE state = 'grading' — a team lead's 阅卷 count reads
their team's waiting attempts by it (services/quiz/grading_queue.waiting_count_query).

Revision ID: 91c447b9529f
Revises: 3fef7d9398d8
Create Date: 2026-12-07 02:12:41.938911

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '91c447b9529f'
down_revision = '3fef7d9398d8'
branch_labels = None
depends_on = None

WAITING = sa.text("state = 'grading'")


def upgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_attempts_grading_user', ['user_id'], unique=False,
                              postgresql_where=WAITING, sqlite_where=WAITING)


def downgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_attempts_grading_user', postgresql_where=WAITING,
                            sqlite_where=WAITING)
