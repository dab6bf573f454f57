"""The settings context's unit of work."""

from __future__ import annotations

from typing import Protocol

from application.account.ports import ActivityUnitOfWork
from application.settings.ports import SettingsRepository


class SettingsUnitOfWork(ActivityUnitOfWork, Protocol):
    settings: SettingsRepository
