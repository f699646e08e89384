"""The audit log chained, append-only, with owners' details apart; user names canonical.

Existing entries are numbered in id order and chained; owner details move out of ``before`` and
``after`` into ``personal`` and are erased at once for cameras deleted already. Deleted
cameras lose their owner details. User names become their canonical form
(:func:`geodata.registry.access.user_name`) unless another user has it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 10:00:00
"""

import orjson
import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from geodata.registry import audit
from geodata.registry.access import user_name
from geodata.registry.models import AuditEntry, AuditHead, Camera, User

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CHAINED_COLUMNS = ("id", *audit.CHAINED, "entry_hash")
"""The columns an erasure leaves as they are (the triggers refuse any other change)."""

SQLITE_TRIGGERS = (
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    f"""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    WHEN NOT (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL
              AND NEW.personal IS NULL AND NEW.personal_salt IS NULL
              AND {" AND ".join(f"NEW.{c} IS OLD.{c}" for c in CHAINED_COLUMNS)})
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
)
POSTGRES_TRIGGERS = (
    f"""CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL
         AND NEW.personal IS NULL AND NEW.personal_salt IS NULL
         AND ({", ".join(f"NEW.{c}" for c in CHAINED_COLUMNS)})
             IS NOT DISTINCT FROM ({", ".join(f"OLD.{c}" for c in CHAINED_COLUMNS)}) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'the audit log is append-only';
    END $$""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
)


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("personal", sa.Text(), nullable=True))
        batch.add_column(sa.Column("personal_salt", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("personal_digest", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(sa.insert(AuditHead.__table__).values(id=1, seq=0, entry_hash=audit.GENESIS))
    with Session(bind=op.get_bind()) as session:
        _chain_existing(session)
        _canonical_user_names(session)
        session.flush()
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("entry_hash", existing_type=sa.String(length=64), nullable=False)
        batch.create_unique_constraint("uq_audit_log_seq", ["seq"])
    triggers = POSTGRES_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def _chain_existing(session: Session) -> None:
    """Number, split and chain the entries written before this revision."""
    table = AuditEntry.__table__
    old = session.execute(
        sa.select(
            table.c.id,
            table.c.at,
            table.c.actor,
            table.c.action,
            table.c.camera_id,
            table.c.before,
            table.c.after,
            table.c.detail,
        ).order_by(table.c.id)
    ).all()
    entries = [
        audit.entry(
            row.actor,
            row.action,
            row.camera_id,
            orjson.loads(row.before) if row.before else None,
            orjson.loads(row.after) if row.after else None,
            row.detail,
            at=row.at,
        )
        for row in old
    ]
    rows = audit.chained(session, entries)
    if rows:
        session.execute(
            sa.update(table).where(table.c.id == sa.bindparam("old_id")),
            [
                {**{k: v for k, v in row.items() if k != "at"}, "old_id": entry.id}
                for row, entry in zip(rows, old, strict=True)
            ],
        )
    deleted = session.scalars(sa.select(Camera.id).where(Camera.deleted_at.is_not(None))).all()
    for camera_id in deleted:
        audit.erase_personal(session, camera_id)
    if deleted:
        session.execute(
            sa.update(Camera.__table__)
            .where(Camera.__table__.c.deleted_at.is_not(None))
            .values(owner_name=None, owner_phone=None, owner_address=None, owner_key="")
        )


def _canonical_user_names(session: Session) -> None:
    """Rename each user to the canonical form of their name, unless that name is taken."""
    table = User.__table__
    names = dict(session.execute(sa.select(table.c.id, table.c.name)).all())
    taken = set(names.values())
    for user_id, name in names.items():
        canonical = user_name(name)
        if canonical != name and canonical not in taken:
            session.execute(sa.update(table).where(table.c.id == user_id).values(name=canonical))
            taken = (taken - {name}) | {canonical}


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint("uq_audit_log_seq", type_="unique")
        for column in ("erased_at", "entry_hash", "personal_digest", "personal_salt", "personal"):
            batch.drop_column(column)
        batch.drop_column("seq")
