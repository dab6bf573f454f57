"""An offline ``LanguageModel`` for the embedded default: no key, no network, deterministic.

It streams its answer in small chunks and calls a tool when the message names what a tool
serves ("my balance", "my profile", "plans"…, or a tool's own name), then answers from the tool's
result: enough for ``make run`` to show the whole loop. It is not a language model; production
refuses to run without ``GEMINI_API_KEY`` (every /ai route answers 503 AI_DISABLED).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Mapping
from typing import Any

from application.assistant.ports import ModelEvent, ModelReply, ModelRequest, TextDelta
from domain.assistant.conversation import MessageRole, Part
from domain.assistant.cost import Usage

# Words in the user's message → the tool that answers them (first match wins).
TOOL_TRIGGERS: tuple[tuple[str, str], ...] = (
    (r"\bbalance\b|\bcredits?\b", "get_credit_balance"),
    (r"\bplans?\b|\bpricing\b", "get_available_plans"),
    (r"\bnotifications?\b", "get_user_notifications"),
    (r"\borgani[sz]ations?\b|\borgs?\b", "get_user_organizations"),
    (r"\bteams?\b", "get_user_teams"),
    (r"\bprojects?\b", "get_user_projects"),
    (r"\bprofile\b", "get_user_profile"),
    (r"\bthis page\b", "get_current_page_context"),
)
SET_FIELD = re.compile(
    r"\bset my (bio|location|portfolioUrl|skills|interests|languages) to (.+)$", re.I
)
CHUNK_WORDS = 3
SIGNATURE = "b2ZmbGluZS1zaWduYXR1cmU="  # base64("offline-signature"), as Gemini 3 would send one


def _tokens(text: str) -> int:
    return max(1, len(text.split()))


class OfflineLanguageModel:
    def __init__(self, chunk_delay_seconds: float = 0.0) -> None:
        self._delay = chunk_delay_seconds

    async def close(self) -> None:
        return None

    def _plan(self, request: ModelRequest) -> tuple[str, Part | None]:
        last = request.contents[-1] if request.contents else None
        tool_names = {t.name for t in request.tools}
        if last is not None and last.role is MessageRole.TOOL:
            lines = []
            for part in last.parts:
                body = part.data.get("functionResponse") or {}
                response = body.get("response") or {}
                value = response.get("result", response.get("error", ""))
                lines.append(f"{body.get('name')}: {value}")
            return "Here is what I found.\n" + "\n".join(lines), None
        text = "".join(p.text or "" for p in (last.parts if last else ()))
        if tool_names:
            call = self._call_for(text, tool_names)
            if call is not None:
                return "", call
        return (
            f'You said: "{text.strip()[:200]}". I am the offline assistant: set GEMINI_API_KEY '
            "for real answers. Ask me about your balance, profile, plans or notifications.",
            None,
        )

    def _call_for(self, text: str, tool_names: set[str]) -> Part | None:
        named = next((n for n in sorted(tool_names) if n in text), None)
        args: dict[str, Any] = {}
        if named is None and (m := SET_FIELD.search(text.strip())):
            named, args = "update_user_profile", {"field": m.group(1), "value": m.group(2)}
        if named is None:
            named = next(
                (tool for pattern, tool in TOOL_TRIGGERS if re.search(pattern, text, re.I)), None
            )
        if named is None or named not in tool_names:
            return None
        return Part({"functionCall": {"name": named, "args": args}, "thoughtSignature": SIGNATURE})

    async def stream(self, request: ModelRequest) -> AsyncIterator[ModelEvent]:
        answer, call = self._plan(request)
        prompt = sum(
            _tokens(p.text or json.dumps(dict(p.data))) for c in request.contents for p in c.parts
        )
        words = answer.split(" ") if answer else []
        for i in range(0, len(words), CHUNK_WORDS):
            if self._delay:
                await asyncio.sleep(self._delay)
            piece = " ".join(words[i : i + CHUNK_WORDS])
            yield TextDelta(piece if i + CHUNK_WORDS >= len(words) else piece + " ")
        parts = (call,) if call is not None else (Part.of_text(answer),)
        output = _tokens(answer) if answer else 5
        yield ModelReply(parts, Usage(prompt, output, prompt + output), "STOP")

    async def generate_json(
        self, *, system_instruction: str, prompt: str, schema: Mapping[str, Any]
    ) -> Mapping[str, Any] | None:
        first = prompt.splitlines()[0] if prompt else ""
        words = first.removeprefix("User:").split()
        return {"title": " ".join(words[:6]) or "Conversation"}
