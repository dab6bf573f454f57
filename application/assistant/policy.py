"""The assistant's configurable numbers (API.md "AI assistant", config)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.assistant.conversation import HISTORY_WINDOW


@dataclass(frozen=True)
class AssistantPolicy:
    daily_free_messages: int = 30
    max_credits_per_message: int = 5
    credits_per_1k_tokens: int = 1
    # A hold outlives its turn only when the worker died; the hold-expiry job releases it then.
    hold_ttl: timedelta = timedelta(minutes=15)
    history_window: int = HISTORY_WINDOW
    temperature: float = 0.7
    max_output_tokens: int = 2048
    title_timeout_seconds: float = 5.0
    # False: production without a model key (the routes answer 503 AI_DISABLED).
    enabled: bool = True
