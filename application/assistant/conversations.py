"""Reading and managing one's conversations; other users' answer 404 like absent ones."""

from __future__ import annotations

from dataclasses import dataclass

from application.assistant.generations import Generations
from application.assistant.policy import AssistantPolicy
from application.assistant.ports import StopSignal
from application.assistant.unit_of_work import AssistantUnitOfWork
from application.identity.principal import Principal
from application.own_pages import ListOwn
from application.pagination import Page, PageRequest
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.assistant.conversation import Conversation, Message
from domain.assistant.errors import ConversationNotFound
from domain.assistant.quota import QuotaStatus, quota_day, quota_reset


async def own_conversation(
    uow: AssistantUnitOfWork, principal: Principal, conversation_id: str
) -> Conversation:
    """The caller's conversation; someone else's is as absent as a missing one (404)."""
    conversation = await uow.conversations.get(conversation_id)
    if conversation is None or conversation.user_id != principal.user_id:
        raise ConversationNotFound()
    return conversation


@dataclass(frozen=True)
class ConversationThread:
    conversation: Conversation
    messages: list[Message]


class ListConversations(ListOwn[AssistantUnitOfWork, Conversation]):
    async def _page(
        self, uow: AssistantUnitOfWork, user_id: str, page: PageRequest
    ) -> Page[Conversation]:
        return await uow.conversations.list_for_user(user_id, page)


@dataclass(frozen=True, eq=False)
class GetConversation:
    uow: UnitOfWorkFactory[AssistantUnitOfWork]

    async def __call__(self, principal: Principal, conversation_id: str) -> ConversationThread:
        async with self.uow() as uow:
            conversation = await own_conversation(uow, principal, conversation_id)
            return ConversationThread(
                conversation, await uow.conversations.messages(conversation.id)
            )


@dataclass(frozen=True, eq=False)
class RenameConversation:
    uow: UnitOfWorkFactory[AssistantUnitOfWork]
    clock: Clock

    async def __call__(
        self, principal: Principal, conversation_id: str, title: str
    ) -> Conversation:
        async with self.uow() as uow:
            conversation = await own_conversation(uow, principal, conversation_id)
            renamed = conversation.renamed(title, self.clock.now())
            await uow.conversations.save(renamed)
            await uow.commit()
        return renamed


@dataclass(frozen=True, eq=False)
class _GenerationControl:
    """A use case that may have to stop a conversation's generation, wherever it runs."""

    uow: UnitOfWorkFactory[AssistantUnitOfWork]
    generations: Generations
    stop_signal: StopSignal

    async def _stop(self, conversation_id: str) -> bool:
        """Cancel the generation if it runs here, else ask whichever instance runs it."""
        return self.generations.cancel(conversation_id) or await self.stop_signal.request_stop(
            conversation_id
        )


@dataclass(frozen=True, eq=False)
class DeleteConversation(_GenerationControl):
    """Deletes the conversation and its messages; a generation in flight is stopped first."""

    async def __call__(self, principal: Principal, conversation_id: str) -> None:
        async with self.uow() as uow:
            conversation = await own_conversation(uow, principal, conversation_id)
            await self._stop(conversation.id)
            await uow.conversations.delete(conversation.id)
            await uow.commit()


@dataclass(frozen=True, eq=False)
class StopGeneration(_GenerationControl):
    """Cancel the conversation's generation on whichever instance runs it."""

    async def __call__(self, principal: Principal, conversation_id: str) -> bool:
        async with self.uow() as uow:
            conversation = await own_conversation(uow, principal, conversation_id)
        return await self._stop(conversation.id)


@dataclass(frozen=True, eq=False)
class GetQuota:
    uow: UnitOfWorkFactory[AssistantUnitOfWork]
    clock: Clock
    policy: AssistantPolicy

    async def __call__(self, principal: Principal) -> QuotaStatus:
        now = self.clock.now()
        async with self.uow() as uow:
            used = await uow.assistant_quota.used(principal.user_id, quota_day(now))
        return QuotaStatus(self.policy.daily_free_messages, used, quota_reset(now))
