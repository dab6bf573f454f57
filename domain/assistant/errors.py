"""The assistant context's errors: one root, subclassed by cause (API.md "AI assistant")."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from domain.errors import Conflict, DomainError, NotFound, Unavailable, ValidationFailed


def now_utc() -> datetime:
    return datetime.now(UTC)


class AssistantError(DomainError):
    """Root of the assistant context."""


class ConversationNotFound(AssistantError, NotFound, message="Conversation not found"):
    """Absent or someone else's: the two answer alike (no enumeration of conversation ids)."""


class InvalidMessage(AssistantError, ValidationFailed):
    pass


class AssistantDisabled(
    AssistantError, Unavailable, code="AI_DISABLED", message="The AI assistant is not configured"
):
    pass


class QuotaExhausted(AssistantError, code="RATE_LIMITED", status=429):
    """The daily free quota is used up and the caller did not ask to pay with credits."""

    def __init__(self, limit: int, reset: datetime) -> None:
        super().__init__(
            f"You have used the {limit} free AI messages of today; try again tomorrow or "
            "use credits",
            details={
                "limit": limit,
                "remaining": 0,
                "reset": reset.isoformat(),
                "canUseCredits": True,
            },
        )
        self.limit = limit
        self.reset = reset

    def headers(self) -> Mapping[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(int(self.reset.timestamp())),
            "Retry-After": str(max(int((self.reset - now_utc()).total_seconds()), 1)),
        }


class GenerationInProgress(
    AssistantError,
    Conflict,
    code="GENERATION_IN_PROGRESS",
    message="A reply is still being generated in this conversation",
):
    """A second message while the conversation's previous reply is still being generated."""


class ModelFailure(AssistantError):
    """The model could not answer; sent as an ``error`` frame (or the /ai/chat error)."""


class ModelBlocked(ModelFailure, code="AI_BLOCKED", status=422):
    def __init__(self, reason: str) -> None:
        super().__init__(f"The request was blocked by the model's safety filters ({reason})")
        self.reason = reason


class ModelUnavailable(ModelFailure, Unavailable, code="AI_UNAVAILABLE"):
    def __init__(self, message: str = "The AI model is unavailable; try again later") -> None:
        super().__init__(message)
