"""volunteer year tallies per organisation down to the streets' level, deeper organisations counted in their street

No schema change: the year rows of organisations below the third level of the tree move to their ancestor on
that level (see stats.spans). Tallies are derived from the ledger: both directions empty them and reset the
ledger cursor, so the tally job recounts every entry with the layout of the code that runs it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 17:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    _recount_tallies()


def downgrade():
    _recount_tallies()


def _recount_tallies():
    op.execute("DELETE FROM volunteer_span_tallies")
    op.execute("DELETE FROM org_day_tallies")
    op.execute("DELETE FROM team_month_tallies")
    op.execute("DELETE FROM tally_cursors WHERE name = 'ledger'")
