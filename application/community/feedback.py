"""Feedback: general feedback from signed-in users, and code-based feedback from the links of
the weekly e-mail and reminder (public: whoever holds the code answers once)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from application.community.unit_of_work import FeedbackUnitOfWork
from application.identity.principal import Principal
from application.ports.attempts import Throttle
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.community.errors import FeedbackAlreadySubmitted, FeedbackNotFound, TooManyAttempts
from domain.community.feedback import Feedback, code_digest
from domain.ids import new_id


@dataclass(frozen=True, eq=False)
class GiveFeedback:
    uow: UnitOfWorkFactory[FeedbackUnitOfWork]
    clock: Clock

    async def __call__(
        self, caller: Principal, rating: int, message: str | None, page: str | None
    ) -> Feedback:
        now = self.clock.now()
        feedback = Feedback(
            id=new_id(),
            created_at=now,
            user_id=caller.user_id,
            rating=rating,
            message=message or None,
            page=page or None,
            submitted_at=now,
        )
        async with self.uow() as uow:
            await uow.feedback.add(feedback)
            await uow.commit()
        return feedback


@dataclass(frozen=True, eq=False)
class ShowCodedFeedback:
    uow: UnitOfWorkFactory[FeedbackUnitOfWork]

    async def __call__(self, code: str) -> Feedback:
        async with self.uow() as uow:
            feedback = await uow.feedback.by_code(code_digest(code))
        if feedback is None:
            raise FeedbackNotFound()
        return feedback


@dataclass(frozen=True, eq=False)
class SubmitCodedFeedback:
    """One answer per code; one attempt per code per minute (the original's throttle)."""

    uow: UnitOfWorkFactory[FeedbackUnitOfWork]
    clock: Clock
    limiter: Throttle

    async def __call__(self, code: str, rating: int, message: str | None) -> Feedback:
        digest = code_digest(code)
        retry_after = await self.limiter.attempt(digest)
        if retry_after is not None:
            raise TooManyAttempts(
                "Feedback for this link was just sent; try again in a minute",
                retry_after=retry_after,
            )
        async with self.uow() as uow:
            feedback = await uow.feedback.by_code(digest, for_update=True)
            if feedback is None:
                raise FeedbackNotFound()
            if feedback.is_used:
                raise FeedbackAlreadySubmitted()
            submitted = replace(
                feedback, rating=rating, message=message or None, submitted_at=self.clock.now()
            )
            await uow.feedback.submit(submitted)
            await uow.commit()
        return submitted
