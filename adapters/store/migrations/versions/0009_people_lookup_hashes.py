"""Keyed hashes of a person's normalised name and e-mail address, so a colleague is found by
full name or address without decrypting every profile. Rows written before this revision have
none; they are found by decryption until their profile is next written.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people') as batch:
        batch.add_column(sa.Column('name_hash', sa.String(length=80), nullable=True))
        batch.add_column(sa.Column('email_hash', sa.String(length=80), nullable=True))
        batch.create_index('ix_people_name_hash', ['name_hash'], unique=False)
        batch.create_index('ix_people_email_hash', ['email_hash'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('people') as batch:
        batch.drop_index('ix_people_email_hash')
        batch.drop_index('ix_people_name_hash')
        batch.drop_column('email_hash')
        batch.drop_column('name_hash')
