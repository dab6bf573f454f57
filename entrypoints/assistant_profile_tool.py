"""The assistant's ``update_user_profile`` through ``PUT /profile``: the same input model (its
limits and URL checks), the same conversion and the same use case. The original wrote the row
directly, past every limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from application.assistant.toolbox import ToolCaller
from application.profiles.own_profile import GetOwnProfile, UpdateProfile
from domain.assistant.tools import ToolArgumentsInvalid
from entrypoints.http.routes.profiles import profile_change, profile_out
from entrypoints.http.schemas.profiles import ProfileIn

TOOL_FIELDS = {
    "bio": "bio",
    "skills": "skills",
    "interests": "interests",
    "languages": "languages",
    "location": "location",
    "portfolioUrl": "portfolio_url",
}


class ProfileFieldThroughPut:
    def __init__(
        self, get_own_profile: Callable[[], GetOwnProfile], update: Callable[[], UpdateProfile]
    ) -> None:
        self._get = get_own_profile
        self._update = update

    async def __call__(self, caller: ToolCaller, field: str, value: Any) -> str:
        current = await self._get()(caller.principal)
        body = {k: v for k, v in profile_out(current).items() if k in ProfileIn.model_fields}
        body[TOOL_FIELDS[field]] = value
        try:
            validated = ProfileIn.model_validate(body)
        except ValidationError as refused:
            problems = "; ".join(
                f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}"
                for e in refused.errors(include_url=False)
            )
            raise ToolArgumentsInvalid(f"The profile refused the change ({problems})") from None
        details, privacy = profile_change(validated, current)
        await self._update()(caller.principal, details, privacy, tool="update_user_profile")
        shown = ", ".join(value) if isinstance(value, list) else value
        return f"Successfully updated {field}: {shown}"
