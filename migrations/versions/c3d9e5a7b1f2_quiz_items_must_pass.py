"""must-pass questions (必过题): quiz_items.must_pass (set by the trainer or a quiz file) and
attempt_questions.must_pass (copied when an attempt starts, so a later change never rewrites a
past result); both false for every existing row

Revision ID: c3d9e5a7b1f2
Revises: cb91efbf473c
Create Date: 2026-12-06 19:45:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3d9e5a7b1f2'
down_revision = 'cb91efbf473c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_pass', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('attempt_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_pass', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('attempt_questions', schema=None) as batch_op:
        batch_op.drop_column('must_pass')
    with op.batch_alter_table('quiz_items', schema=None) as batch_op:
        batch_op.drop_column('must_pass')
