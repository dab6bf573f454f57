"""The assistant's tools: a fixed allow-list, declared once, and the validation of arguments.

The model may name any function; only these run, and only with arguments that pass
``validate_arguments`` (the original grew its tool list on every request and let
``update_user_profile`` write past the profile's validation).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.assistant.errors import AssistantError

MAX_TOOL_ROUNDS = 5
LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX = 10, 50
PROFILE_FIELDS = ("bio", "skills", "interests", "languages", "location", "portfolioUrl")
LIST_PROFILE_FIELDS = frozenset({"skills", "interests", "languages"})
HELP_TOPICS = (
    "getting_started",
    "profile",
    "organizations",
    "teams",
    "projects",
    "notifications",
    "search",
    "settings",
)


class ToolArgumentsInvalid(AssistantError):
    """Answered to the model as an error; the tool does not run."""


class UnknownTool(AssistantError):
    pass


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "integer" | "string" | "string_or_list"
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    def schema(self) -> dict[str, Any]:
        if self.kind == "string_or_list":
            # One JSON-schema type the model API accepts: a string (lists are comma-separated)
            # or an array of strings.
            return {
                "description": self.description,
                "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
            }
        out: dict[str, Any] = {"type": self.kind, "description": self.description}
        if self.enum:
            out["enum"] = list(self.enum)
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return out


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    def parameters_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {p.name: p.schema() for p in self.params},
            "required": [p.name for p in self.params if p.required],
        }


_LIMIT = Param(
    "limit",
    "integer",
    f"How many (default {LIST_LIMIT_DEFAULT}, at most {LIST_LIMIT_MAX})",
    minimum=1,
    maximum=LIST_LIMIT_MAX,
)

TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec("get_user_profile", "The signed-in user's profile."),
    ToolSpec("get_user_organizations", "Organizations the signed-in user belongs to."),
    ToolSpec("get_user_teams", "Teams the signed-in user can see in their organizations."),
    ToolSpec("get_user_projects", "Projects the signed-in user can see in their teams."),
    ToolSpec("get_user_notifications", "The user's notifications, newest first.", (_LIMIT,)),
    ToolSpec("get_user_activity_logs", "The user's recent account activity.", (_LIMIT,)),
    ToolSpec("get_current_page_context", "The page the user is looking at (route, title, text)."),
    ToolSpec("get_client_debug_info", "Recent console logs and errors from the user's browser."),
    ToolSpec(
        "update_user_profile",
        "Change one field of the user's profile, only when the user asked for it.",
        (
            Param("field", "string", "The field to change", required=True, enum=PROFILE_FIELDS),
            Param(
                "value",
                "string_or_list",
                "The new value (a list of strings for skills, interests, languages)",
                required=True,
            ),
        ),
    ),
    ToolSpec(
        "get_platform_help",
        "How to use a part of FairArena.",
        (Param("topic", "string", "The topic", required=True, enum=HELP_TOPICS),),
    ),
    ToolSpec("get_available_plans", "The credit plans on sale."),
    ToolSpec("get_credit_balance", "The user's credit balance (balance, held, available)."),
)

ALLOW_LIST: Mapping[str, ToolSpec] = {t.name: t for t in TOOLS}


def _check(param: Param, value: object) -> object:
    if param.kind == "integer":
        # JSON numbers arrive as floats from some clients: 10.0 is 10, 10.5 is not
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ToolArgumentsInvalid(f"{param.name} must be an integer")
        if param.minimum is not None and value < param.minimum:
            raise ToolArgumentsInvalid(f"{param.name} must be at least {param.minimum}")
        if param.maximum is not None and value > param.maximum:
            raise ToolArgumentsInvalid(f"{param.name} must be at most {param.maximum}")
        return value
    if param.kind == "string":
        if not isinstance(value, str):
            raise ToolArgumentsInvalid(f"{param.name} must be a string")
        if param.enum and value not in param.enum:
            raise ToolArgumentsInvalid(f"{param.name} must be one of {', '.join(param.enum)}")
        return value
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ToolArgumentsInvalid(f"{param.name} must be a string or a list of strings")


def validate_arguments(name: str, args: Mapping[str, object]) -> dict[str, object]:
    """The arguments of an allow-listed tool, checked against its declaration.

    Unknown tool → ``UnknownTool``; unknown, missing or ill-typed arguments →
    ``ToolArgumentsInvalid``. The model's ``null`` for an optional argument means absent.
    """
    spec = ALLOW_LIST.get(name)
    if spec is None:
        raise UnknownTool(f"{name} is not an available tool")
    known = {p.name: p for p in spec.params}
    extra = sorted(set(args) - set(known))
    if extra:
        raise ToolArgumentsInvalid(f"unknown arguments: {', '.join(extra)}")
    out: dict[str, object] = {}
    for param in spec.params:
        value = args.get(param.name)
        if value is None:
            if param.required:
                raise ToolArgumentsInvalid(f"{param.name} is required")
            continue
        out[param.name] = _check(param, value)
    if name == "update_user_profile":
        out["value"] = profile_value(str(out["field"]), out["value"])
    return out


def profile_value(field_name: str, value: object) -> object:
    """List fields take a list (a comma-separated string is split); the others a string."""
    if field_name in LIST_PROFILE_FIELDS:
        items = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
        return [str(v).strip() for v in items if str(v).strip()]
    if isinstance(value, list):
        raise ToolArgumentsInvalid(f"{field_name} takes a single string")
    return value
