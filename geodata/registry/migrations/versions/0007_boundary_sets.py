"""Ward boundary sets: every set of ward boundaries kept, one of them current.

The wards of the registry so far (one set, named in ``wards.boundary_set``) become the current
set; each ward is keyed by its set and its code, so that the same code may stand in several sets.
Campaigns remember the set their targets' wards belong to. The audit log gets an index on
(action, id): the newest entry of some actions (the caches' revisions) is found without a scan.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "boundary_sets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("loaded_by", sa.String(120), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "ward_boundaries",
        sa.Column(
            "boundary_set_id", sa.Integer(), sa.ForeignKey("boundary_sets.id"), primary_key=True
        ),
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("boundary_wkb", sa.LargeBinary(), nullable=False),
    )
    connection = op.get_bind()
    names = connection.execute(sa.text("SELECT DISTINCT boundary_set FROM wards")).scalars()
    kept = sorted(names)
    for number, name in enumerate(kept, start=1):
        parameters = {"number": number, "name": name, "label": name, "yes": True, "no": False}
        connection.execute(
            sa.text(
                "INSERT INTO boundary_sets (id, name, valid_from, illustrative, is_current, "
                "loaded_by, loaded_at) VALUES (:number, :label, NULL, :no, :yes, 'system', "
                "(SELECT MIN(loaded_at) FROM wards WHERE boundary_set = :name))"
            ),
            parameters,
        )
        connection.execute(
            sa.text(
                "INSERT INTO ward_boundaries (boundary_set_id, code, name, boundary_wkb) "
                "SELECT :number, code, name, boundary_wkb FROM wards WHERE boundary_set = :name"
            ),
            parameters,
        )
    op.drop_table("wards")
    if connection.dialect.name == "postgresql" and kept:
        connection.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('boundary_sets', 'id'), "
                "(SELECT MAX(id) FROM boundary_sets))"
            )
        )
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("boundary_set_id", sa.Integer(), nullable=True))
    if kept:
        connection.execute(sa.text("UPDATE campaigns SET boundary_set_id = 1"))
    op.create_index("ix_audit_log_action_id", "audit_log", ["action", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_action_id", table_name="audit_log")
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_column("boundary_set_id")
    op.create_table(
        "wards",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("boundary_wkb", sa.LargeBinary(), nullable=False),
        sa.Column("boundary_set", sa.String(120), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.get_bind().execute(
        sa.text(
            "INSERT INTO wards (code, name, boundary_wkb, boundary_set, loaded_at) "
            "SELECT w.code, w.name, w.boundary_wkb, s.name, s.loaded_at "
            "FROM ward_boundaries w JOIN boundary_sets s ON s.id = w.boundary_set_id "
            "WHERE s.is_current"
        )
    )
    op.drop_table("ward_boundaries")
    op.drop_table("boundary_sets")
