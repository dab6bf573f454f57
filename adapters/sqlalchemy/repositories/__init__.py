"""Every SQL repository, registered by the unit-of-work name it declares where it is written.

A context's module is imported here so that its repositories are registered.
"""

from __future__ import annotations

import adapters.sqlalchemy.repositories.access.chain_reader
import adapters.sqlalchemy.repositories.access.memberships
import adapters.sqlalchemy.repositories.access.scopes
import adapters.sqlalchemy.repositories.account.activity
import adapters.sqlalchemy.repositories.account.records
import adapters.sqlalchemy.repositories.assistant
import adapters.sqlalchemy.repositories.audit
import adapters.sqlalchemy.repositories.community
import adapters.sqlalchemy.repositories.credits.economy
import adapters.sqlalchemy.repositories.credits.ledger
import adapters.sqlalchemy.repositories.free_credits
import adapters.sqlalchemy.repositories.idempotency
import adapters.sqlalchemy.repositories.identity
import adapters.sqlalchemy.repositories.inbox
import adapters.sqlalchemy.repositories.invitations
import adapters.sqlalchemy.repositories.jobs
import adapters.sqlalchemy.repositories.notifications
import adapters.sqlalchemy.repositories.outbox
import adapters.sqlalchemy.repositories.payments
import adapters.sqlalchemy.repositories.profiles
import adapters.sqlalchemy.repositories.project_activity
import adapters.sqlalchemy.repositories.settings
import adapters.sqlalchemy.repositories.support  # noqa: F401
from adapters.sqlalchemy.registry import REPOSITORIES

__all__ = ["REPOSITORIES"]
