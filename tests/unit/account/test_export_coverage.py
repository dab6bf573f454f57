"""Every table that holds something about a user is in the export, or excluded with a reason.

A "user column" is a foreign key to ``users.id`` or a column whose name says it names a user
(``USER_COLUMNS``). A new context's table with one fails here until it adds an export section
(``adapters/sqlalchemy/repositories/account/export_sections.py``) or an exclusion with its reason.
"""

from __future__ import annotations

import sqlalchemy as sa

from adapters.memory.account import MemoryUserDataSource
from adapters.memory.store import MemoryStore
from adapters.sqlalchemy.repositories.account.export_sections import EXCLUDED, SECTIONS
from adapters.sqlalchemy.tables import metadata

USER_COLUMNS = {
    "user_id",
    "actor_id",
    "viewer_id",
    "profile_user_id",
    "invited_by",
    "requested_by",
    "closed_by",
    "assignee_id",
    "reporter_id",
    "author_id",
    "account",  # ledger accounts: user:<id>
    "wallet",
    "email",
    "subject",
}


def _has_user_column(table: sa.Table) -> bool:
    for column in table.columns:
        if column.name in USER_COLUMNS:
            return True
        if any(fk.column.table.name == "users" for fk in column.foreign_keys):
            return True
    return False


def test_every_table_with_a_user_column_is_exported_or_excluded() -> None:
    covered = {name for section in SECTIONS for name in section.tables}
    with_users = {t.name for t in metadata.sorted_tables if _has_user_column(t)}
    missing = with_users - covered - set(EXCLUDED)
    assert not missing, f"export these tables or list them in EXCLUDED with a reason: {missing}"


def test_the_heuristic_sees_the_tables_it_must() -> None:
    names = {t.name for t in metadata.sorted_tables if _has_user_column(t)}
    assert {"users", "profiles", "payments", "ledger_postings", "account_activity"} <= names


def test_sections_and_exclusions_name_real_tables_and_never_overlap() -> None:
    tables = set(metadata.tables)
    covered = {name for section in SECTIONS for name in section.tables}
    assert covered <= tables and set(EXCLUDED) <= tables
    assert not covered & set(EXCLUDED)
    assert all(reason.strip() for reason in EXCLUDED.values())
    names = [s.name for s in SECTIONS]
    assert len(names) == len(set(names))


def test_the_memory_twin_uses_the_sql_section_names() -> None:
    memory = set(MemoryUserDataSource(MemoryStore()).sections())
    assert memory <= {s.name for s in SECTIONS}


def test_tables_without_a_user_column_are_not_the_export_s_business() -> None:
    """Documents which tables the check leaves out, so a reviewer sees the list change."""
    without = {t.name for t in metadata.sorted_tables if not _has_user_column(t)}
    # Reached through another section (ai_messages, payment_events) or holding no one's data.
    assert without == {
        "organizations",
        "teams",
        "projects",
        "roles",
        "plans",
        "outbox",
        "webhook_inbox",
        "processed_messages",
        "job_runs",
        "ai_messages",
        "payment_events",
        "idempotency_keys",
        "project_activity",  # a GitHub login, not a platform user
        "referrals",  # exported as referralsMade / referredBy (its user columns are not FKs)
        "coupons",  # admin-made codes (digests); a user's redemptions are couponRedemptions
    }
