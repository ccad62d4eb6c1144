"""hire dates, grace days, what a metric measures: users.hire_date (入职日期, backfilled from
created_at), assignments.grace_days (新入职宽限天数, 7), metrics.kind (count/amount/rating/rate:
counts and amounts add up, ratings and rates average) and metrics.decimals, both set from the
unit for existing metrics (分 → rating, % → rate, 元 → amount, anything else → count)

Revision ID: f1a2b3c4d5e6
Revises: f1e2d3c4b5a6
Create Date: 2026-12-06 14:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f1a2b3c4d5e6'
down_revision = 'f1e2d3c4b5a6'
branch_labels = None
depends_on = None

# A frozen copy of app.services.results.measures.default_for_unit at this revision.
KIND_BY_UNIT = (
    ('rating', 1, ('分', '星', 'points', 'score')),
    ('rate', 1, ('%', '％', '百分比', '率')),
    ('amount', 2, ('元', '万元', '千元', '¥', '￥', 'rmb', 'yuan', 'cny')),
)


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hire_date', sa.Date(), nullable=True))
    op.execute("UPDATE users SET hire_date = CAST(created_at AS DATE)"
               if op.get_bind().dialect.name == 'postgresql'
               else "UPDATE users SET hire_date = substr(created_at, 1, 10)")
    op.execute("UPDATE users SET hire_date = CURRENT_DATE WHERE hire_date IS NULL")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('hire_date', existing_type=sa.Date(), nullable=False)

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grace_days', sa.Integer(), nullable=False,
                                      server_default='7'))

    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), nullable=False,
                                      server_default='count'))
        batch_op.add_column(sa.Column('decimals', sa.Integer(), nullable=False,
                                      server_default='0'))
    metrics = sa.table('metrics', sa.column('id', sa.Integer), sa.column('unit', sa.String),
                       sa.column('kind', sa.String), sa.column('decimals', sa.Integer))
    bind = op.get_bind()
    for metric_id, unit in bind.execute(sa.select(metrics.c.id, metrics.c.unit)).all():
        kind, decimals = _default_for_unit(unit or '')
        bind.execute(metrics.update().where(metrics.c.id == metric_id)
                     .values(kind=kind, decimals=decimals))


def _default_for_unit(unit):
    text = unit.strip().lower()
    for kind, decimals, units in KIND_BY_UNIT:
        if text in units or (kind == 'rate' and text.endswith(('%', '％'))):
            return kind, decimals
    return 'count', 0


def downgrade():
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.drop_column('decimals')
        batch_op.drop_column('kind')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_column('grace_days')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('hire_date')
