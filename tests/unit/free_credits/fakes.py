"""Fakes for the phone-verification use cases: a settable clock and a recording SMS sender."""

from __future__ import annotations

from dataclasses import dataclass, field

from application.ports.messaging import MessageDeliveryFailed


@dataclass
class Sent:
    channel: str
    to: str
    body: str


@dataclass
class RecordingSmsSender:
    sent: list[Sent] = field(default_factory=list)
    fail: bool = False

    async def send_sms(self, to: str, body: str) -> str:
        return self._record("sms", to, body)

    async def place_voice_call(self, to: str, message: str) -> str:
        return self._record("voice", to, message)

    def _record(self, channel: str, to: str, body: str) -> str:
        if self.fail:
            raise MessageDeliveryFailed("provider down")
        self.sent.append(Sent(channel, to, body))
        return f"{channel}-{len(self.sent)}"

    def last_code(self) -> str:
        body = self.sent[-1].body
        if self.sent[-1].channel == "voice":
            return "".join(ch for ch in body if ch.isdigit())
        return body[:6]
