"""quiz_takers: each person's first finished exam attempt per quiz, maintained when an
attempt is finished (app.services.analytics.taker_rows), filled here from the attempts;
`flask --app wsgi analytics rebuild` recomputes it.

Revision ID: cb94d39b4bb9
Revises: c3d9e5a7b1f2
Create Date: 2026-12-06 19:30:34.333111

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'cb94d39b4bb9'
down_revision = 'c3d9e5a7b1f2'
branch_labels = None
depends_on = None

FILL = """
INSERT INTO quiz_takers (quiz_id, user_id, attempt_id, number, percent, passed)
SELECT quiz_id, user_id, id, number, percent, passed FROM (
    SELECT quiz_id, user_id, id, number, percent, passed,
           row_number() OVER (PARTITION BY quiz_id, user_id ORDER BY number, id) AS nth
    FROM quiz_attempts
    WHERE mode = 'exam' AND state = 'finished' AND percent IS NOT NULL
      AND quiz_id IS NOT NULL) AS ranked
WHERE nth = 1
"""


def upgrade():
    op.create_table('quiz_takers',
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Double(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'], name=op.f('fk_quiz_takers_attempt_id_quiz_attempts')),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_quiz_takers_quiz_id_quizzes')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_takers_user_id_users')),
    sa.PrimaryKeyConstraint('quiz_id', 'user_id', name=op.f('pk_quiz_takers')),
    sa.UniqueConstraint('attempt_id', name=op.f('uq_quiz_takers_attempt_id'))
    )
    with op.batch_alter_table('quiz_takers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_takers_user_id'), ['user_id'], unique=False)
    op.execute(FILL)


def downgrade():
    with op.batch_alter_table('quiz_takers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_takers_user_id'))

    op.drop_table('quiz_takers')
