"""answers and answer_picks: no foreign keys on the columns copied from their slot and answer

Revision ID: 0014_copied_keys
Revises: 0013_lti_outbox
Create Date: 2026-12-03 10:30:00

An answer's attempt_id and question_version_id repeat its slot's, and a pick's repeat its
answer's, so that the reports read marks and picks from covering indexes. Each had a foreign
key of its own, which PostgreSQL checks with a row-locking query for every row a submit
writes (four checks for each answer and its picks, two of them on the rows of a quiz's question
versions, which every student's submit locks); the references that stay (answers.slot_id to
the slot, answer_picks.answer_id to the answer, attempt_slots' own keys) already keep every
row's attempt and version in existence. Nothing else changes: no row, no column, no index.

On SQLite a constraint is dropped by rebuilding the table (Alembic's batch mode), with foreign
keys off for the migration (migrations/env.py).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_copied_keys'
down_revision = '0013_lti_outbox'
branch_labels = None
depends_on = None

COPIED = (
    ('answers', 'attempt_id', 'attempts'),
    ('answers', 'question_version_id', 'question_versions'),
    ('answer_picks', 'attempt_id', 'attempts'),
    ('answer_picks', 'question_version_id', 'question_versions'),
)


def _name(table, column, referred):
    return op.f(f'fk_{table}_{column}_{referred}')


def upgrade():
    for table in ('answers', 'answer_picks'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for owner, column, referred in COPIED:
                if owner == table:
                    batch_op.drop_constraint(_name(table, column, referred), type_='foreignkey')


def downgrade():
    for table in ('answers', 'answer_picks'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for owner, column, referred in COPIED:
                if owner == table:
                    batch_op.create_foreign_key(
                        _name(table, column, referred), referred, [column], ['id']
                    )
