"""ix_quiz_takers_percent: a quiz's takers by percent, then attempt id (with passed), so the
quiz analytics count the takers per percent (the score summary and the 27 % cut) and find the
tied taker at the cut from the index alone, instead of ranking every taker of the quiz (at
10,000 staff the 全员考试 has 5,500; the window over them grew with the organisation).

Revision ID: 6c1d9e4a2b70
Revises: 5b8e2f0c4d17
Create Date: 2026-12-07 09:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '6c1d9e4a2b70'
down_revision = '5b8e2f0c4d17'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_takers', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_takers_percent',
                              ['quiz_id', 'percent', 'attempt_id', 'passed'], unique=False)


def downgrade():
    with op.batch_alter_table('quiz_takers', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_takers_percent')
