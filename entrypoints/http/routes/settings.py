"""Settings routes."""

from __future__ import annotations

from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery
from entrypoints.http.schemas.profiles import SettingsIn, SettingsOut

routes = ApiRoutes(tag="settings")


@routes.get("/api/v1/settings", response=SettingsOut, summary="My settings (defaults merged)")
async def get_settings(call: Call[NoBody, NoQuery]) -> SettingsOut:
    return SettingsOut(**await call.container.use_cases.get_settings()(call.user))


@routes.put(
    "/api/v1/settings",
    body=SettingsIn,
    response=SettingsOut,
    summary="Partial update; unknown keys are rejected",
)
async def update_settings(call: Call[SettingsIn, NoQuery]) -> SettingsOut:
    patch = call.body.model_dump(exclude_unset=True)
    return SettingsOut(**await call.container.use_cases.update_settings()(call.user, patch))


@routes.post("/api/v1/settings/reset", response=SettingsOut, summary="Back to the defaults")
async def reset_settings(call: Call[NoBody, NoQuery]) -> SettingsOut:
    return SettingsOut(**await call.container.use_cases.reset_settings()(call.user))
