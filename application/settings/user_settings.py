"""Get, patch and reset a user's settings (defaults merged in)."""

from __future__ import annotations

from collections.abc import Mapping

from application.identity.principal import Principal
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.settings.unit_of_work import SettingsUnitOfWork
from domain.settings.user_settings import DEFAULTS, apply_patch, merged


class GetSettings:
    def __init__(self, uow: UnitOfWorkFactory[SettingsUnitOfWork]):
        self._uow = uow

    async def __call__(self, principal: Principal) -> dict[str, bool]:
        async with self._uow() as uow:
            return merged(await uow.settings.get(principal.user_id) or {})


class UpdateSettings:
    def __init__(self, uow: UnitOfWorkFactory[SettingsUnitOfWork], clock: Clock):
        self._uow = uow
        self._clock = clock

    async def __call__(self, principal: Principal, patch: Mapping[str, object]) -> dict[str, bool]:
        async with self._uow() as uow:
            current = merged(await uow.settings.get(principal.user_id) or {})
            updated = apply_patch(current, patch)
            await uow.settings.put(principal.user_id, updated, self._clock.now())
            await uow.commit()
        return updated


class ResetSettings:
    def __init__(self, uow: UnitOfWorkFactory[SettingsUnitOfWork], clock: Clock):
        self._uow = uow
        self._clock = clock

    async def __call__(self, principal: Principal) -> dict[str, bool]:
        async with self._uow() as uow:
            await uow.settings.put(principal.user_id, dict(DEFAULTS), self._clock.now())
            await uow.commit()
        return dict(DEFAULTS)
