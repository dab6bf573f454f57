"""Community: reports (never deleted), feedback and the weekly job's claims, newsletter
subscribers (issue 11). Stars keep using ``profile_stars``.

Revision ID: 0013_community
Revises: 0012_assistant
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.ddl import REFUSE_CHANGE_FUNCTION

revision = "0013_community"
down_revision = "0012_assistant"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('newsletter_subscribers',
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmation_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unsubscribed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('email', name=op.f('pk_newsletter_subscribers'))
    )
    op.create_table('feedback',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=True),
    sa.Column('code_digest', sa.String(length=64), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('message', sa.String(length=1000), nullable=True),
    sa.Column('page', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_feedback_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback')),
    sa.UniqueConstraint('code_digest', name=op.f('uq_feedback_code_digest'))
    )
    op.create_table('feedback_weekly',
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('week', sa.String(length=10), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_feedback_weekly_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'week', 'channel', name=op.f('pk_feedback_weekly'))
    )
    op.create_table('reports',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('reporter_id', sa.String(length=36), nullable=False),
    sa.Column('entity_type', sa.String(length=20), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('details', sa.String(length=500), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('resolution', sa.String(length=1000), nullable=True),
    sa.Column('moderator_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['moderator_id'], ['users.id'], name=op.f('fk_reports_moderator_id_users')),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_reports_reporter_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_reporter', ['reporter_id', 'created_at'], unique=False)
        batch_op.create_index('ix_reports_status', ['status', 'id'], unique=False)
        batch_op.create_index('uq_reports_open_per_reporter', ['reporter_id', 'entity_type', 'entity_id'], unique=True, postgresql_where=sa.text("status IN ('QUEUED', 'IN_REVIEW', 'ESCALATED')"), sqlite_where=sa.text("status IN ('QUEUED', 'IN_REVIEW', 'ESCALATED')"))
    if op.get_bind().dialect.name == "postgresql":
        # Reports are moderated (UPDATE) but never deleted.
        op.execute(REFUSE_CHANGE_FUNCTION)
        op.execute(
            "CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports "
            "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS reports_no_delete ON reports")
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('uq_reports_open_per_reporter', postgresql_where=sa.text("status IN ('QUEUED', 'IN_REVIEW', 'ESCALATED')"), sqlite_where=sa.text("status IN ('QUEUED', 'IN_REVIEW', 'ESCALATED')"))
        batch_op.drop_index('ix_reports_status')
        batch_op.drop_index('ix_reports_reporter')

    op.drop_table('reports')
    op.drop_table('feedback_weekly')
    op.drop_table('feedback')
    op.drop_table('newsletter_subscribers')
