"""surveys (问卷) as an item kind: surveys, questions, completions, anonymous responses and
answers, respondents of non-anonymous surveys, attachments (evaluation of a course or path);
assignments and path stage items may reference a survey

Revision ID: a7c3e9f1d2b4
Revises: 1c95e73b7b0c
Create Date: 2026-12-06 22:15:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c3e9f1d2b4'
down_revision = '1c95e73b7b0c'
branch_labels = None
depends_on = None

# A frozen copy of app.models.items at this revision (migrations never import the app).
COLUMNS = {'course': 'course_id', 'quiz': 'quiz_id', 'sop': 'sop_module_id', 'path': 'path_id',
           'survey': 'survey_id'}
BEFORE = {'assignments': ('course', 'quiz', 'sop', 'path'),
          'path_stage_items': ('course', 'quiz', 'sop')}
AFTER = {'assignments': ('course', 'quiz', 'sop', 'path', 'survey'),
         'path_stage_items': ('course', 'quiz', 'sop', 'survey')}
ATTACHMENT_KINDS = ('course', 'path')
NO_ROWID = {'sqlite_with_rowid': False}


def checks(kinds):
    columns = {kind: COLUMNS[kind] for kind in kinds}
    listed = ', '.join(f"'{kind}'" for kind in kinds)
    found = [('item_kind', f'kind IN ({listed})')]
    for kind, column in columns.items():
        others = ' AND '.join(f'{c} IS NULL' for k, c in columns.items() if k != kind)
        exactly = f'{column} IS NOT NULL' + (f' AND {others}' if others else '')
        found.append((f'item_{kind}', f"kind <> '{kind}' OR ({exactly})"))
    return found


def _survey_tables():
    op.create_table(
        'surveys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('anonymous', sa.Boolean(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('archived', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_surveys_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys')),
        sa.UniqueConstraint('slug', name=op.f('uq_surveys_slug')))
    op.create_table(
        'survey_questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('type', sa.String(length=10), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('required', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], ondelete='CASCADE',
                                name=op.f('fk_survey_questions_survey_id_surveys')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questions')))
    op.create_index(op.f('ix_survey_questions_survey_id'), 'survey_questions', ['survey_id'])
    op.create_table(
        'survey_completions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], ondelete='CASCADE',
                                name=op.f('fk_survey_completions_survey_id_surveys')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_survey_completions_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_completions')),
        sa.UniqueConstraint('survey_id', 'user_id',
                            name=op.f('uq_survey_completions_survey_id_user_id')))
    op.create_index(op.f('ix_survey_completions_user_id'), 'survey_completions', ['user_id'])


def _answer_tables():
    op.create_table(
        'survey_responses',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], ondelete='CASCADE',
                                name=op.f('fk_survey_responses_survey_id_surveys')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')), **NO_ROWID)
    op.create_index(op.f('ix_survey_responses_survey_id'), 'survey_responses', ['survey_id'])
    op.create_table(
        'survey_answers',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('response_id', sa.String(length=32), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=True),
        sa.Column('choices', sa.JSON(), nullable=True),
        sa.Column('text', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], ondelete='CASCADE',
                                name=op.f('fk_survey_answers_question_id_survey_questions')),
        sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], ondelete='CASCADE',
                                name=op.f('fk_survey_answers_response_id_survey_responses')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers')), **NO_ROWID)
    op.create_index(op.f('ix_survey_answers_question_id'), 'survey_answers', ['question_id'])
    op.create_index(op.f('ix_survey_answers_response_id'), 'survey_answers', ['response_id'])
    op.create_table(
        'survey_respondents',
        sa.Column('response_id', sa.String(length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], ondelete='CASCADE',
                                name=op.f('fk_survey_respondents_response_id_survey_responses')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_survey_respondents_user_id_users')),
        sa.PrimaryKeyConstraint('response_id', name=op.f('pk_survey_respondents')))
    op.create_index(op.f('ix_survey_respondents_user_id'), 'survey_respondents', ['user_id'])


def _attachments():
    op.create_table(
        'survey_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=True),
        sa.Column('path_id', sa.Integer(), nullable=True),
        *(sa.CheckConstraint(sql, name=op.f(f'ck_survey_attachments_{name}'))
          for name, sql in checks(ATTACHMENT_KINDS)),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ondelete='CASCADE',
                                name=op.f('fk_survey_attachments_course_id_courses')),
        sa.ForeignKeyConstraint(['path_id'], ['learning_paths.id'], ondelete='CASCADE',
                                name=op.f('fk_survey_attachments_path_id_learning_paths')),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], ondelete='CASCADE',
                                name=op.f('fk_survey_attachments_survey_id_surveys')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_attachments')))
    for column in ('survey_id', 'course_id', 'path_id'):
        op.create_index(op.f(f'ix_survey_attachments_{column}'), 'survey_attachments', [column])


def _reference_surveys():
    for table, kinds in AFTER.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _condition in checks(BEFORE[table]):
                batch_op.drop_constraint(batch_op.f(f'ck_{table}_{name}'), type_='check')
            batch_op.add_column(sa.Column('survey_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_survey_id_surveys'),
                                        'surveys', ['survey_id'], ['id'])
            if table == 'assignments':
                batch_op.create_index(batch_op.f('ix_assignments_survey_id'), ['survey_id'])
            for name, condition in checks(kinds):
                batch_op.create_check_constraint(batch_op.f(f'ck_{table}_{name}'), condition)


def upgrade():
    _survey_tables()
    _answer_tables()
    _attachments()
    _reference_surveys()


def downgrade():
    for table, kinds in AFTER.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _condition in checks(kinds):
                batch_op.drop_constraint(batch_op.f(f'ck_{table}_{name}'), type_='check')
            if table == 'assignments':
                batch_op.drop_index(batch_op.f('ix_assignments_survey_id'))
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_survey_id_surveys'),
                                     type_='foreignkey')
            batch_op.drop_column('survey_id')
            for name, condition in checks(BEFORE[table]):
                batch_op.create_check_constraint(batch_op.f(f'ck_{table}_{name}'), condition)
    for table in ('survey_attachments', 'survey_respondents', 'survey_answers',
                  'survey_responses', 'survey_completions', 'survey_questions', 'surveys'):
        op.drop_table(table)
