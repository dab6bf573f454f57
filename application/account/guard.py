"""The step-up requirement: a sensitive use case states it first (403 VERIFICATION_REQUIRED)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.ports.clock import Clock
from domain.account.errors import VerificationRequired
from domain.account.step_up import VerificationToken, VerificationTokens


@dataclass(frozen=True, eq=False)
class StepUpGuard:
    """The requirement every sensitive use case states first: a valid token for this user."""

    tokens: VerificationTokens
    clock: Clock

    def now(self) -> datetime:
        return self.clock.now()

    def status(self, user_id: str, token_text: str | None) -> VerificationToken | None:
        token = self.tokens.read(token_text)
        if token is None or not token.is_valid_for(user_id, self.clock.now()):
            return None
        return token

    def require(self, user_id: str, token_text: str | None) -> VerificationToken:
        token = self.status(user_id, token_text)
        if token is None:
            raise VerificationRequired(
                "Verify with the code e-mailed by POST /account-settings/send-otp first"
            )
        return token
