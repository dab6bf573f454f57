"""Get, patch and reset a user's settings (defaults merged in)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from application.account.activity import activity_writer
from application.identity.principal import Principal
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.settings.unit_of_work import SettingsUnitOfWork
from domain.account.activity import Action
from domain.request_context import NO_REQUEST, RequestContext
from domain.settings.user_settings import DEFAULTS, apply_patch, merged


@dataclass(frozen=True, eq=False)
class GetSettings:
    uow: UnitOfWorkFactory[SettingsUnitOfWork]

    async def __call__(self, principal: Principal) -> dict[str, bool]:
        async with self.uow() as uow:
            return merged(await uow.settings.get(principal.user_id) or {})


@dataclass(frozen=True, eq=False)
class UpdateSettings:
    uow: UnitOfWorkFactory[SettingsUnitOfWork]
    clock: Clock

    async def __call__(
        self,
        principal: Principal,
        patch: Mapping[str, object],
        context: RequestContext = NO_REQUEST,
    ) -> dict[str, bool]:
        now = self.clock.now()
        async with self.uow() as uow:
            current = merged(await uow.settings.get(principal.user_id) or {})
            updated = apply_patch(current, patch)
            await uow.settings.put(principal.user_id, updated, now)
            changed = sorted(k for k in updated if updated[k] != current.get(k))
            activity = activity_writer(uow, principal.user_id, now, context)
            await activity.record(Action.SETTINGS_UPDATED, changed=changed)
            await uow.commit()
        return updated


@dataclass(frozen=True, eq=False)
class ResetSettings:
    uow: UnitOfWorkFactory[SettingsUnitOfWork]
    clock: Clock

    async def __call__(
        self, principal: Principal, context: RequestContext = NO_REQUEST
    ) -> dict[str, bool]:
        now = self.clock.now()
        async with self.uow() as uow:
            await uow.settings.put(principal.user_id, dict(DEFAULTS), now)
            activity = activity_writer(uow, principal.user_id, now, context)
            await activity.record(Action.SETTINGS_RESET)
            await uow.commit()
        return dict(DEFAULTS)
