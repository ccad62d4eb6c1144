"""validity and certificate expiry: courses/learning_paths/sop_modules.validity_months and
recert_days; certificates.expires_at, reminded_days, reminded_on, lapsed_at,
renewal_assignment_id (issue 19)

Revision ID: e1f2a3b4c5d6
Revises: b6e6f779996d
Create Date: 2026-12-06 22:20:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e1f2a3b4c5d6'
down_revision = 'b6e6f779996d'
branch_labels = None
depends_on = None

ITEMS = ('courses', 'learning_paths', 'sop_modules')


def upgrade():
    for table in ITEMS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('validity_months', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('recert_days', sa.Integer(), nullable=True))
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reminded_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reminded_on', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('lapsed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('renewal_assignment_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_certificates_expires_at'), ['expires_at'],
                              unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_certificates_renewal_assignment_id_assignments'), 'assignments',
            ['renewal_assignment_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_certificates_renewal_assignment_id_assignments'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_certificates_expires_at'))
        for column in ('renewal_assignment_id', 'lapsed_at', 'reminded_on', 'reminded_days',
                       'expires_at'):
            batch_op.drop_column(column)
    for table in ITEMS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('recert_days')
            batch_op.drop_column('validity_months')
