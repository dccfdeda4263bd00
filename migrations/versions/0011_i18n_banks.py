"""attempt slots remember the language their question was shown in

Revision ID: 0011_i18n_banks
Revises: 0010_api
Create Date: 2026-11-30 13:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_i18n_banks"
down_revision = "0010_api"
branch_labels = None
depends_on = None


def upgrade():
    # Nullable, no default: the slots of attempts made before were shown in the bank's
    # default language, which NULL means.
    with op.batch_alter_table("attempt_slots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("attempt_slots", schema=None) as batch_op:
        batch_op.drop_column("language")
