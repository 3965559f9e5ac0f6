"""branch_invitations.kind: a role on an organisation is given, like a Party branch's membership, by accepting an
invitation sent to the mobile number (one table lists, expires and purges both)

Existing rows are invitations to Party branches. The unique key becomes (org_id, phone, kind): the same number
may be invited to a branch, as its organizer and as its reviewer.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('branch_invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default='branch_member'))
        batch_op.drop_constraint('uq_branch_invitations_org_id_phone', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_branch_invitations_org_id_phone_kind'),
                                          ['org_id', 'phone', 'kind'])
    # The default only filled the existing rows: the application names the kind of every new invitation.
    with op.batch_alter_table('branch_invitations', schema=None) as batch_op:
        batch_op.alter_column('kind', server_default=None)


def downgrade():
    op.execute("DELETE FROM branch_invitations WHERE kind <> 'branch_member'")
    with op.batch_alter_table('branch_invitations', schema=None) as batch_op:
        batch_op.drop_constraint('uq_branch_invitations_org_id_phone_kind', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_branch_invitations_org_id_phone'), ['org_id', 'phone'])
        batch_op.drop_column('kind')
