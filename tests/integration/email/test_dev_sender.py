"""The dev e-mail adapter writes readable JSON lines and honours idempotency keys."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from adapters.email.dev_sender import DevEmailSender
from application.ports.messaging import EmailMessage


def message(key: str | None = None, to: str = "asha@example.com") -> EmailMessage:
    return EmailMessage(
        to=to,
        subject="Hello",
        text="Hi\n",
        html="<p>Hi</p>",
        idempotency_key=key,
        tags={"template": "welcome"},
    )


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


async def test_each_message_is_one_json_line(tmp_path: Path) -> None:
    path = tmp_path / "outbox" / "emails.jsonl"
    sender = DevEmailSender(path, sender="FairArena <no-reply@example.com>")
    first = await sender.send(message(to="a@example.com"))
    second = await sender.send(message(to="b@example.com"))
    records = lines(path)
    assert [r["id"] for r in records] == [first, second]
    assert records[0]["to"] == "a@example.com"
    assert records[0]["from"] == "FairArena <no-reply@example.com>"
    assert records[0]["subject"] == "Hello" and records[0]["html"] == "<p>Hi</p>"
    assert records[0]["tags"] == {"template": "welcome"}
    assert str(records[0]["sent_at"]).endswith("Z")


async def test_a_repeated_idempotency_key_is_written_once(tmp_path: Path) -> None:
    path = tmp_path / "emails.jsonl"
    first = await DevEmailSender(path).send(message("outbox/1"))
    again = await DevEmailSender(path).send(message("outbox/1"))  # a new process, same file
    assert again == first
    assert len(lines(path)) == 1


async def test_concurrent_sends_all_land_intact(tmp_path: Path) -> None:
    path = tmp_path / "emails.jsonl"
    sender = DevEmailSender(path)
    ids = await asyncio.gather(*(sender.send(message(f"k{i}")) for i in range(50)))
    records = lines(path)
    assert len(set(ids)) == 50
    assert {r["idempotency_key"] for r in records} == {f"k{i}" for i in range(50)}


async def test_a_torn_last_line_does_not_stop_sending(tmp_path: Path) -> None:
    path = tmp_path / "emails.jsonl"
    path.write_text('{"id": "x", "idempotency_key": "old"}\n{"id": "y", "idem', encoding="utf-8")
    sender = DevEmailSender(path)
    assert await sender.send(message("old")) == "x"
    new_id = await sender.send(message("new"))
    last = path.read_text(encoding="utf-8").splitlines()[-1]
    assert json.loads(last)["id"] == new_id
