"""LTI 1.3: platforms, deployments, the tool's keys, launch values, linked accounts,
courses, resource links and the grades sent back

Revision ID: 0009_lti
Revises: 0008_drafts
Create Date: 2026-11-30 13:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_lti'
down_revision = '0008_drafts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lti_platforms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('client_id', sa.String(length=255), nullable=False),
    sa.Column('auth_login_url', sa.String(length=500), nullable=False),
    sa.Column('auth_token_url', sa.String(length=500), nullable=False),
    sa.Column('key_set_url', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_platforms')),
    sa.UniqueConstraint('issuer', 'client_id', name=op.f('uq_lti_platforms_issuer_client_id'))
    )
    op.create_table('lti_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kid', sa.String(length=64), nullable=False),
    sa.Column('private_pem', sa.Text(), nullable=False),
    sa.Column('public_pem', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_keys')),
    sa.UniqueConstraint('kid', name=op.f('uq_lti_keys_kid'))
    )
    op.create_table('lti_launch_values',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_lti_launch_values'))
    )
    with op.batch_alter_table('lti_launch_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_launch_values_expires_at'), ['expires_at'], unique=False)

    op.create_table('lti_deployments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('deployment_id', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], name=op.f('fk_lti_deployments_platform_id_lti_platforms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_deployments')),
    sa.UniqueConstraint('platform_id', 'deployment_id', name=op.f('uq_lti_deployments_platform_id_deployment_id'))
    )
    with op.batch_alter_table('lti_deployments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_deployments_platform_id'), ['platform_id'], unique=False)

    op.create_table('lti_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], name=op.f('fk_lti_accounts_platform_id_lti_platforms')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lti_accounts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_accounts')),
    sa.UniqueConstraint('platform_id', 'subject', name=op.f('uq_lti_accounts_platform_id_subject'))
    )
    with op.batch_alter_table('lti_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_accounts_user_id'), ['user_id'], unique=False)

    op.create_table('lti_contexts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.String(length=255), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('memberships_url', sa.String(length=500), nullable=True),
    sa.Column('synced_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['class_id'], ['classes.id'], name=op.f('fk_lti_contexts_class_id_classes')),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], name=op.f('fk_lti_contexts_platform_id_lti_platforms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_contexts')),
    sa.UniqueConstraint('class_id', name=op.f('uq_lti_contexts_class_id')),
    sa.UniqueConstraint('platform_id', 'context_id', name=op.f('uq_lti_contexts_platform_id_context_id'))
    )
    op.create_table('lti_resource_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('resource_link_id', sa.String(length=255), nullable=False),
    sa.Column('context_id', sa.Integer(), nullable=True),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('ags_endpoint', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['context_id'], ['lti_contexts.id'], name=op.f('fk_lti_resource_links_context_id_lti_contexts')),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], name=op.f('fk_lti_resource_links_platform_id_lti_platforms')),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_lti_resource_links_quiz_id_quizzes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_resource_links')),
    sa.UniqueConstraint('platform_id', 'resource_link_id', name=op.f('uq_lti_resource_links_platform_id_resource_link_id'))
    )
    with op.batch_alter_table('lti_resource_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_resource_links_quiz_id'), ['quiz_id'], unique=False)

    op.create_table('lti_grades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('sent_grade', sa.Double(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('pending', sa.Boolean(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['link_id'], ['lti_resource_links.id'], name=op.f('fk_lti_grades_link_id_lti_resource_links')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lti_grades_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_grades')),
    sa.UniqueConstraint('link_id', 'user_id', name=op.f('uq_lti_grades_link_id_user_id'))
    )
    with op.batch_alter_table('lti_grades', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_grades_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('lti_grades', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_grades_user_id'))
    op.drop_table('lti_grades')
    with op.batch_alter_table('lti_resource_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_resource_links_quiz_id'))
    op.drop_table('lti_resource_links')
    op.drop_table('lti_contexts')
    with op.batch_alter_table('lti_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_accounts_user_id'))
    op.drop_table('lti_accounts')
    with op.batch_alter_table('lti_deployments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_deployments_platform_id'))
    op.drop_table('lti_deployments')
    with op.batch_alter_table('lti_launch_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_launch_values_expires_at'))
    op.drop_table('lti_launch_values')
    op.drop_table('lti_keys')
    op.drop_table('lti_platforms')
