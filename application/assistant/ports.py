"""Ports of the assistant context: the language model, conversations, the daily quota, the stop
signal between instances."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from application.pagination import Page, PageRequest
from domain.assistant.conversation import Conversation, Message, MessageRole, Part
from domain.assistant.cost import Usage
from domain.assistant.tools import ToolSpec


@dataclass(frozen=True)
class Content:
    role: MessageRole
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class ModelRequest:
    system_instruction: str
    contents: tuple[Content, ...]
    tools: tuple[ToolSpec, ...] = ()
    temperature: float = 0.7
    max_output_tokens: int = 2048


@dataclass(frozen=True)
class TextDelta:
    """A piece of the reply's visible text, as it arrives."""

    text: str


@dataclass(frozen=True)
class ModelReply:
    """The whole turn once the stream ended: every part (text merged, function calls with their
    thought signatures, in order) and the usage the model reported."""

    parts: tuple[Part, ...]
    usage: Usage
    finish_reason: str | None = None


ModelEvent = TextDelta | ModelReply


class LanguageModel(Protocol):
    """A chat model with function calling (manual: the caller runs the tools)."""

    def stream(self, request: ModelRequest) -> AsyncIterator[ModelEvent]:
        """``TextDelta``s as they arrive, then exactly one ``ModelReply``.

        Raises ``ModelBlocked`` (the prompt was refused) or ``ModelUnavailable`` (upstream
        failures after the adapter's retries). Closing the iterator (or cancelling the task that
        reads it) closes the upstream connection.
        """
        ...

    async def generate_json(
        self, *, system_instruction: str, prompt: str, schema: Mapping[str, Any]
    ) -> Mapping[str, Any] | None:
        """Structured output (temperature 0, no tools): a JSON object matching ``schema``, or
        None when the model's answer is missing, truncated or not valid JSON."""
        ...


class ConversationRepository(Protocol):
    """Conversations and their messages (``uow.conversations``); never commits."""

    async def add(self, conversation: Conversation) -> None: ...

    async def get(self, conversation_id: str, *, for_update: bool = False) -> Conversation | None:
        """``for_update``: locked against concurrent turns until the unit of work ends."""
        ...

    async def save(self, conversation: Conversation) -> None: ...

    async def append(self, conversation_id: str, count: int, now: datetime) -> int | None:
        """Number ``count`` new messages and touch the conversation (``updated_at = now``) in one
        locking statement: the first number, or None when the conversation is gone."""
        ...

    async def name_once(self, conversation_id: str, title: str) -> bool:
        """Give the conversation a generated title unless it has one (generated or chosen by
        its owner) or is gone; ``updated_at`` unchanged. True when named."""
        ...

    async def delete(self, conversation_id: str) -> None:
        """The conversation and its messages."""
        ...

    async def list_for_user(self, user_id: str, page: PageRequest) -> Page[Conversation]:
        """Most recently updated first."""
        ...

    async def messages(self, conversation_id: str, last: int | None = None) -> list[Message]:
        """Oldest first; ``last``: only the newest ``last`` messages (still oldest first)."""
        ...

    async def add_messages(self, messages: Sequence[Message]) -> None: ...


class AssistantQuota(Protocol):
    """Free messages used per user and UTC day (``uow.assistant_quota``)."""

    async def take(self, user_id: str, day: date, limit: int) -> bool:
        """Count one message if fewer than ``limit`` are counted; atomic under concurrency."""
        ...

    async def give_back(self, user_id: str, day: date) -> None:
        """Uncount one message (the model failed: failed calls use no quota)."""
        ...

    async def used(self, user_id: str, day: date) -> int: ...


class StopSignal(Protocol):
    """Stopping a generation that may run on another instance (Redis pub/sub when configured).

    Which instance runs a conversation's generation is known only to that instance (its
    ``Generations``): starting a turn costs the signal nothing."""

    async def request_stop(self, conversation_id: str) -> bool:
        """Ask whichever instance runs it to stop; False when none does."""
        ...

    def on_stop(self, cancel: Callable[[str], bool]) -> None:
        """Where stop requests from other instances are delivered: ``cancel`` stops the
        conversation's generation if it runs here and says whether it did."""
        ...
