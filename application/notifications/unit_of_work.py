"""The notifications context's unit of work."""

from __future__ import annotations

from typing import Protocol

from application.notifications.ports import NotificationRepository
from application.ports.outbox import Outbox
from application.ports.unit_of_work import UnitOfWork


class NotificationsUnitOfWork(UnitOfWork, Protocol):
    notifications: NotificationRepository
    outbox: Outbox  # realtime events, published after the commit
