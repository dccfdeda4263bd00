"""language and time zone of each account (issue 16, the interface)

Revision ID: 0012_i18n
Revises: 0011_i18n_banks
Create Date: 2026-11-30 13:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_i18n'
down_revision = '0011_i18n_banks'
branch_labels = None
depends_on = None


def upgrade():
    # NULL for every existing account: the language then follows the browser, the time is UTC.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
        batch_op.drop_column('language')
