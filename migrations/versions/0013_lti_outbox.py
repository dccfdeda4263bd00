"""LTI grade outbox: grades waiting for the LMS (issue 15, what is left)

Revision ID: 0013_lti_outbox
Revises: 0012_i18n
Create Date: 2026-11-30 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_lti_outbox'
down_revision = '0012_i18n'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'lti_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('link_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Double(), nullable=True),
        sa.Column('graded_at', sa.DateTime(), nullable=False),
        sa.Column('tries', sa.Integer(), nullable=False),
        sa.Column('tried_at', sa.DateTime(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['link_id'], ['lti_resource_links.id'], name=op.f('fk_lti_outbox_link_id_lti_resource_links')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lti_outbox_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_outbox')),
        sa.UniqueConstraint('link_id', 'user_id', name=op.f('uq_lti_outbox_link_id_user_id')),
    )
    with op.batch_alter_table('lti_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_outbox_user_id'), ['user_id'], unique=False)
    # Grades 0012 kept as pending in lti_grades move to the outbox: their score is the quiz's
    # grade when sent (NULL), so none is lost; lti_grades keeps only what was sent.
    op.execute(
        "INSERT INTO lti_outbox (link_id, user_id, score, graded_at, tries, tried_at, error) "
        "SELECT link_id, user_id, NULL, CURRENT_TIMESTAMP, 1, NULL, error "
        "FROM lti_grades WHERE pending"
    )
    op.execute("UPDATE lti_grades SET pending = false, error = NULL WHERE pending")


def downgrade():
    op.execute(
        "UPDATE lti_grades SET pending = true, error = "
        "(SELECT lti_outbox.error FROM lti_outbox WHERE lti_outbox.link_id = lti_grades.link_id "
        "AND lti_outbox.user_id = lti_grades.user_id) "
        "WHERE EXISTS (SELECT 1 FROM lti_outbox WHERE lti_outbox.link_id = lti_grades.link_id "
        "AND lti_outbox.user_id = lti_grades.user_id)"
    )
    with op.batch_alter_table('lti_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_outbox_user_id'))
    op.drop_table('lti_outbox')
