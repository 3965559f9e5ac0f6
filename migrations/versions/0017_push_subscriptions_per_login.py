"""push_subscriptions.auth_token_id: a browser's push subscription belongs to the login that made it and is deleted
with it (logout, password change or reset), so a shared phone stops showing the previous person's notifications

Existing subscriptions belong to no login (NULL) and stay until their browser re-subscribes or unsubscribes.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 16:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auth_token_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_push_subscriptions_auth_token_id'), ['auth_token_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_push_subscriptions_auth_token_id_auth_tokens'), 'auth_tokens',
                                    ['auth_token_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.drop_constraint('fk_push_subscriptions_auth_token_id_auth_tokens', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_push_subscriptions_auth_token_id'))
        batch_op.drop_column('auth_token_id')
