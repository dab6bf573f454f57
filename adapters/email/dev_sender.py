"""Development e-mail: each message becomes one JSON line in a file a person can read.

Like Resend, it honours ``idempotency_key``: a second message with a key already written is not
written again and gets the first message's id, so a retried job never "mails" twice in dev either.
"""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime
from pathlib import Path

from application.ports.messaging import EmailMessage
from domain.ids import new_id

#: Where messages go when no path is configured (relative to the working directory).
DEFAULT_DEV_OUTBOX_PATH = Path("var/outbox/emails.jsonl")


class DevEmailSender:
    """``EmailSender`` that appends messages to a JSON-lines file instead of sending them."""

    def __init__(
        self,
        path: Path | str = DEFAULT_DEV_OUTBOX_PATH,
        sender: str = "FairArena <no-reply@fairarena.local>",
    ) -> None:
        self._path = Path(path)
        self._sender = sender
        # Worker threads and event loops may share one sender: a thread lock guards the file.
        self._lock = threading.Lock()
        self._ids_by_key: dict[str, str] | None = None

    @property
    def path(self) -> Path:
        return self._path

    async def send(self, message: EmailMessage) -> str:
        return await asyncio.to_thread(self._write, message)

    def _write(self, message: EmailMessage) -> str:
        with self._lock:
            ids_by_key = self._known_keys()
            key = message.idempotency_key
            if key is not None and key in ids_by_key:
                return ids_by_key[key]
            message_id = new_id()
            record = {
                "id": message_id,
                "sent_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                "from": self._sender,
                "to": message.to,
                "subject": message.subject,
                "text": message.text,
                "html": message.html,
                "idempotency_key": key,
                "tags": dict(message.tags),
                "headers": dict(message.headers),
            }
            self._path.parent.mkdir(parents=True, exist_ok=True)
            line = json.dumps(record, ensure_ascii=False) + "\n"
            with self._path.open("a+b") as file:
                # Start on a fresh line if an earlier writer died mid-line.
                if file.tell() > 0:
                    file.seek(-1, 2)
                    if file.read(1) != b"\n":
                        line = "\n" + line
                file.write(line.encode("utf-8"))
            if key is not None:
                ids_by_key[key] = message_id
            return message_id

    def _known_keys(self) -> dict[str, str]:
        # Read once per process: keys written by an earlier run still count as sent.
        if self._ids_by_key is None:
            self._ids_by_key = {}
            if self._path.exists():
                for line in self._path.read_text(encoding="utf-8").splitlines():
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError:
                        continue  # a line cut short by a crash: ignore it
                    if isinstance(record, dict) and record.get("idempotency_key"):
                        self._ids_by_key[record["idempotency_key"]] = str(record.get("id"))
        return self._ids_by_key
