"""The language of team job notices: a waitlist wish and a reminder opt-in keep the language
of the conversation that made them (release, waitlist and reminder notices are sent in it).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('team_waitlist') as batch:
        batch.add_column(sa.Column('lang', sa.String(length=2), server_default='nl', nullable=False))
    with op.batch_alter_table('team_reminders') as batch:
        batch.add_column(sa.Column('lang', sa.String(length=2), server_default='nl', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('team_reminders') as batch:
        batch.drop_column('lang')
    with op.batch_alter_table('team_waitlist') as batch:
        batch.drop_column('lang')
