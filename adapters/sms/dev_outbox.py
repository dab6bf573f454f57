"""Dev SmsSender: appends each message as a JSON line to ``var/outbox/sms.jsonl`` for a person
(or an e2e test) to read. Never configured in production: the file holds the codes in clear."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from domain.ids import new_id

DEFAULT_OUTBOX_DIR = Path("var/outbox")
FILE_NAME = "sms.jsonl"


class DevOutboxSmsSender:
    def __init__(self, outbox_dir: Path = DEFAULT_OUTBOX_DIR) -> None:
        self.path = outbox_dir / FILE_NAME
        self._lock = asyncio.Lock()

    async def send_sms(self, to: str, body: str) -> str:
        return await self._append("sms", to, body)

    async def place_voice_call(self, to: str, message: str) -> str:
        return await self._append("voice", to, message)

    async def _append(self, channel: str, to: str, body: str) -> str:
        message_id = f"dev-{channel}-{new_id()}"
        line = json.dumps(
            {
                "id": message_id,
                "channel": channel,
                "to": to,
                "body": body,
                "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            }
        )
        async with self._lock:  # one writer at a time keeps lines whole
            await asyncio.to_thread(self._write, line)
        return message_id

    def _write(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as outbox:
            outbox.write(line + "\n")


def read_outbox(outbox_dir: Path = DEFAULT_OUTBOX_DIR) -> list[dict[str, str]]:
    """Every message written so far, oldest first (for the dev CLI and tests)."""
    path = outbox_dir / FILE_NAME
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
