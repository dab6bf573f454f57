"""Conversations and their messages, with model parts kept in the model API's own JSON form.

A ``Part`` is the REST representation Gemini sent (``{"text": …}``, ``{"functionCall": …,
"thoughtSignature": …}``): stored and sent back verbatim, because Gemini 3 refuses a history whose
function-call parts lost their thought signature.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.assistant.cost import Usage
from domain.assistant.errors import InvalidMessage

MAX_MESSAGE_LENGTH = 4000
MAX_TITLE_LENGTH = 100
FALLBACK_TITLE_LENGTH = 60
HISTORY_WINDOW = 20  # messages of the conversation sent with each turn


class MessageRole(StrEnum):
    USER = "user"
    MODEL = "model"
    TOOL = "tool"  # function responses (sent to Gemini with the user role)


class MessageStatus(StrEnum):
    COMPLETE = "complete"
    ABORTED = "aborted"
    ERROR = "error"


@dataclass(frozen=True)
class FunctionCall:
    name: str
    args: Mapping[str, Any]
    id: str | None = None


@dataclass(frozen=True)
class Part:
    data: Mapping[str, Any]  # the model API's JSON form of the part, verbatim

    @classmethod
    def of_text(cls, text: str) -> Part:
        return cls({"text": text})

    @classmethod
    def of_function_response(
        cls, name: str, response: Mapping[str, Any], call_id: str | None = None
    ) -> Part:
        body: dict[str, Any] = {"name": name, "response": dict(response)}
        if call_id is not None:
            body["id"] = call_id
        return cls({"functionResponse": body})

    @property
    def text(self) -> str | None:
        value = self.data.get("text")
        return value if isinstance(value, str) else None

    @property
    def is_thought(self) -> bool:
        return bool(self.data.get("thought"))

    @property
    def function_call(self) -> FunctionCall | None:
        call = self.data.get("functionCall")
        if not isinstance(call, Mapping):
            return None
        args = call.get("args")
        return FunctionCall(
            name=str(call.get("name") or ""),
            args=args if isinstance(args, Mapping) else {},
            id=call.get("id"),
        )

    @property
    def thought_signature(self) -> str | None:
        value = self.data.get("thoughtSignature")
        return value if isinstance(value, str) else None


def visible_text(parts: Sequence[Part]) -> str:
    """What a person reads of a model message: its text parts, thoughts excluded."""
    return "".join(p.text or "" for p in parts if not p.is_thought)


@dataclass(frozen=True)
class Message:
    id: str
    conversation_id: str
    role: MessageRole
    parts: tuple[Part, ...]
    created_at: datetime
    status: MessageStatus = MessageStatus.COMPLETE
    usage: Usage | None = None
    credits_charged: int = 0
    seq: int = 0  # order inside the conversation (a turn stores several messages at once)

    @property
    def text(self) -> str:
        return visible_text(self.parts)


@dataclass(frozen=True)
class Conversation:
    id: str
    user_id: str
    title: str
    created_at: datetime
    updated_at: datetime
    title_generated: bool = False
    message_count: int = 0

    def renamed(self, title: str, now: datetime) -> Conversation:
        return replace(self, title=clean_title(title), title_generated=True, updated_at=now)

    def touched(self, now: datetime, added: int) -> Conversation:
        return replace(self, updated_at=now, message_count=self.message_count + added)


def check_message(text: str) -> str:
    if not text.strip():
        raise InvalidMessage("The message is empty")
    if len(text) > MAX_MESSAGE_LENGTH:
        raise InvalidMessage(f"The message is longer than {MAX_MESSAGE_LENGTH} characters")
    return text


def clean_title(title: str) -> str:
    cleaned = " ".join(title.split()).strip(" \"'")
    if not cleaned:
        raise InvalidMessage("The title is empty")
    return cleaned[:MAX_TITLE_LENGTH]


def fallback_title(message: str) -> str:
    """The first 60 characters of the first message, on one line."""
    flat = " ".join(message.split())
    return flat[:FALLBACK_TITLE_LENGTH] or "New conversation"


def history_window(messages: Sequence[Message], size: int = HISTORY_WINDOW) -> list[Message]:
    """The last ``size`` messages, starting at a user message.

    A window that began with a model function call or a tool response would be refused by the
    model (a function response must follow its call), so the cut moves forward to a user turn.
    Errored replies are left out: they carry no answer.
    """
    usable = [
        m for m in messages if m.status is not MessageStatus.ERROR or m.role is MessageRole.USER
    ]
    window = list(usable[-size:])
    while window and window[0].role is not MessageRole.USER:
        window.pop(0)
    return window
