"""Settings routes."""

from __future__ import annotations

from application.settings.user_settings import GetSettings, ResetSettings, UpdateSettings
from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery
from entrypoints.http.schemas.profiles import SettingsIn, SettingsOut

routes = ApiRoutes(tag="settings")


@routes.get("/api/v1/settings", summary="My settings (defaults merged)")
async def get_settings(call: Call[NoBody, NoQuery], get_settings: GetSettings) -> SettingsOut:
    return SettingsOut(**await get_settings(call.user))


@routes.put("/api/v1/settings", summary="Partial update; unknown keys are rejected")
async def update_settings(
    call: Call[SettingsIn, NoQuery], update_settings: UpdateSettings
) -> SettingsOut:
    patch = call.body.model_dump(exclude_unset=True)
    return SettingsOut(**await update_settings(call.user, patch, call.context))


@routes.post("/api/v1/settings/reset", summary="Back to the defaults")
async def reset_settings(call: Call[NoBody, NoQuery], reset_settings: ResetSettings) -> SettingsOut:
    return SettingsOut(**await reset_settings(call.user, call.context))
