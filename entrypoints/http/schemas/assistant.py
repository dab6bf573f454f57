"""Request and response models of the AI assistant (API.md "AI assistant")."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from domain.assistant.conversation import MAX_MESSAGE_LENGTH, MAX_TITLE_LENGTH
from entrypoints.http.schemas.base import ApiInput, ApiOutput, UtcTime

Id = Annotated[str, StringConstraints(min_length=1, max_length=36)]


class PageContextIn(ApiInput):
    route: Annotated[str, StringConstraints(max_length=500)] | None = None
    title: Annotated[str, StringConstraints(max_length=500)] | None = None
    content: Annotated[str, StringConstraints(max_length=20_000)] | None = None


class DebugInfoIn(ApiInput):
    console_logs: list[Annotated[str, StringConstraints(max_length=2000)]] = Field(
        default_factory=list, max_length=100
    )
    errors: list[Annotated[str, StringConstraints(max_length=5000)]] = Field(
        default_factory=list, max_length=50
    )


class MessageIn(ApiInput):
    message: Annotated[
        str, StringConstraints(min_length=1, max_length=MAX_MESSAGE_LENGTH, strip_whitespace=False)
    ]
    conversation_id: Id | None = None
    session_id: Id | None = None  # the original's name for it
    context: PageContextIn | None = None
    debug_info: DebugInfoIn | None = None
    use_credits: bool = False

    @model_validator(mode="after")
    def _one_id(self) -> MessageIn:
        if self.conversation_id and self.session_id and self.conversation_id != self.session_id:
            raise ValueError("conversationId and sessionId differ")
        return self

    @property
    def conversation(self) -> str | None:
        return self.conversation_id or self.session_id


class RenameIn(ApiInput):
    title: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TITLE_LENGTH)]


class UsageOut(ApiOutput):
    prompt_tokens: int
    output_tokens: int
    total_tokens: int


class ChatOut(ApiOutput):
    response: str
    conversation_id: str
    message_id: str
    usage: UsageOut
    credits_charged: int
    status: str


class ConversationOut(ApiOutput):
    id: str
    title: str
    message_count: int
    created_at: UtcTime
    updated_at: UtcTime


class MessageOut(ApiOutput):
    id: str
    role: str
    content: str
    parts: list[dict[str, Any]]
    status: str
    usage: UsageOut | None
    credits_charged: int
    created_at: UtcTime


class ConversationDetailOut(ConversationOut):
    messages: list[MessageOut]


class StoppedOut(ApiOutput):
    stopped: bool


class DeletedOut(ApiOutput):
    deleted: bool


class QuotaOut(ApiOutput):
    limit: int
    used: int
    remaining: int
    reset: UtcTime
    credits_per_message_max: int
