"""PostgreSQL only: statement-level triggers on users, user_sessions, user_roles and
notifications send the ids of the accounts a statement touched on the channel
`sop_signed_in` at commit ("*" for more than 200 accounts or a TRUNCATE). Workers keep the
signed-in user's row and forget it when told (app.services.kept_users). SQLite: nothing.

Revision ID: 7a41c2e9d5b3
Revises: 3d5b8df74174
Create Date: 2026-12-07 16:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7a41c2e9d5b3'
down_revision = '3d5b8df74174'
branch_labels = None
depends_on = None

TABLES = ("users", "user_sessions", "user_roles", "notifications")

FUNCTION = """
CREATE OR REPLACE FUNCTION sop_signed_in_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids text;
  touched bigint;
  account text := CASE WHEN TG_TABLE_NAME = 'users' THEN 'id' ELSE 'user_id' END;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('sop_signed_in', '*');
    RETURN NULL;
  END IF;
  EXECUTE 'SELECT count(*), string_agg(account::text, '','') FROM (SELECT DISTINCT '
    || quote_ident(account) || ' AS account FROM '
    || CASE TG_OP WHEN 'INSERT' THEN 'new_rows' WHEN 'DELETE' THEN 'old_rows'
         ELSE '(SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows) AS both_rows' END
    || ') AS touched'
    INTO touched, ids;
  IF touched > 200 THEN
    PERFORM pg_notify('sop_signed_in', '*');
  ELSIF touched > 0 THEN
    PERFORM pg_notify('sop_signed_in', ids);
  END IF;
  RETURN NULL;
END
$$
"""


def statements() -> list[str]:
    """The function and its 16 triggers (tests install them on a schema made by create_all)."""
    made = [FUNCTION]
    for table in TABLES:
        made += [
            f"DROP TRIGGER IF EXISTS sop_signed_in_insert ON {table}",
            f"CREATE TRIGGER sop_signed_in_insert AFTER INSERT ON {table} "
            "REFERENCING NEW TABLE AS new_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION sop_signed_in_changed()",
            f"DROP TRIGGER IF EXISTS sop_signed_in_update ON {table}",
            f"CREATE TRIGGER sop_signed_in_update AFTER UPDATE ON {table} "
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION sop_signed_in_changed()",
            f"DROP TRIGGER IF EXISTS sop_signed_in_delete ON {table}",
            f"CREATE TRIGGER sop_signed_in_delete AFTER DELETE ON {table} "
            "REFERENCING OLD TABLE AS old_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION sop_signed_in_changed()",
            f"DROP TRIGGER IF EXISTS sop_signed_in_truncate ON {table}",
            f"CREATE TRIGGER sop_signed_in_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION sop_signed_in_changed()",
        ]
    return made


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in statements():
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        for event in ("insert", "update", "delete", "truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS sop_signed_in_{event} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS sop_signed_in_changed()")
