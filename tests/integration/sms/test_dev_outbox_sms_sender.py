import asyncio
import json
from pathlib import Path

from adapters.sms.dev_outbox import DevOutboxSmsSender, read_outbox


async def test_messages_and_calls_are_appended_as_json_lines(tmp_path: Path) -> None:
    sender = DevOutboxSmsSender(tmp_path / "outbox")
    sms_id = await sender.send_sms("+919876543210", "Your code is 123456")
    call_id = await sender.place_voice_call("+919876543210", "1, 2, 3, 4, 5, 6")
    lines = (tmp_path / "outbox" / "sms.jsonl").read_text().splitlines()
    first, second = (json.loads(line) for line in lines)
    assert first["id"] == sms_id and first["channel"] == "sms"
    assert first["to"] == "+919876543210" and first["body"] == "Your code is 123456"
    assert first["createdAt"].endswith("Z")
    assert second["id"] == call_id and second["channel"] == "voice"
    assert read_outbox(tmp_path / "outbox") == [first, second]


async def test_concurrent_writers_keep_every_line_whole(tmp_path: Path) -> None:
    sender = DevOutboxSmsSender(tmp_path)
    await asyncio.gather(*(sender.send_sms(f"+9198765432{i:02d}", "x" * 500) for i in range(50)))
    messages = read_outbox(tmp_path)
    assert sorted(m["to"] for m in messages) == sorted(f"+9198765432{i:02d}" for i in range(50))


def test_an_empty_outbox_reads_as_no_messages(tmp_path: Path) -> None:
    assert read_outbox(tmp_path) == []
