"""Runs the model's function calls: only allow-listed tools, only valid arguments, as the caller.

Built once per process with one handler per allow-listed tool. Whatever goes wrong is answered
to the model as ``{"error": …}`` (it can apologise or retry); it never becomes an HTTP error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from application.identity.principal import Principal
from domain.assistant.conversation import FunctionCall
from domain.assistant.guard import has_injection
from domain.assistant.tools import (
    ALLOW_LIST,
    TOOLS,
    ToolArgumentsInvalid,
    ToolSpec,
    UnknownTool,
    validate_arguments,
)
from domain.errors import DomainError

log = logging.getLogger(__name__)
TOOL_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class ToolCaller:
    """Who the tools act for, and what the client sent along with the message."""

    principal: Principal
    conversation_id: str
    page_context: Mapping[str, Any] | None = None
    debug_info: Mapping[str, Any] | None = None


ToolHandler = Callable[[ToolCaller, Mapping[str, Any]], Awaitable[str]]


@dataclass(frozen=True)
class ToolOutcome:
    status: str  # "done" | "refused"
    response: Mapping[str, Any] = field(default_factory=dict)


class Toolbox:
    def __init__(self, handlers: Mapping[str, ToolHandler]) -> None:
        missing = set(ALLOW_LIST) - set(handlers)
        unknown = set(handlers) - set(ALLOW_LIST)
        if missing or unknown:
            raise ValueError(f"toolbox mismatch: missing {missing}, not allowed {unknown}")
        self._handlers = dict(handlers)

    @property
    def specs(self) -> tuple[ToolSpec, ...]:
        return TOOLS

    async def run(self, call: FunctionCall, caller: ToolCaller) -> ToolOutcome:
        try:
            args = validate_arguments(call.name, call.args)
        except (UnknownTool, ToolArgumentsInvalid) as refused:
            return ToolOutcome("refused", {"error": refused.message})
        if has_injection(args):
            return ToolOutcome("refused", {"error": "The arguments were refused"})
        try:
            result = await asyncio.wait_for(
                self._handlers[call.name](caller, args), TOOL_TIMEOUT_SECONDS
            )
        except ToolArgumentsInvalid as refused:
            return ToolOutcome("refused", {"error": refused.message})
        except DomainError as failed:
            return ToolOutcome("done", {"error": failed.message})
        except TimeoutError:
            return ToolOutcome("done", {"error": "The tool took too long"})
        except Exception:  # a tool's bug must not end the conversation
            log.exception("assistant tool %s failed", call.name)
            return ToolOutcome("done", {"error": "The tool failed"})
        return ToolOutcome("done", {"result": result})
