"""Conversations, messages and the daily quota in memory (the store's lock makes take atomic)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from adapters.memory.paging import newest_first
from adapters.memory.registry import REPOSITORIES, MemoryRepository
from application.pagination import Page, PageRequest
from domain.assistant.conversation import Conversation, Message


@REPOSITORIES.register("conversations")
class MemoryConversationRepository(MemoryRepository):
    async def add(self, conversation: Conversation) -> None:
        self._s.assistant.conversations[conversation.id] = conversation

    async def get(self, conversation_id: str, *, for_update: bool = False) -> Conversation | None:
        return self._s.assistant.conversations.get(conversation_id)

    async def save(self, conversation: Conversation) -> None:
        if conversation.id in self._s.assistant.conversations:
            self._s.assistant.conversations[conversation.id] = conversation

    async def append(self, conversation_id: str, count: int, now: datetime) -> int | None:
        conversation = self._s.assistant.conversations.get(conversation_id)
        if conversation is None:
            return None
        self._s.assistant.conversations[conversation_id] = conversation.touched(now, count)
        return conversation.message_count

    async def name_once(self, conversation_id: str, title: str) -> bool:
        conversation = self._s.assistant.conversations.get(conversation_id)
        if conversation is None or conversation.title_generated:
            return False
        renamed = conversation.renamed(title, conversation.updated_at)
        self._s.assistant.conversations[conversation_id] = renamed
        return True

    async def delete(self, conversation_id: str) -> None:
        self._s.assistant.conversations.pop(conversation_id, None)
        self._s.assistant.messages.pop(conversation_id, None)

    async def list_for_user(self, user_id: str, page: PageRequest) -> Page[Conversation]:
        mine = [x for x in self._s.assistant.conversations.values() if x.user_id == user_id]
        mine.sort(key=lambda x: (x.updated_at, x.id), reverse=True)
        return newest_first(mine, page, lambda x: (x.updated_at, x.id))

    async def messages(self, conversation_id: str, last: int | None = None) -> list[Message]:
        stored = sorted(self._s.assistant.messages.get(conversation_id, []), key=lambda x: x.seq)
        return stored if last is None else stored[-last:]

    async def add_messages(self, messages: Sequence[Message]) -> None:
        for message in messages:
            bucket = self._s.assistant.messages.setdefault(message.conversation_id, [])
            if any(x.seq == message.seq for x in bucket):
                raise ValueError("duplicate message seq")  # the SQL unique constraint's twin
            bucket.append(message)


@REPOSITORIES.register("assistant_quota")
class MemoryAssistantQuota(MemoryRepository):
    async def take(self, user_id: str, day: date, limit: int) -> bool:
        used = self._s.assistant.quota.get((user_id, day), 0)
        if used >= limit:
            return False
        self._s.assistant.quota[(user_id, day)] = used + 1
        return True

    async def give_back(self, user_id: str, day: date) -> None:
        used = self._s.assistant.quota.get((user_id, day), 0)
        if used > 0:
            self._s.assistant.quota[(user_id, day)] = used - 1

    async def used(self, user_id: str, day: date) -> int:
        return self._s.assistant.quota.get((user_id, day), 0)
