"""Reaching people outside the app: a delivery record per (notification, channel), push subscriptions,
verification codes, verified phone numbers and channel preferences; what the development senders would have sent

delivery_attempts (one row per try over a configured sender) gives way to deliveries (one row per notification
and channel, with its status, attempts and the provider's message id). Existing users keep working: their numbers
are unverified until they verify at their next login.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_verified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sms_enabled', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('push_enabled', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(
            sa.Column('urgent_in_quiet_hours', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('actor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cause', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notifications_actor_id_users'), 'users', ['actor_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_index('ix_notifications_actor_cause', ['actor_id', 'cause'], unique=False)
    op.drop_table('delivery_attempts')
    # Pending events of the job that wrote delivery_attempts (a log line per notification): nothing to deliver.
    op.execute("DELETE FROM outbox_events WHERE job = 'volunteer_hub.notifications.jobs.deliver_notification'")
    op.create_table(
        'deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notification_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('reason', sa.String(length=32), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('provider_id', sa.String(length=100), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('not_before', sa.DateTime(timezone=True), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'],
                                name=op.f('fk_deliveries_notification_id_notifications'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_deliveries_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
        sa.UniqueConstraint('notification_id', 'channel', name=op.f('uq_deliveries_notification_id_channel')),
    )
    op.create_index('ix_deliveries_due', 'deliveries', ['status', 'not_before'], unique=False)
    op.create_index('ix_deliveries_user_channel_created', 'deliveries', ['user_id', 'channel', 'created_at'],
                    unique=False)
    op.create_index('ix_deliveries_provider_id', 'deliveries', ['provider_id'], unique=False)
    op.create_table(
        'push_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('endpoint', sa.String(length=1000), nullable=False),
        sa.Column('p256dh', sa.String(length=200), nullable=False),
        sa.Column('auth', sa.String(length=64), nullable=False),
        sa.Column('user_agent', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_push_subscriptions_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscriptions')),
        sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscriptions_endpoint')),
    )
    op.create_index('ix_push_subscriptions_user_id', 'push_subscriptions', ['user_id'], unique=False)
    op.create_table(
        'verification_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=16), nullable=False),
        sa.Column('purpose', sa.String(length=16), nullable=False),
        sa.Column('code_hash', sa.String(length=128), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_codes')),
        sa.UniqueConstraint('phone', 'purpose', name=op.f('uq_verification_codes_phone_purpose')),
    )
    op.create_table(
        'dev_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('to', sa.String(length=1000), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dev_messages')),
    )


def downgrade():
    op.drop_table('dev_messages')
    op.drop_table('verification_codes')
    op.drop_index('ix_push_subscriptions_user_id', table_name='push_subscriptions')
    op.drop_table('push_subscriptions')
    op.drop_index('ix_deliveries_provider_id', table_name='deliveries')
    op.drop_index('ix_deliveries_user_channel_created', table_name='deliveries')
    op.drop_index('ix_deliveries_due', table_name='deliveries')
    op.drop_table('deliveries')
    op.create_table(
        'delivery_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notification_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'],
                                name=op.f('fk_delivery_attempts_notification_id_notifications'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_attempts')),
    )
    op.create_index('ix_delivery_attempts_notification_id', 'delivery_attempts', ['notification_id'], unique=False)
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_actor_cause')
        batch_op.drop_constraint('fk_notifications_actor_id_users', type_='foreignkey')
        batch_op.drop_column('cause')
        batch_op.drop_column('actor_id')
        batch_op.drop_column('urgent')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('urgent_in_quiet_hours')
        batch_op.drop_column('email')
        batch_op.drop_column('push_enabled')
        batch_op.drop_column('sms_enabled')
        batch_op.drop_column('phone_verified_at')
