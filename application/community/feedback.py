"""Feedback: general feedback from signed-in users, and code-based feedback from the links of
the weekly e-mail and reminder (public: whoever holds the code answers once)."""

from __future__ import annotations

from dataclasses import replace

from application.community.unit_of_work import FeedbackUnitOfWork
from application.identity.principal import Principal
from application.ports.attempts import Throttle
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.community.errors import FeedbackAlreadySubmitted, FeedbackNotFound, TooManyAttempts
from domain.community.feedback import Feedback, code_digest
from domain.ids import new_id


class GiveFeedback:
    def __init__(self, uow: UnitOfWorkFactory[FeedbackUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(
        self, caller: Principal, rating: int, message: str | None, page: str | None
    ) -> Feedback:
        now = self._clock.now()
        feedback = Feedback(
            id=new_id(),
            created_at=now,
            user_id=caller.user_id,
            rating=rating,
            message=message or None,
            page=page or None,
            submitted_at=now,
        )
        async with self._uow() as uow:
            await uow.feedback.add(feedback)
            await uow.commit()
        return feedback


class ShowCodedFeedback:
    def __init__(self, uow: UnitOfWorkFactory[FeedbackUnitOfWork]) -> None:
        self._uow = uow

    async def __call__(self, code: str) -> Feedback:
        async with self._uow() as uow:
            feedback = await uow.feedback.by_code(code_digest(code))
        if feedback is None:
            raise FeedbackNotFound()
        return feedback


class SubmitCodedFeedback:
    """One answer per code; one attempt per code per minute (the original's throttle)."""

    def __init__(
        self, uow: UnitOfWorkFactory[FeedbackUnitOfWork], clock: Clock, limiter: Throttle
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._limiter = limiter

    async def __call__(self, code: str, rating: int, message: str | None) -> Feedback:
        digest = code_digest(code)
        retry_after = await self._limiter.attempt(digest)
        if retry_after is not None:
            raise TooManyAttempts(
                "Feedback for this link was just sent; try again in a minute",
                retry_after=retry_after,
            )
        async with self._uow() as uow:
            feedback = await uow.feedback.by_code(digest, for_update=True)
            if feedback is None:
                raise FeedbackNotFound()
            if feedback.is_used:
                raise FeedbackAlreadySubmitted()
            submitted = replace(
                feedback, rating=rating, message=message or None, submitted_at=self._clock.now()
            )
            await uow.feedback.submit(submitted)
            await uow.commit()
        return submitted
