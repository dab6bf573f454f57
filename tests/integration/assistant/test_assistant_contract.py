"""Conversations and the daily quota on every adapter (memory, SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from application.pagination import PageRequest
from domain.assistant.conversation import Conversation, Message, MessageRole, MessageStatus, Part
from domain.assistant.cost import Usage
from tests.integration.contract_builders import NOW, a_user

CALL = Part({"functionCall": {"name": "get_user_profile", "args": {}}, "thoughtSignature": "c2ln"})


def conversation(cid: str, user_id: str, minutes: int = 0) -> Conversation:
    at = NOW + timedelta(minutes=minutes)
    return Conversation(id=cid, user_id=user_id, title=f"t-{cid}", created_at=at, updated_at=at)


def message(cid: str, seq: int, role: MessageRole, parts: tuple[Part, ...], **kw) -> Message:
    return Message(f"{cid}-{seq}", cid, role, parts, NOW, seq=seq, **kw)


async def test_conversations_and_messages_round_trip(contract_uow):
    me, other = a_user("me"), a_user("other")
    async with contract_uow() as u:
        await u.users.add(me)
        await u.users.add(other)
        for i in range(3):
            await u.conversations.add(conversation(f"c{i}", me.id, minutes=i))
        await u.conversations.add(conversation("x", other.id))
        await u.conversations.add_messages(
            [
                message("c0", 0, MessageRole.USER, (Part.of_text("hi"),)),
                message("c0", 1, MessageRole.MODEL, (CALL,)),
                message(
                    "c0",
                    2,
                    MessageRole.TOOL,
                    (Part.of_function_response("get_user_profile", {"result": "r"}),),
                ),
                message(
                    "c0",
                    3,
                    MessageRole.MODEL,
                    (Part.of_text("done"),),
                    status=MessageStatus.ABORTED,
                    usage=Usage(3, 4, 7),
                    credits_charged=2,
                ),
            ]
        )
        await u.commit()
    async with contract_uow() as u:
        first = await u.conversations.list_for_user(me.id, PageRequest(limit=2))
        assert [c.id for c in first.items] == ["c2", "c1"]
        rest = await u.conversations.list_for_user(
            me.id, PageRequest(limit=2, after=_after(first.next_cursor))
        )
        assert [c.id for c in rest.items] == ["c0"] and rest.next_cursor is None
        stored = await u.conversations.messages("c0")
        assert [m.seq for m in stored] == [0, 1, 2, 3]
        assert stored[1].parts[0].data == CALL.data  # verbatim, signature included
        assert stored[3].status is MessageStatus.ABORTED
        assert stored[3].usage == Usage(3, 4, 7) and stored[3].credits_charged == 2
        assert [m.seq for m in await u.conversations.messages("c0", last=2)] == [2, 3]
        c0 = await u.conversations.get("c0", for_update=True)
        await u.conversations.save(c0.renamed("New name", NOW).touched(NOW, 4))
        await u.commit()
    async with contract_uow() as u:
        c0 = await u.conversations.get("c0")
        assert (c0.title, c0.title_generated, c0.message_count) == ("New name", True, 4)
        assert await u.conversations.name_once("c0", "Generated") is False  # renamed: kept
        assert await u.conversations.name_once("c1", "Generated") is True
        assert await u.conversations.name_once("c1", "Again") is False  # once
        later = NOW + timedelta(minutes=1)
        assert await u.conversations.append("c0", 2, later) == 4  # numbers 4 and 5
        assert await u.conversations.append("gone", 2, later) is None
        await u.commit()
    async with contract_uow() as u:
        c0 = await u.conversations.get("c0")
        assert (c0.message_count, c0.updated_at, c0.title) == (6, later, "New name")
        c1 = await u.conversations.get("c1")
        assert (c1.title, c1.title_generated) == ("Generated", True)
        assert c1.updated_at == NOW + timedelta(minutes=1)  # naming does not reorder the list
        await u.conversations.delete("c0")
        await u.commit()
    async with contract_uow() as u:
        assert await u.conversations.get("c0") is None
        assert await u.conversations.messages("c0") == []
        assert (await u.conversations.get("x")).user_id == other.id


def _after(cursor):
    from application.pagination import decode_cursor

    return decode_cursor(cursor)


async def test_quota_takes_up_to_the_limit_and_gives_back(contract_uow):
    me = a_user("me")
    day = NOW.date()
    async with contract_uow() as u:
        await u.users.add(me)
        await u.commit()
    for _ in range(2):
        async with contract_uow() as u:
            assert await u.assistant_quota.take(me.id, day, 2) is True
            await u.commit()
    async with contract_uow() as u:
        assert await u.assistant_quota.take(me.id, day, 2) is False
        assert await u.assistant_quota.used(me.id, day) == 2
        assert await u.assistant_quota.take(me.id, day + timedelta(days=1), 2) is True
        await u.assistant_quota.give_back(me.id, day)
        await u.commit()
    async with contract_uow() as u:
        assert await u.assistant_quota.used(me.id, day) == 1
        assert await u.assistant_quota.take(me.id, day, 0) is False
