"""The state behind the in-memory adapters: plain dicts, one lock, snapshot/restore."""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from application.ports.audit import AuditEntry
from application.ports.inbox import ReceivedWebhook
from domain.identity.user import User
from domain.notifications.notification import Notification
from domain.profiles.profile import Profile


@dataclass
class MemoryState:
    users: dict[str, User] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)
    profile_views: dict[tuple[str, str], datetime] = field(default_factory=dict)
    profile_stars: set[tuple[str, str]] = field(default_factory=set)
    settings: dict[str, dict[str, bool]] = field(default_factory=dict)
    notifications: dict[str, Notification] = field(default_factory=dict)
    outbox: dict[str, dict[str, Any]] = field(default_factory=dict)
    inbox: dict[str, ReceivedWebhook] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    # Contexts keep their own state here, keyed by context name.
    extra: dict[str, Any] = field(default_factory=dict)


class MemoryStore:
    """Transactions are serialised by one lock; a rollback restores the snapshot."""

    def __init__(self) -> None:
        self.state = MemoryState()
        self.lock = asyncio.Lock()
        self.commits = 0

    def snapshot(self) -> MemoryState:
        return copy.deepcopy(self.state)
