"""What a turn tells its client, in order: ``Connected``, ``Chunk``/``ToolStatus``…, then one of
``Completed`` or ``TurnFailed`` (the SSE frames of API.md "AI assistant")."""

from __future__ import annotations

from dataclasses import dataclass

from domain.assistant.cost import Usage


@dataclass(frozen=True)
class Connected:
    conversation_id: str
    message_id: str


@dataclass(frozen=True)
class Chunk:
    content: str


@dataclass(frozen=True)
class ToolStatus:
    name: str
    status: str  # started | done | refused


@dataclass(frozen=True)
class Completed:
    usage: Usage
    credits_charged: int
    status: str = "complete"  # or "aborted" (stopped)


@dataclass(frozen=True)
class TurnFailed:
    code: str
    message: str


TurnEvent = Connected | Chunk | ToolStatus | Completed | TurnFailed
TERMINAL = (Completed, TurnFailed)
