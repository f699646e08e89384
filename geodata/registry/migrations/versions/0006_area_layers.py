"""The area's layers (roads, hotspots, buildings) and settings (key routes) in the database.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "layer_features",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("layer", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("geometry_wkb", sa.LargeBinary(), nullable=False),
        sa.Column("properties", sa.Text(), nullable=False),
    )
    op.create_index("ix_layer_features_layer", "layer_features", ["layer"])
    op.create_table(
        "area_settings",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("area_settings")
    op.drop_index("ix_layer_features_layer", table_name="layer_features")
    op.drop_table("layer_features")
