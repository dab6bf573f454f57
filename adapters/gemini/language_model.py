"""``LanguageModel`` on Google Gemini through the official ``google-genai`` SDK.

Manual function calling (the SDK's automatic calling is off: our ``Toolbox`` decides what runs),
the system instruction and safety settings of API.md, ``GEMINI_BASE_URL`` as
``http_options.base_url``, a timeout, and the SDK's own retries (``HttpRetryOptions``) on 429 and
5xx before the stream starts. What is stored is what Gemini sent — thought signatures included —
and goes back unchanged.

Two ways to read a streamed turn, both over the SDK's client (its auth, base URL, API version,
timeout, retries, aiohttp session and error mapping):

- **light** (the default, ADR 0077): the SDK's own request and SSE reader
  (``_api_client._build_request``/``_async_request``), each event kept as the JSON object Gemini
  sent (``wire.py``) — 8 µs an event instead of ~100-180;
- **typed**: ``client.aio.models.generate_content_stream``, each event validated into the SDK's
  pydantic models. Used when ``typed_events=True`` (``GEMINI_TYPED_EVENTS``) or when the installed
  SDK lacks the API-client methods the light path relies on.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

import aiohttp
import orjson
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from adapters.gemini import wire
from adapters.gemini.wire import BLOCKED_FINISH_REASONS
from application.assistant.ports import Content, ModelEvent, ModelReply, ModelRequest, TextDelta
from domain.assistant.conversation import MessageRole, Part
from domain.assistant.cost import Usage
from domain.assistant.errors import ModelBlocked, ModelUnavailable

RETRIED_STATUSES = (429, 500, 502, 503, 504)
SAFETY_CATEGORIES = (
    types.HarmCategory.HARM_CATEGORY_HARASSMENT,
    types.HarmCategory.HARM_CATEGORY_HATE_SPEECH,
    types.HarmCategory.HARM_CATEGORY_SEXUALLY_EXPLICIT,
    types.HarmCategory.HARM_CATEGORY_DANGEROUS_CONTENT,
)
SAFETY_SETTINGS = [
    types.SafetySetting(category=c, threshold=types.HarmBlockThreshold.BLOCK_MEDIUM_AND_ABOVE)
    for c in SAFETY_CATEGORIES
]
SAFETY_SETTINGS_JSON = [
    s.model_dump(mode="json", by_alias=True, exclude_none=True) for s in SAFETY_SETTINGS
]
MAX_CONTINUATIONS = 8  # follow-up requests of one reply Gemini cut to be continued


def to_sdk_part(part: Part) -> types.Part:
    # Through JSON: the SDK decodes base64 thought signatures only when validating JSON.
    return types.Part.model_validate_json(json.dumps(dict(part.data)))


def from_sdk_part(part: types.Part) -> Part:
    if part.model_fields_set == {"text"} and part.text is not None:
        return Part({"text": part.text})  # the streamed common case: no dump per chunk
    return Part(part.model_dump(mode="json", by_alias=True, exclude_none=True))


def to_sdk_content(content: Content) -> types.Content:
    role = "model" if content.role is MessageRole.MODEL else "user"
    return types.Content(role=role, parts=[to_sdk_part(p) for p in content.parts])


def merge_parts(parts: Iterable[Part]) -> tuple[Part, ...]:
    """Streamed text arrives in pieces: consecutive text parts of one kind become one part (the
    signature Gemini puts on the last piece kept); every other part stays as it came."""
    merged: list[dict[str, Any]] = []
    for part in parts:
        data = dict(part.data)
        text_only = set(data) <= {"text", "thought", "thoughtSignature"} and "text" in data
        previous = merged[-1] if merged else None
        if (
            text_only
            and previous is not None
            and set(previous) <= {"text", "thought", "thoughtSignature"}
            and "text" in previous
            and bool(previous.get("thought")) == bool(data.get("thought"))
            and "thoughtSignature" not in previous
        ):
            previous["text"] += data["text"]
            if "thoughtSignature" in data:
                previous["thoughtSignature"] = data["thoughtSignature"]
            continue
        merged.append(data)
    return tuple(Part(d) for d in merged)


def usage_of(metadata: types.GenerateContentResponseUsageMetadata | None) -> Usage:
    if metadata is None:
        return Usage()
    prompt = metadata.prompt_token_count or 0
    output = (metadata.candidates_token_count or 0) + (metadata.thoughts_token_count or 0)
    return Usage(prompt, output, metadata.total_token_count or prompt + output)


class GeminiLanguageModel:
    def __init__(
        self,
        *,
        api_key: str,
        model: str = "gemini-2.5-flash",
        base_url: str | None = None,
        timeout_seconds: float = 60.0,
        retries: int = 2,
        retry_initial_delay: float = 1.0,
        typed_events: bool = False,
    ) -> None:
        self._model = model
        self._typed_events = typed_events
        self._api_key = api_key
        self._options = types.HttpOptions(
            base_url=base_url,
            # v1beta: function calling with JSON-schema parameters, thought signatures and
            # responseJsonSchema (the SDK's default version varies between releases)
            api_version="v1beta",
            timeout=int(timeout_seconds * 1000),  # milliseconds
            retry_options=types.HttpRetryOptions(
                attempts=retries + 1,
                initial_delay=retry_initial_delay,
                max_delay=max(retry_initial_delay * 8, 1.0),
                http_status_codes=list(RETRIED_STATUSES),
            ),
        )
        self._client: genai.Client | None = None
        self._session: aiohttp.ClientSession | None = None
        self._tools: dict[tuple[str, ...], list[Any]] = {}
        self._tools_json: dict[tuple[str, ...], list[dict[str, Any]]] = {}

    def _sdk(self) -> genai.Client:
        """The SDK client over our own aiohttp session, made on first use (inside the loop).

        Our session does not ``trust_env``: the SDK's own one does, and aiohttp then reads
        ``~/.netrc`` on a worker thread before every request — a thread hop and a file read on
        the way to the first chunk of every turn (no proxy is configured through the
        environment here: ``GEMINI_BASE_URL`` names one explicitly)."""
        if self._client is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0), trust_env=False
            )
            options = self._options.model_copy(update={"aiohttp_client": self._session})
            self._client = genai.Client(api_key=self._api_key, http_options=options)
        return self._client

    async def close(self) -> None:
        client, session, self._client, self._session = self._client, self._session, None, None
        if client is not None:
            await client.aio.aclose()
        if session is not None:
            await session.close()

    def _tool_list(self, request: ModelRequest) -> list[Any] | None:
        """The declarations of an allow-list, built once per list (it is fixed per process)."""
        if not request.tools:
            return None
        key = tuple(t.name for t in request.tools)
        tools = self._tools.get(key)
        if tools is None:
            declarations = [
                types.FunctionDeclaration(
                    name=t.name,
                    description=t.description,
                    parameters_json_schema=t.parameters_schema(),
                )
                for t in request.tools
            ]
            tools = self._tools[key] = [types.Tool(function_declarations=declarations)]
        return tools

    def _tool_json(self, request: ModelRequest) -> list[dict[str, Any]] | None:
        """The same declarations as the SDK's JSON (the REST form), built once per list."""
        tools = self._tool_list(request)
        if tools is None:
            return None
        key = tuple(t.name for t in request.tools)
        cached = self._tools_json.get(key)
        if cached is None:
            dumped = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]
            cached = self._tools_json[key] = dumped
        return cached

    def _config(self, request: ModelRequest) -> types.GenerateContentConfig:
        tools = self._tool_list(request)
        return types.GenerateContentConfig(
            system_instruction=request.system_instruction,
            temperature=request.temperature,
            max_output_tokens=request.max_output_tokens,
            safety_settings=SAFETY_SETTINGS,
            tools=tools,
            automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
        )

    def _light_api(self) -> Any | None:
        """The SDK's API client when the light path is on and this SDK offers what it uses."""
        if self._typed_events:
            return None
        api = getattr(self._sdk().aio, "_api_client", None)
        methods = ("_build_request", "_async_request", "async_request")
        return api if all(callable(getattr(api, m, None)) for m in methods) else None

    def stream(self, request: ModelRequest) -> AsyncIterator[ModelEvent]:
        api = self._light_api()
        return self._typed_stream(request) if api is None else self._light_stream(api, request)

    async def _light_stream(self, api: Any, request: ModelRequest) -> AsyncIterator[ModelEvent]:
        """Events as Gemini's JSON through the SDK's own request and SSE reader (ADR 0077)."""
        path = wire.stream_path(self._model)
        tools = self._tool_json(request)
        assembly = wire.ReplyAssembly()
        token: str | None = None
        try:
            for _ in range(MAX_CONTINUATIONS + 1):
                body = wire.request_body(
                    request,
                    tools=tools,
                    safety_settings=SAFETY_SETTINGS_JSON,
                    continuation_token=token,
                )
                # The SDK's request (headers, key, URL, timeout, retries on 429/5xx) and its SSE
                # reader (one json.loads an event), without async_request_streamed's json.dumps
                # and response model per event.
                http_request = api._build_request("post", path, body, None)
                # Sent as bytes the SDK does not re-encode: orjson instead of its json.dumps of
                # the whole body (system instruction, tool declarations, history) per request.
                if isinstance(http_request.data, dict):
                    http_request.data = orjson.dumps(http_request.data)
                response = await api._async_request(http_request=http_request, stream=True)
                try:
                    async for event in response:
                        if isinstance(event, dict) and "error" in event:
                            code = (event.get("error") or {}).get("code") or 500
                            await genai_errors.APIError.raise_error_async(code, event, None)
                        for text in assembly.add(event):
                            yield TextDelta(text)
                finally:
                    await _release(response)
                token = assembly.next_request()
                if token is None:
                    break
        except genai_errors.APIError as failure:
            raise ModelUnavailable(_describe(failure)) from failure
        except (aiohttp.ClientError, TimeoutError) as failure:
            raise ModelUnavailable() from failure
        yield assembly.reply(merge_parts(assembly.parts))

    async def _typed_stream(self, request: ModelRequest) -> AsyncIterator[ModelEvent]:
        """Events as the SDK's pydantic models (``generate_content_stream``)."""
        contents = [to_sdk_content(c) for c in request.contents]
        parts: list[Part] = []
        usage = Usage()
        finish: str | None = None
        try:
            chunks = await self._sdk().aio.models.generate_content_stream(
                model=self._model, contents=contents, config=self._config(request)
            )
            try:
                async for chunk in chunks:
                    feedback = chunk.prompt_feedback
                    if feedback is not None and feedback.block_reason is not None:
                        raise ModelBlocked(str(feedback.block_reason.value))
                    if chunk.usage_metadata is not None:
                        usage = usage_of(chunk.usage_metadata)
                    candidate = chunk.candidates[0] if chunk.candidates else None
                    if candidate is None:
                        continue
                    if candidate.finish_reason is not None:
                        finish = str(candidate.finish_reason.value)
                    for sdk_part in (candidate.content.parts if candidate.content else None) or []:
                        part = from_sdk_part(sdk_part)
                        parts.append(part)
                        if part.text and not part.is_thought:
                            yield TextDelta(part.text)
            finally:
                await _close(chunks)
        except genai_errors.APIError as failure:
            raise ModelUnavailable(_describe(failure)) from failure
        except (aiohttp.ClientError, TimeoutError) as failure:
            raise ModelUnavailable() from failure
        if finish in BLOCKED_FINISH_REASONS and not any(p.function_call for p in parts):
            raise ModelBlocked(finish or "SAFETY")
        yield ModelReply(merge_parts(parts), usage, finish)

    async def generate_json(
        self, *, system_instruction: str, prompt: str, schema: Mapping[str, Any]
    ) -> Mapping[str, Any] | None:
        api = self._light_api()
        if api is None:
            return await self._typed_json(system_instruction, prompt, schema)
        body = wire.json_request_body(
            system_instruction=system_instruction,
            prompt=prompt,
            schema=schema,
            safety_settings=SAFETY_SETTINGS_JSON,
        )
        path = wire.method_path(self._model, "generateContent")
        try:
            response = await api.async_request("post", path, body, None)
        except genai_errors.APIError as failure:
            raise ModelUnavailable(_describe(failure)) from failure
        except (aiohttp.ClientError, TimeoutError) as failure:
            raise ModelUnavailable() from failure
        try:
            answer = orjson.loads(response.body or "{}")
        except orjson.JSONDecodeError:
            return None
        return wire.json_answer(answer) if isinstance(answer, dict) else None

    async def _typed_json(
        self, system_instruction: str, prompt: str, schema: Mapping[str, Any]
    ) -> Mapping[str, Any] | None:
        config = types.GenerateContentConfig(
            system_instruction=system_instruction,
            temperature=0.0,
            response_mime_type="application/json",
            response_json_schema=dict(schema),
            safety_settings=SAFETY_SETTINGS,
            automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
        )
        try:
            response = await self._sdk().aio.models.generate_content(
                model=self._model, contents=prompt, config=config
            )
        except genai_errors.APIError as failure:
            raise ModelUnavailable(_describe(failure)) from failure
        except (aiohttp.ClientError, TimeoutError) as failure:
            raise ModelUnavailable() from failure
        candidate = response.candidates[0] if response.candidates else None
        if candidate is None or candidate.content is None:
            return None
        if candidate.finish_reason is not None and candidate.finish_reason.value != "STOP":
            return None  # truncated (MAX_TOKENS) or blocked: not an answer to trust
        text = "".join(p.text or "" for p in candidate.content.parts or [] if not p.thought)
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None


async def _release(response: Any) -> None:
    """End the SDK's reader, and close the upstream connection unless the stream was read to
    its end (then it went back to the pool): a reply cut short (a stop, the client leaving, a
    failure) must not leave Gemini generating."""
    segments = getattr(response, "segment_iterator", None)
    if segments is not None:
        await segments.aclose()
    upstream = getattr(response, "response_stream", None)
    if isinstance(upstream, aiohttp.ClientResponse):
        upstream.close()


async def _close(chunks: Any) -> None:
    close = getattr(chunks, "aclose", None)
    if close is not None:
        await close()


def _describe(failure: genai_errors.APIError) -> str:
    return f"The AI model is unavailable ({failure.code} {failure.status or ''})".strip()
