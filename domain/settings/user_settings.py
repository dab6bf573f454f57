"""Per-user preferences: a small document with defaults merged in."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from domain.errors import ValidationFailed

DEFAULTS: Mapping[str, bool] = MappingProxyType(
    {"wantToGetFeedbackMail": True, "wantFeedbackNotifications": True}
)


def merged(stored: Mapping[str, object]) -> dict[str, bool]:
    """Defaults overlaid with the stored values that are still known settings."""
    result = dict(DEFAULTS)
    for key, value in stored.items():
        if key in DEFAULTS and isinstance(value, bool):
            result[key] = value
    return result


def apply_patch(current: Mapping[str, bool], patch: Mapping[str, object]) -> dict[str, bool]:
    """A partial update; unknown keys and non-boolean values are rejected, not ignored."""
    unknown = sorted(set(patch) - set(DEFAULTS))
    if unknown:
        raise ValidationFailed(
            "Unknown settings",
            details=[{"field": k, "message": "unknown setting"} for k in unknown],
        )
    wrong = sorted(k for k, v in patch.items() if not isinstance(v, bool))
    if wrong:
        raise ValidationFailed(
            "Settings are booleans",
            details=[{"field": k, "message": "must be a boolean"} for k in wrong],
        )
    result = dict(current)
    result.update({k: bool(v) for k, v in patch.items()})
    return result
