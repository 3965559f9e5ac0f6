"""organizer_messages: an organizer's (or a team leader's) message to a shift, a task or a team;
notifications.acked_at: the reader's one-tap acknowledgement (收到)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'organizer_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sender_id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=10), nullable=False),
        sa.Column('scope_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('urgent', sa.Boolean(), nullable=False),
        sa.Column('include_waitlisted', sa.Boolean(), nullable=False),
        sa.Column('recipients', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['sender_id'], ['users.id'], name=op.f('fk_organizer_messages_sender_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_organizer_messages_task_id_tasks'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organizer_messages')),
    )
    op.create_index('ix_organizer_messages_scope', 'organizer_messages', ['scope', 'scope_id', 'created_at'],
                    unique=False)
    op.create_index('ix_organizer_messages_sender_id', 'organizer_messages', ['sender_id'], unique=False)
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acked_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('acked_at')
    op.drop_index('ix_organizer_messages_sender_id', table_name='organizer_messages')
    op.drop_index('ix_organizer_messages_scope', table_name='organizer_messages')
    op.drop_table('organizer_messages')
