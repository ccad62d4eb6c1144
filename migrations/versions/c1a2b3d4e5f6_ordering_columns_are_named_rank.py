"""ordering columns are named rank (position means 岗位 only)

Revision ID: c1a2b3d4e5f6
Revises: b5ddf68bc488
Create Date: 2026-12-06 11:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c1a2b3d4e5f6'
down_revision = 'b5ddf68bc488'
branch_labels = None
depends_on = None

TABLES = ('path_stages', 'path_stage_items', 'course_chapters', 'course_lessons',
          'course_version_lessons', 'sop_steps', 'sop_version_steps', 'run_steps',
          'quiz_items', 'quiz_draw_rules')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('position', new_column_name='rank')
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.alter_column('current_position', new_column_name='current_rank')
    with op.batch_alter_table('attempt_questions', schema=None) as batch_op:
        batch_op.drop_constraint('uq_attempt_questions_attempt_id_position', type_='unique')
        batch_op.alter_column('position', new_column_name='rank')
    with op.batch_alter_table('attempt_questions', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_attempt_questions_attempt_id_rank',
                                          ['attempt_id', 'rank'])


def downgrade():
    with op.batch_alter_table('attempt_questions', schema=None) as batch_op:
        batch_op.drop_constraint('uq_attempt_questions_attempt_id_rank', type_='unique')
        batch_op.alter_column('rank', new_column_name='position')
    with op.batch_alter_table('attempt_questions', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_attempt_questions_attempt_id_position',
                                          ['attempt_id', 'position'])
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.alter_column('current_rank', new_column_name='current_position')
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('rank', new_column_name='position')
