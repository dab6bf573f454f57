"""Whether an e-mail address belongs to a disposable (throw-away) mail service."""

from __future__ import annotations

from typing import Protocol


class DisposableEmailCheck(Protocol):
    def is_disposable(self, email: str) -> bool:
        """True when the address's domain (or a parent domain) is a known disposable service."""
        ...
