"""What a message beyond the free quota costs (API.md "AI assistant", quota)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.output_tokens + other.output_tokens,
            self.total_tokens + other.total_tokens,
        )


def credits_for(total_tokens: int, *, per_1k_tokens: int, hold: int) -> int:
    """ceil(tokens / 1000 * rate), at least 1 and at most the hold placed for the message."""
    cost = math.ceil(max(total_tokens, 0) * per_1k_tokens / 1000)
    return min(hold, max(1, cost))
