"""Cameras' image width in pixels (``horizontal_px``), unknown for the cameras there are.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cameras") as batch:
        batch.add_column(sa.Column("horizontal_px", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cameras") as batch:
        batch.drop_column("horizontal_px")
