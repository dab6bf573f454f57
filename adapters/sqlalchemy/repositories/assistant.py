"""Conversations, messages and the daily quota on SQLAlchemy Core."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.statements import entity_of, entity_row, first_entity
from adapters.sqlalchemy.tables.assistant import ai_conversations, ai_messages, ai_quota_usage
from application.pagination import Page, PageRequest, encode_cursor
from domain.assistant.conversation import Conversation, Message, MessageRole, MessageStatus, Part
from domain.assistant.cost import Usage

c = ai_conversations.c
m = ai_messages.c
q = ai_quota_usage.c


def _conversation(row: Any) -> Conversation:
    return entity_of(Conversation, row)


def _message(row: Any) -> Message:
    usage = None
    if row.total_tokens is not None:
        usage = Usage(row.prompt_tokens or 0, row.output_tokens or 0, row.total_tokens)
    return entity_of(
        Message,
        row,
        role=MessageRole(row.role),
        parts=tuple(Part(p) for p in row.parts),
        status=MessageStatus(row.status),
        usage=usage,
    )


# Built once (on a turn's way to its first chunk): a statement built per call spent more CPU
# on its construction and cache key than on its execution.
_ADD_CONVERSATION = sa.insert(ai_conversations)


_GET = sa.select(ai_conversations).where(c.id == sa.bindparam("conversation_id"))
_LAST_MESSAGES = (  # a turn's history window
    sa.select(ai_messages)
    .where(m.conversation_id == sa.bindparam("conversation_id"))
    .order_by(m.seq.desc())
    .limit(sa.bindparam("last", type_=sa.Integer))
)
_APPEND = (
    sa.update(ai_conversations)
    .where(c.id == sa.bindparam("conversation_id"))
    .values(
        message_count=c.message_count + sa.bindparam("count", type_=sa.Integer),
        updated_at=sa.bindparam("now", type_=c.updated_at.type),
    )
    .returning(c.message_count)
)
_NAME_ONCE = (
    sa.update(ai_conversations)
    .where(c.id == sa.bindparam("conversation_id"), c.title_generated.is_(False))
    .values(title=sa.bindparam("title", type_=c.title.type), title_generated=True)
)


def _take(insert: Any) -> Any:
    stmt = insert(ai_quota_usage).values(
        user_id=sa.bindparam("user_id"), day=sa.bindparam("day"), used=1
    )
    return stmt.on_conflict_do_update(
        index_elements=[q.user_id, q.day],
        set_={"used": q.used + 1},
        where=q.used < sa.bindparam("limit"),
    ).returning(q.used)


_TAKE = {True: _take(postgresql.insert), False: _take(sqlite.insert)}  # by "is PostgreSQL"


@REPOSITORIES.register("conversations")
class SqlConversationRepository(SqlRepository):
    async def add(self, conversation: Conversation) -> None:
        await self._conn.execute(_ADD_CONVERSATION, entity_row(conversation))

    async def get(self, conversation_id: str, *, for_update: bool = False) -> Conversation | None:
        params = {"conversation_id": conversation_id}
        return await first_entity(self._conn, _GET, _conversation, lock=for_update, params=params)

    async def save(self, conversation: Conversation) -> None:
        values = entity_row(conversation, omit=("id", "user_id", "created_at"))
        await self._conn.execute(
            sa.update(ai_conversations).where(c.id == conversation.id).values(**values)
        )

    async def append(self, conversation_id: str, count: int, now: datetime) -> int | None:
        values = {"conversation_id": conversation_id, "count": count, "now": now}
        total = (await self._conn.execute(_APPEND, values)).scalar_one_or_none()
        return None if total is None else int(total) - count

    async def name_once(self, conversation_id: str, title: str) -> bool:
        values = {"conversation_id": conversation_id, "title": title}
        return bool((await self._conn.execute(_NAME_ONCE, values)).rowcount)

    async def delete(self, conversation_id: str) -> None:
        # Messages first: SQLite enforces the cascade only with foreign keys switched on.
        await self._conn.execute(sa.delete(ai_messages).where(m.conversation_id == conversation_id))
        await self._conn.execute(sa.delete(ai_conversations).where(c.id == conversation_id))

    async def list_for_user(self, user_id: str, page: PageRequest) -> Page[Conversation]:
        stmt = sa.select(ai_conversations).where(c.user_id == user_id)
        after = page.after_time()
        if after is not None:
            at, after_id = after
            stmt = stmt.where(
                sa.or_(c.updated_at < at, sa.and_(c.updated_at == at, c.id < after_id))
            )
        stmt = stmt.order_by(c.updated_at.desc(), c.id.desc()).limit(page.limit + 1)
        rows = (await self._conn.execute(stmt)).all()
        items = [_conversation(r) for r in rows[: page.limit]]
        cursor = None
        if len(rows) > page.limit:
            cursor = encode_cursor(items[-1].updated_at, items[-1].id)
        return Page(items, cursor)

    async def messages(self, conversation_id: str, last: int | None = None) -> list[Message]:
        if last is None:
            stmt = sa.select(ai_messages).where(m.conversation_id == conversation_id)
            rows = (await self._conn.execute(stmt.order_by(m.seq))).all()
            return [_message(r) for r in rows]
        values = {"conversation_id": conversation_id, "last": last}
        rows = (await self._conn.execute(_LAST_MESSAGES, values)).all()
        return [_message(r) for r in reversed(rows)]

    async def add_messages(self, messages: Sequence[Message]) -> None:
        if not messages:
            return
        rows = [
            {
                "id": x.id,
                "conversation_id": x.conversation_id,
                "seq": x.seq,
                "role": x.role.value,
                "parts": [dict(p.data) for p in x.parts],
                "status": x.status.value,
                "prompt_tokens": x.usage.prompt_tokens if x.usage else None,
                "output_tokens": x.usage.output_tokens if x.usage else None,
                "total_tokens": x.usage.total_tokens if x.usage else None,
                "credits_charged": x.credits_charged,
                "created_at": x.created_at,
            }
            for x in messages
        ]
        await self._conn.execute(sa.insert(ai_messages), rows)


@REPOSITORIES.register("assistant_quota")
class SqlAssistantQuota(SqlRepository):
    async def take(self, user_id: str, day: date, limit: int) -> bool:
        """One statement: insert the day's first message, or count one more while under the
        limit (the conditional upsert serialises on the row: no over-admission)."""
        if limit <= 0:
            return False
        stmt = _TAKE[self._conn.dialect.name == "postgresql"]
        values = {"user_id": user_id, "day": day, "limit": limit}
        return (await self._conn.execute(stmt, values)).first() is not None

    async def give_back(self, user_id: str, day: date) -> None:
        await self._conn.execute(
            sa.update(ai_quota_usage)
            .where(q.user_id == user_id, q.day == day, q.used > 0)
            .values(used=q.used - 1)
        )

    async def used(self, user_id: str, day: date) -> int:
        stmt = sa.select(q.used).where(q.user_id == user_id, q.day == day)
        return int((await self._conn.execute(stmt)).scalar_one_or_none() or 0)
