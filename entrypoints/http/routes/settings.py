"""Settings routes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.settings.user_settings import GetSettings, ResetSettings, UpdateSettings
from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery
from entrypoints.http.schemas.profiles import SettingsIn, SettingsOut


@dataclass(frozen=True)
class SettingsUseCases:
    """What these handlers run (built by the context's container)."""

    get_settings: Callable[[], GetSettings]
    reset_settings: Callable[[], ResetSettings]
    update_settings: Callable[[], UpdateSettings]


routes = ApiRoutes(tag="settings", uses=SettingsUseCases)


@routes.get("/api/v1/settings", response=SettingsOut, summary="My settings (defaults merged)")
async def get_settings(call: Call[NoBody, NoQuery], uc: SettingsUseCases) -> SettingsOut:
    return SettingsOut(**await uc.get_settings()(call.user))


@routes.put(
    "/api/v1/settings",
    body=SettingsIn,
    response=SettingsOut,
    summary="Partial update; unknown keys are rejected",
)
async def update_settings(call: Call[SettingsIn, NoQuery], uc: SettingsUseCases) -> SettingsOut:
    patch = call.body.model_dump(exclude_unset=True)
    return SettingsOut(**await uc.update_settings()(call.user, patch, call.context))


@routes.post("/api/v1/settings/reset", response=SettingsOut, summary="Back to the defaults")
async def reset_settings(call: Call[NoBody, NoQuery], uc: SettingsUseCases) -> SettingsOut:
    return SettingsOut(**await uc.reset_settings()(call.user, call.context))
