"""SOP quiz questions name their step (quiz_items.step_key); re-check attempts of an SOP
version's changed steps (quiz_attempts.recheck_version_id, one open re-check per person and
version; the one-open-wrong-question-round index leaves them out)

Revision ID: b3d9e2f4a1c7
Revises: a7c1a55e0019
Create Date: 2026-12-06 23:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b3d9e2f4a1c7'
down_revision = 'a7c1a55e0019'
branch_labels = None
depends_on = None

OLD_ROUND = "state = 'in_progress' AND quiz_id IS NULL"
NEW_ROUND = "state = 'in_progress' AND quiz_id IS NULL AND recheck_version_id IS NULL"
OPEN_RECHECK = "state = 'in_progress' AND recheck_version_id IS NOT NULL"


def _round_index(batch_op, condition):
    batch_op.create_index('uq_quiz_attempts_open_round', ['user_id'], unique=True,
                          postgresql_where=sa.text(condition), sqlite_where=sa.text(condition))


def upgrade():
    with op.batch_alter_table('quiz_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('step_key', sa.String(length=80), nullable=True))
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recheck_version_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_quiz_attempts_recheck_version_id'),
                              ['recheck_version_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_quiz_attempts_recheck_version_id_sop_versions'),
                                    'sop_versions', ['recheck_version_id'], ['id'])
        batch_op.drop_index('uq_quiz_attempts_open_round')
        _round_index(batch_op, NEW_ROUND)
        batch_op.create_index('uq_quiz_attempts_open_recheck', ['user_id', 'recheck_version_id'],
                              unique=True, postgresql_where=sa.text(OPEN_RECHECK),
                              sqlite_where=sa.text(OPEN_RECHECK))


def downgrade():
    op.execute("DELETE FROM attempt_questions WHERE attempt_id IN "
               "(SELECT id FROM quiz_attempts WHERE recheck_version_id IS NOT NULL)")
    op.execute("DELETE FROM quiz_attempts WHERE recheck_version_id IS NOT NULL")
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index('uq_quiz_attempts_open_recheck')
        batch_op.drop_index('uq_quiz_attempts_open_round')
        _round_index(batch_op, OLD_ROUND)
        batch_op.drop_constraint(batch_op.f('fk_quiz_attempts_recheck_version_id_sop_versions'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_recheck_version_id'))
        batch_op.drop_column('recheck_version_id')
    with op.batch_alter_table('quiz_items', schema=None) as batch_op:
        batch_op.drop_column('step_key')
