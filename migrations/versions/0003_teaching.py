"""teaching: teachers' comments and corrected marks on answers, regrades, mark history

Revision ID: 0003_teaching
Revises: 0002
Create Date: 2026-11-30 09:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_teaching'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('corrected', sa.Boolean(), server_default='0', nullable=False))

    op.create_table('regrades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('old_version_id', sa.Integer(), nullable=False),
    sa.Column('new_version_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=12), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('attempts_changed', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_regrades_decided_by_id_users')),
    sa.ForeignKeyConstraint(['new_version_id'], ['question_versions.id'], name=op.f('fk_regrades_new_version_id_question_versions')),
    sa.ForeignKeyConstraint(['old_version_id'], ['question_versions.id'], name=op.f('fk_regrades_old_version_id_question_versions')),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_regrades_quiz_id_quizzes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regrades'))
    )
    with op.batch_alter_table('regrades', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regrades_quiz_id'), ['quiz_id'], unique=False)

    op.create_table('mark_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('old_mark', sa.Double(), nullable=True),
    sa.Column('new_mark', sa.Double(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('regrade_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_mark_changes_answer_id_answers')),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_mark_changes_attempt_id_attempts')),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_mark_changes_changed_by_id_users')),
    sa.ForeignKeyConstraint(['regrade_id'], ['regrades.id'], name=op.f('fk_mark_changes_regrade_id_regrades')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mark_changes'))
    )
    with op.batch_alter_table('mark_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mark_changes_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mark_changes_attempt_id'), ['attempt_id'], unique=False)


def downgrade():
    with op.batch_alter_table('mark_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mark_changes_attempt_id'))
        batch_op.drop_index(batch_op.f('ix_mark_changes_answer_id'))
    op.drop_table('mark_changes')
    with op.batch_alter_table('regrades', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regrades_quiz_id'))
    op.drop_table('regrades')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('corrected')
        batch_op.drop_column('comment')
