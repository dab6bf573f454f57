"""The Gemini REST JSON of a streamed turn, for the adapter's light event path (ADR 0077).

The SDK's typed path turns every streamed event into a ``GenerateContentResponse`` (a recursive
field walk and a pydantic validation, 100-175 µs an event); here an event stays the JSON object
Gemini sent. Our stored parts already are that JSON (camelCase, base64 thought signatures), so
they go back as they came. The request's fixed parts (tools, safety settings) are the JSON form
of the SDK's own public types, built once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from application.assistant.ports import Content, ModelReply, ModelRequest
from domain.assistant.conversation import MessageRole, Part
from domain.assistant.cost import Usage
from domain.assistant.errors import ModelBlocked

BLOCKED_FINISH_REASONS = frozenset({"SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII"})
CONTINUATION = "CONTINUATION"  # the reply goes on in a follow-up request with its token


def method_path(model: str, method: str) -> str:
    """A method's path under the client's ``base_url``/``api_version``, as the SDK forms it."""
    name = model if model.startswith(("models/", "tunedModels/")) else f"models/{model}"
    return f"{name}:{method}"


def stream_path(model: str) -> str:
    return method_path(model, "streamGenerateContent?alt=sse")


def system_instruction_json(text: str) -> dict[str, Any]:
    return {"parts": [{"text": text}], "role": "user"}


def contents_json(contents: Sequence[Content]) -> list[dict[str, Any]]:
    return [
        {
            "role": "model" if c.role is MessageRole.MODEL else "user",
            "parts": [dict(p.data) for p in c.parts],
        }
        for c in contents
    ]


def request_body(
    request: ModelRequest,
    *,
    tools: list[dict[str, Any]] | None,
    safety_settings: list[dict[str, Any]],
    continuation_token: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "contents": contents_json(request.contents),
        "systemInstruction": system_instruction_json(request.system_instruction),
        "safetySettings": safety_settings,
        "generationConfig": {
            "temperature": request.temperature,
            "maxOutputTokens": request.max_output_tokens,
        },
    }
    if tools:
        body["tools"] = tools
    if continuation_token is not None:
        body["continuationToken"] = continuation_token
    return body


def json_request_body(
    *,
    system_instruction: str,
    prompt: str,
    schema: Mapping[str, Any],
    safety_settings: list[dict[str, Any]],
) -> dict[str, Any]:
    """Structured output (``generateContent``): temperature 0, a JSON answer to ``schema``."""
    return {
        "contents": [{"role": "user", "parts": [{"text": prompt}]}],
        "systemInstruction": system_instruction_json(system_instruction),
        "safetySettings": safety_settings,
        "generationConfig": {
            "temperature": 0.0,
            "responseMimeType": "application/json",
            "responseJsonSchema": dict(schema),
        },
    }


def json_answer(response: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The JSON object a ``generateContent`` response answers, or None when it is missing,
    truncated (finish reason other than STOP), blocked or not a JSON object."""
    candidates = response.get("candidates") or ()
    candidate = candidates[0] if candidates else None
    content = candidate.get("content") if candidate else None
    if not candidate or not content:
        return None
    finish = candidate.get("finishReason")
    if finish is not None and finish != "STOP":
        return None
    parts = content.get("parts") or ()
    text = "".join(p.get("text") or "" for p in parts if not p.get("thought"))
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def usage_of(metadata: Mapping[str, Any] | None) -> Usage:
    if not metadata:
        return Usage()
    prompt = int(metadata.get("promptTokenCount") or 0)
    output = int(metadata.get("candidatesTokenCount") or 0) + int(
        metadata.get("thoughtsTokenCount") or 0
    )
    return Usage(prompt, output, int(metadata.get("totalTokenCount") or prompt + output))


class ReplyAssembly:
    """The events of one reply, in order (one or more requests when Gemini continues it).

    ``add`` takes one decoded event and returns the visible text it carries; ``reply`` is the
    whole turn. Within a request, ``usageMetadata`` is a running total (the last one counts);
    across continuation requests the totals add up.
    """

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self.finish: str | None = None
        self.continuation_token: str | None = None
        self._usage = Usage()  # of the requests that ended
        self._hop_usage = Usage()

    def add(self, event: Mapping[str, Any]) -> Iterator[str]:
        feedback = event.get("promptFeedback")
        if feedback and feedback.get("blockReason"):
            raise ModelBlocked(str(feedback["blockReason"]))
        metadata = event.get("usageMetadata")
        if metadata:
            self._hop_usage = usage_of(metadata)
        candidates = event.get("candidates")
        if not candidates:
            return
        candidate = candidates[0]
        finish = candidate.get("finishReason")
        if finish:
            self.finish = str(finish)
        token = candidate.get("continuationToken")
        if token:
            self.continuation_token = str(token)
        content = candidate.get("content")
        for data in (content.get("parts") if content else None) or ():
            part = Part(data)
            self.parts.append(part)
            text = data.get("text")
            if text and not data.get("thought"):
                yield text

    def next_request(self) -> str | None:
        """The token to continue with when Gemini cut the reply to be continued, else None;
        either way the request that ended is counted."""
        self._usage += self._hop_usage
        self._hop_usage = Usage()
        token, self.continuation_token = self.continuation_token, None
        return token if self.finish == CONTINUATION and token else None

    def reply(self, merged: tuple[Part, ...]) -> ModelReply:
        if self.finish in BLOCKED_FINISH_REASONS and not any(p.function_call for p in self.parts):
            raise ModelBlocked(self.finish or "SAFETY")
        return ModelReply(merged, self._usage + self._hop_usage, self.finish)
