"""PostgreSQL DDL shared by migrations (append-only tables)."""

from __future__ import annotations

REFUSE_CHANGE_FUNCTION = """
CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% on % is not allowed: the table is append-only',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def append_only_statements(table: str, *, purged: bool = False) -> list[str]:
    """Statements that make ``table`` refuse UPDATE and DELETE on PostgreSQL.

    ``purged``: rows still never change, but may be deleted (a log with a retention period)."""
    events = "UPDATE" if purged else "UPDATE OR DELETE"
    return [
        REFUSE_CHANGE_FUNCTION,
        f"CREATE TRIGGER {table}_append_only BEFORE {events} ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION refuse_change()",
    ]
