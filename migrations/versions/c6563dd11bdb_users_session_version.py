"""users.session_version: part of the sign-in id in every session and remember cookie; raised
on sign-out, a password change or reset and deactivation, which ends every session of the
account. Sessions issued before this revision carry the plain user id and are signed out.

Revision ID: c6563dd11bdb
Revises: f1a2b3c4d5e6
Create Date: 2026-12-06 16:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c6563dd11bdb'
down_revision = 'f1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False,
                                      server_default='1'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
