"""branch_invitations: a Party branch's members join by accepting an invitation sent to their mobile number

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('branch_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_branch_invitations_invited_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_branch_invitations_org_id_orgs'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branch_invitations')),
    sa.UniqueConstraint('org_id', 'phone', name=op.f('uq_branch_invitations_org_id_phone'))
    )
    with op.batch_alter_table('branch_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_branch_invitations_phone'), ['phone'], unique=False)


def downgrade():
    with op.batch_alter_table('branch_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_branch_invitations_phone'))

    op.drop_table('branch_invitations')
