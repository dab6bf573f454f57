"""Every memory repository, registered by the unit-of-work name it declares where it is written.

A context's module is imported here so that its repositories are registered.
"""

from __future__ import annotations

import adapters.memory.access
import adapters.memory.account
import adapters.memory.assistant
import adapters.memory.audit
import adapters.memory.community
import adapters.memory.credits
import adapters.memory.free_credits
import adapters.memory.idempotency
import adapters.memory.identity
import adapters.memory.inbox
import adapters.memory.invitations
import adapters.memory.jobs
import adapters.memory.notifications
import adapters.memory.outbox
import adapters.memory.payments
import adapters.memory.profiles
import adapters.memory.project_activity
import adapters.memory.settings
import adapters.memory.support  # noqa: F401
from adapters.memory.registry import REPOSITORIES

__all__ = ["REPOSITORIES"]
