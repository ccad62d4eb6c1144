"""item references the database enforces: CHECK constraints on assignments, path stage items,
quizzes and certificates; certificates get one foreign key per kind instead of a bare item_id

Before adding a constraint the upgrade looks for rows that would violate it and stops with a
list naming each (table, id, problem) instead of failing on the first one blind.

Revision ID: d4e5f6a7b8c9
Revises: c1a2b3d4e5f6
Create Date: 2026-12-06 11:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd4e5f6a7b8c9'
down_revision = 'c1a2b3d4e5f6'
branch_labels = None
depends_on = None

# A frozen copy of app.models.items at this revision (migrations never import the app).
COLUMNS = {'course': 'course_id', 'quiz': 'quiz_id', 'sop': 'sop_module_id', 'path': 'path_id'}
TABLES = {  # table → (allowed kinds, kind column or None)
    'assignments': (('course', 'quiz', 'sop', 'path'), 'kind'),
    'path_stage_items': (('course', 'quiz', 'sop'), 'kind'),
    'certificates': (('course', 'path'), 'kind'),
    'quizzes': (('course', 'sop'), None),
}


def checks(kinds, kind_column):
    columns = {kind: COLUMNS[kind] for kind in kinds}
    if kind_column is None:
        count = ' + '.join(f'(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)' for c in columns.values())
        return [('item_one', f'{count} <= 1')]
    listed = ', '.join(f"'{kind}'" for kind in kinds)
    found = [('item_kind', f'{kind_column} IN ({listed})')]
    for kind, column in columns.items():
        others = ' AND '.join(f'{c} IS NULL' for k, c in columns.items() if k != kind)
        exactly = f'{column} IS NOT NULL' + (f' AND {others}' if others else '')
        found.append((f'item_{kind}', f"{kind_column} <> '{kind}' OR ({exactly})"))
    return found


def _violations(table, kinds, kind_column):
    """(table, id, problem) of every row that breaks one of the table's checks."""
    bind = op.get_bind()
    found = []
    for name, condition in checks(kinds, kind_column):
        rows = bind.execute(sa.text(
            f'SELECT id FROM {table} WHERE NOT ({condition}) ORDER BY id')).scalars()
        found += [(table, row_id, name) for row_id in rows]
    return found


def _certificate_violations():
    """Certificates whose kind is unknown or whose item no longer exists."""
    bind = op.get_bind()
    query = ("SELECT id, kind FROM certificates WHERE kind NOT IN ('course', 'path') "
             "OR (kind = 'course' AND item_id NOT IN (SELECT id FROM courses)) "
             "OR (kind = 'path' AND item_id NOT IN (SELECT id FROM learning_paths)) ORDER BY id")
    return [('certificates', row_id, f'no {kind} with its item_id')
            for row_id, kind in bind.execute(sa.text(query))]


def _refuse_bad_rows():
    bad = _certificate_violations()
    for table, (kinds, kind_column) in TABLES.items():
        if table != 'certificates':
            bad += _violations(table, kinds, kind_column)
    if bad:
        lines = '\n'.join(f'  {table} id={row_id}: breaks {problem}'
                          for table, row_id, problem in bad[:50])
        more = f'\n  … and {len(bad) - 50} more' if len(bad) > 50 else ''
        raise RuntimeError('These rows reference learning items in a way the new constraints '
                           f'refuse; fix or delete them, then upgrade again:\n{lines}{more}')


def upgrade():
    _refuse_bad_rows()
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('course_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('path_id', sa.Integer(), nullable=True))
    op.execute("UPDATE certificates SET course_id = item_id WHERE kind = 'course'")
    op.execute("UPDATE certificates SET path_id = item_id WHERE kind = 'path'")
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint('uq_certificates_user_id_kind_item_id', type_='unique')
        batch_op.drop_column('item_id')
        batch_op.create_foreign_key(batch_op.f('fk_certificates_course_id_courses'),
                                    'courses', ['course_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_certificates_path_id_learning_paths'),
                                    'learning_paths', ['path_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_certificates_user_id_course_id'),
                                          ['user_id', 'course_id'])
        batch_op.create_unique_constraint(batch_op.f('uq_certificates_user_id_path_id'),
                                          ['user_id', 'path_id'])
    for table, (kinds, kind_column) in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks(kinds, kind_column):
                batch_op.create_check_constraint(batch_op.f(f'ck_{table}_{name}'), condition)


def downgrade():
    for table, (kinds, kind_column) in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _condition in checks(kinds, kind_column):
                batch_op.drop_constraint(batch_op.f(f'ck_{table}_{name}'), type_='check')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('item_id', sa.Integer(), nullable=True))
    op.execute('UPDATE certificates SET item_id = COALESCE(course_id, path_id)')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.alter_column('item_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_certificates_user_id_path_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_certificates_user_id_course_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_certificates_path_id_learning_paths'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_certificates_course_id_courses'),
                                 type_='foreignkey')
        batch_op.drop_column('path_id')
        batch_op.drop_column('course_id')
        batch_op.create_unique_constraint(batch_op.f('uq_certificates_user_id_kind_item_id'),
                                          ['user_id', 'kind', 'item_id'])
