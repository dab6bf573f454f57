"""The settings context's unit of work."""

from __future__ import annotations

from typing import Protocol

from application.ports.unit_of_work import UnitOfWork
from application.settings.ports import SettingsRepository


class SettingsUnitOfWork(UnitOfWork, Protocol):
    settings: SettingsRepository
