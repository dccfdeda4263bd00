"""attempt slots can be flagged for review

Revision ID: 0006_attempt_ux
Revises: 0005_people
Create Date: 2026-11-30 09:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_attempt_ux"
down_revision = "0005_people"
branch_labels = None
depends_on = None


def upgrade():
    # server_default: the slots of attempts made before are not flagged.
    with op.batch_alter_table("attempt_slots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flagged", sa.Boolean(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("attempt_slots", schema=None) as batch_op:
        batch_op.drop_column("flagged")
