"""volunteer span tallies per year and month only, with one index: their key, as the primary key carrying the sums

The tally job writes one of these rows per span and new ledger entry, and each further index (the id key, the
volunteer index of the users foreign key) was written on every update; quarters are dropped (see stats.spans). Tallies are derived from the ledger:
both directions recreate the table empty and reset the ledger cursor, so the tally job recounts every entry.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 23:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('volunteer_span_tallies')
    op.create_table('volunteer_span_tallies',
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('span', sa.String(length=7), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.BigInteger(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_volunteer_span_tallies_org_id_orgs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('org_id', 'span', 'first_day', 'volunteer_id', name='pk_volunteer_span_tallies',
                            postgresql_include=['minutes', 'entries']),
    postgresql_with={'fillfactor': 70, 'autovacuum_vacuum_scale_factor': 0.01},
    )
    _recount_tallies()


def downgrade():
    op.drop_table('volunteer_span_tallies')
    op.create_table('volunteer_span_tallies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('span', sa.String(length=7), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.BigInteger(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_volunteer_span_tallies_org_id_orgs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['users.id'], name=op.f('fk_volunteer_span_tallies_volunteer_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_span_tallies')),
    postgresql_with={'fillfactor': 70},
    )
    with op.batch_alter_table('volunteer_span_tallies', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_span_tallies_volunteer', ['volunteer_id'], unique=False)
        batch_op.create_index('uq_volunteer_span_tallies_key', ['org_id', 'span', 'first_day', 'volunteer_id'], unique=True,
                              postgresql_include=['minutes', 'entries'])
    _recount_tallies()


def _recount_tallies():
    op.execute("DELETE FROM org_day_tallies")
    op.execute("DELETE FROM team_month_tallies")
    op.execute("DELETE FROM tally_cursors WHERE name = 'ledger'")
