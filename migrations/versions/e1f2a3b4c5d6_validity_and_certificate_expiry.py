"""validity and certificate expiry: courses/learning_paths/sop_modules.validity_months and
recert_days; certificates.expires_at, reminded_days, reminded_on, lapsed_at,
renewal_assignment_id, and sop_module_id (SOP acknowledgement certificates: the item CHECK
constraints now allow course, path and sop) (issue 19)

Revision ID: e1f2a3b4c5d6
Revises: 9268f60d2bc6
Create Date: 2026-12-06 22:20:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e1f2a3b4c5d6'
down_revision = '9268f60d2bc6'
branch_labels = None
depends_on = None

ITEMS = ('courses', 'learning_paths', 'sop_modules')
# A frozen copy of app.models.items.item_checks for certificates at this revision.
COLUMNS = {'course': 'course_id', 'path': 'path_id', 'sop': 'sop_module_id'}


def checks(kinds):
    listed = ', '.join(f"'{kind}'" for kind in kinds)
    found = [('item_kind', f'kind IN ({listed})')]
    for kind in kinds:
        others = ' AND '.join(f'{COLUMNS[k]} IS NULL' for k in kinds if k != kind)
        found.append((f'item_{kind}', f"kind <> '{kind}' OR ({COLUMNS[kind]} IS NOT NULL AND "
                                      f"{others})"))
    return found


def _replace_checks(batch_op, old, new):
    for name, _condition in checks(old):
        batch_op.drop_constraint(batch_op.f(f'ck_certificates_{name}'), type_='check')
    for name, condition in checks(new):
        batch_op.create_check_constraint(batch_op.f(f'ck_certificates_{name}'), condition)


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
        batch_op.add_column(sa.Column('sop_module_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_certificates_sop_module_id_sop_modules'),
                                    'sop_modules', ['sop_module_id'], ['id'])
        batch_op.create_unique_constraint(
            batch_op.f('uq_certificates_user_id_sop_module_id'), ['user_id', 'sop_module_id'])
        _replace_checks(batch_op, ('course', 'path'), ('course', 'path', 'sop'))


def downgrade():
    op.execute("DELETE FROM certificates WHERE kind = 'sop'")
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        _replace_checks(batch_op, ('course', 'path', 'sop'), ('course', 'path'))
        batch_op.drop_constraint(batch_op.f('uq_certificates_user_id_sop_module_id'),
                                 type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_certificates_sop_module_id_sop_modules'),
                                 type_='foreignkey')
        batch_op.drop_column('sop_module_id')
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
