"""checked uploads: a bank file kept on the server between its check and the import

Revision ID: 0007_pages
Revises: 0006_attempt_ux
Create Date: 2026-11-30 09:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_pages'
down_revision = '0006_attempt_ux'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('checked_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_checked_uploads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checked_uploads')),
    sa.UniqueConstraint('user_id', 'sha256', name=op.f('uq_checked_uploads_user_id_sha256'))
    )
    with op.batch_alter_table('checked_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checked_uploads_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('checked_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checked_uploads_created_at'))
    op.drop_table('checked_uploads')
