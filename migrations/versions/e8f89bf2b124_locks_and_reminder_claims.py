"""locks and reminder claims: a `locks` table (one row per job that must not run twice at
once: roster import, content sync, question import into a bank; app/services/locks.py) and
reminder_deliveries.claimed_at (a run claims a message before sending it, so two runs at
once send it once; a claim left by a crashed run expires)

Revision ID: e8f89bf2b124
Revises: a1a18dfe92c5
Create Date: 2026-12-06 16:29:44.009972

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e8f89bf2b124'
down_revision = 'a1a18dfe92c5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('locks',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=False),
    sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_locks'))
    )
    with op.batch_alter_table('reminder_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('reminder_deliveries', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')

    op.drop_table('locks')
