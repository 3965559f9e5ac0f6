"""org day tallies keyed by (org_id, day, task_type) with room for in-place updates; no foreign keys on tallies

The tally job upserts these rows by that key: the surrogate id was a second index written for every new row,
and the organisation foreign keys cost a lookup per new row while the ledger entries the sums come from hold
the same reference. The sums are kept: SQLite rebuilds the tables with their rows, PostgreSQL alters them in
place (the fill factor applies to pages written from now on, where the tally job's updates go).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 00:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('org_day_tallies', schema=None) as batch_op:
        batch_op.drop_constraint('fk_org_day_tallies_org_id_orgs', type_='foreignkey')
        batch_op.drop_constraint('uq_org_day_tallies_org_id_day_task_type', type_='unique')
        batch_op.drop_constraint('pk_org_day_tallies', type_='primary')
        batch_op.drop_column('id')
        batch_op.create_primary_key('pk_org_day_tallies', ['org_id', 'day', 'task_type'])
    with op.batch_alter_table('volunteer_span_tallies', schema=None) as batch_op:
        batch_op.drop_constraint('fk_volunteer_span_tallies_org_id_orgs', type_='foreignkey')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE org_day_tallies SET (fillfactor = 70)')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE org_day_tallies RESET (fillfactor)')
    with op.batch_alter_table('volunteer_span_tallies', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_volunteer_span_tallies_org_id_orgs', 'orgs', ['org_id'], ['id'],
                                    ondelete='CASCADE')
    # The table comes back as 0003 made it, empty, and the ledger cursor is reset: the tally job recounts.
    op.drop_table('org_day_tallies')
    op.create_table('org_day_tallies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('task_type', sa.String(length=32), nullable=False),
    sa.Column('minutes', sa.BigInteger(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_org_day_tallies_org_id_orgs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_day_tallies')),
    sa.UniqueConstraint('org_id', 'day', 'task_type', name=op.f('uq_org_day_tallies_org_id_day_task_type'))
    )
    op.execute("DELETE FROM tally_cursors WHERE name = 'ledger'")
