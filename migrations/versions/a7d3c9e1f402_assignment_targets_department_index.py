"""assignment_targets.department_id indexed: a team's people meet their department targets
through it (app.services.assign.members.assignee_pairs: person → their department's
ancestors → the targets of those departments). Without it SQLite paired every target with
every person of the team (1.5–2 s for a supervisor of 200 at 10,000 staff).

Revision ID: a7d3c9e1f402
Revises: 91c447b9529f
Create Date: 2026-12-07 02:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7d3c9e1f402'
down_revision = '91c447b9529f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assignment_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_targets_department_id'),
                              ['department_id'], unique=False)


def downgrade():
    with op.batch_alter_table('assignment_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_targets_department_id'))
