"""The Gemini adapter through the real google-genai SDK against the fake Gemini REST server.

Every test runs both ways of reading a stream (ADR 0077): ``light`` (the default: the SDK's
streamed request, events kept as Gemini's JSON) and ``typed`` (``generate_content_stream``,
events as the SDK's pydantic models); they must behave the same."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import json

import pytest

from adapters.gemini.language_model import GeminiLanguageModel
from application.assistant.ports import Content, ModelReply, ModelRequest, TextDelta
from domain.assistant.conversation import MessageRole, Part
from domain.assistant.errors import ModelBlocked, ModelUnavailable
from domain.assistant.tools import ALLOW_LIST, TOOLS
from tests.fixtures.fake_gemini import (
    API_KEY,
    Blocked,
    Error,
    FakeGemini,
    Json,
    Reply,
    signature_for,
)


@pytest.fixture
async def fake():
    server = FakeGemini()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(params=["light", "typed"])
async def model(fake, request):
    m = GeminiLanguageModel(
        api_key=API_KEY,
        model="gemini-test",
        base_url=fake.url,
        retry_initial_delay=0.01,
        typed_events=request.param == "typed",
    )
    yield m
    await m.close()


def ask(text: str, tools=()) -> ModelRequest:
    return ModelRequest(
        system_instruction="Be brief.",
        contents=(Content(MessageRole.USER, (Part.of_text(text),)),),
        tools=tuple(tools),
    )


async def collect(model, request):
    deltas, reply = [], None
    async for event in model.stream(request):
        if isinstance(event, TextDelta):
            deltas.append(event.text)
        else:
            assert isinstance(event, ModelReply)
            reply = event
    return deltas, reply


async def test_streaming_is_reassembled_and_usage_reported(model, fake):
    fake.script.append(Reply(chunks=["Hel", "lo ", "there"], usage=(12, 3)))
    deltas, reply = await collect(model, ask("hi"))
    assert deltas == ["Hel", "lo ", "there"]
    assert [p.data for p in reply.parts] == [{"text": "Hello there"}]
    assert (reply.usage.prompt_tokens, reply.usage.output_tokens, reply.usage.total_tokens) == (
        12,
        3,
        15,
    )
    assert reply.finish_reason == "STOP"
    assert fake.paths[-1] == "/v1beta/models/gemini-test:streamGenerateContent?alt=sse"


async def test_request_carries_system_instruction_tools_safety_and_no_automatic_calling(
    model, fake
):
    await collect(model, ask("hi", TOOLS))
    body = fake.requests[-1]
    assert body["systemInstruction"]["parts"][0]["text"] == "Be brief."
    names = [d["name"] for d in body["tools"][0]["functionDeclarations"]]
    assert names == list(ALLOW_LIST)
    update = next(
        d for d in body["tools"][0]["functionDeclarations"] if d["name"] == "update_user_profile"
    )
    # proto3 JSON: the API takes the field's original name as well as its camelCase one
    schema = update.get("parametersJsonSchema") or update["parameters_json_schema"]
    assert schema["required"] == ["field", "value"]
    assert body["generationConfig"]["temperature"] == 0.7
    assert body["generationConfig"]["maxOutputTokens"] == 2048
    assert {s["category"] for s in body["safetySettings"]} == {
        "HARM_CATEGORY_HARASSMENT",
        "HARM_CATEGORY_HATE_SPEECH",
        "HARM_CATEGORY_SEXUALLY_EXPLICIT",
        "HARM_CATEGORY_DANGEROUS_CONTENT",
    }
    assert {s["threshold"] for s in body["safetySettings"]} == {"BLOCK_MEDIUM_AND_ABOVE"}
    assert len(fake.requests) == 1  # no automatic function-calling round trips


async def test_function_call_round_trip_keeps_the_thought_signature(model, fake):
    _, first = await collect(model, ask("please get_credit_balance", TOOLS))
    call_part = first.parts[0]
    assert call_part.function_call.name == "get_credit_balance"
    assert call_part.thought_signature == signature_for("get_credit_balance")
    history = (
        Content(MessageRole.USER, (Part.of_text("please get_credit_balance"),)),
        Content(MessageRole.MODEL, first.parts),
        Content(
            MessageRole.TOOL, (Part.of_function_response("get_credit_balance", {"result": "42"}),)
        ),
    )
    request = ModelRequest(system_instruction="x", contents=history, tools=TOOLS)
    deltas, _ = await collect(model, request)
    assert "".join(deltas).startswith("Tool said: get_credit_balance")
    sent = fake.requests[-1]["contents"]
    assert sent[1]["role"] == "model"
    assert sent[1]["parts"][0]["thoughtSignature"] == signature_for("get_credit_balance")
    assert sent[2]["role"] == "user"
    assert sent[2]["parts"][0]["functionResponse"]["response"] == {"result": "42"}


async def test_a_lost_signature_is_refused_like_gemini_3(model, fake):
    _, first = await collect(model, ask("get_user_profile", TOOLS))
    stripped = Part({"functionCall": dict(first.parts[0].data["functionCall"])})
    history = (
        Content(MessageRole.USER, (Part.of_text("get_user_profile"),)),
        Content(MessageRole.MODEL, (stripped,)),
        Content(
            MessageRole.TOOL, (Part.of_function_response("get_user_profile", {"result": "x"}),)
        ),
    )
    with pytest.raises(ModelUnavailable, match="400"):
        await collect(model, ModelRequest(system_instruction="x", contents=history, tools=TOOLS))


async def test_signature_bytes_survive_the_sdk(model, fake):
    fake.script.append(Reply(calls=[{"name": "get_user_teams", "args": {}}]))
    _, reply = await collect(model, ask("teams", TOOLS))
    raw = reply.parts[0].thought_signature
    assert base64.b64decode(raw) == b"sig:get_user_teams"


async def test_thoughts_are_kept_but_not_streamed(model, fake):
    fake.script.append(Reply(thought="thinking...", chunks=["answer"]))
    deltas, reply = await collect(model, ask("q"))
    assert deltas == ["answer"]
    assert reply.parts[0].is_thought and reply.parts[0].text == "thinking..."


async def test_blocked_prompt(model, fake):
    fake.script.append(Blocked("SAFETY"))
    with pytest.raises(ModelBlocked):
        await collect(model, ask("something bad"))


@pytest.mark.parametrize("status", [429, 503])
async def test_transient_errors_are_retried_twice(model, fake, status):
    fake.script.extend([Error(status), Error(status), Reply(chunks=["ok"])])
    deltas, _ = await collect(model, ask("hi"))
    assert deltas == ["ok"]
    assert len(fake.requests) == 3


async def test_persistent_errors_become_unavailable_after_three_attempts(model, fake):
    fake.script.extend([Error(503), Error(503), Error(503), Reply(chunks=["late"])])
    with pytest.raises(ModelUnavailable):
        await collect(model, ask("hi"))
    assert len(fake.requests) == 3


async def test_client_errors_are_not_retried(model, fake):
    fake.script.append(Error(400, "bad request"))
    with pytest.raises(ModelUnavailable):
        await collect(model, ask("hi"))
    assert len(fake.requests) == 1


async def test_wrong_key_is_refused(fake):
    m = GeminiLanguageModel(api_key="wrong", base_url=fake.url, retry_initial_delay=0.01)
    try:
        with pytest.raises(ModelUnavailable):
            await collect(m, ask("hi"))
    finally:
        await m.close()


async def test_structured_output(model, fake):
    fake.script.append(Json('{"title": "Credits question"}'))
    schema = {"type": "object", "properties": {"title": {"type": "string"}}}
    assert await model.generate_json(system_instruction="t", prompt="p", schema=schema) == {
        "title": "Credits question"
    }
    config = fake.requests[-1]["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert config["responseJsonSchema"] == schema
    assert config["temperature"] == 0.0
    assert fake.paths[-1] == "/v1beta/models/gemini-2.5-flash:generateContent" or fake.paths[
        -1
    ].endswith(":generateContent")


@pytest.mark.parametrize(
    "answer", [Json('{"title": "cut'), Json('{"title": "x"}', finish_reason="MAX_TOKENS")]
)
async def test_invalid_or_truncated_structured_output_is_none(model, fake, answer):
    fake.script.append(answer)
    assert await model.generate_json(system_instruction="t", prompt="p", schema={}) is None


async def test_cancelling_the_reader_closes_the_upstream_stream(model, fake):
    fake.script.append(Reply(chunks=[f"c{i} " for i in range(50)], chunk_delay=0.02))
    seen = []

    async def read():
        async for event in model.stream(ask("long")):
            seen.append(event)

    task = asyncio.create_task(read())
    while len(seen) < 3:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(100):
        if fake.open_streams == 0:
            break
        await asyncio.sleep(0.01)
    assert fake.open_streams == 0
    assert fake.closed_early == 1


async def test_a_turn_makes_no_thread_hop_before_its_request(model, fake):
    """The SDK's own aiohttp session trusts the environment and reads ~/.netrc on a worker
    thread before every request; the adapter's session does not: nothing runs on the loop's
    default executor while streaming (first-chunk latency and CPU per turn)."""
    submitted = 0

    class Counting(concurrent.futures.ThreadPoolExecutor):
        def submit(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            nonlocal submitted
            submitted += 1
            return super().submit(*args, **kwargs)

    loop = asyncio.get_running_loop()
    executor = Counting(max_workers=1)
    loop.set_default_executor(executor)
    await collect(model, ask("warm up"))  # the first request may resolve and connect
    submitted = 0
    for _ in range(3):
        fake.script.append(Reply(chunks=["a", "b"], usage=(1, 1)))
        deltas, _ = await collect(model, ask("hi", TOOLS))
        assert deltas == ["a", "b"]
    assert submitted == 0
    executor.shutdown(wait=False)


async def test_a_reply_cut_for_continuation_goes_on_in_a_follow_up_request(model, fake):
    token = base64.b64encode(b"resume-here").decode()
    fake.script.extend(
        [
            Reply(chunks=["first ", "half "], usage=(10, 4), continuation_token=token),
            Reply(chunks=["second half"], usage=(12, 3)),
        ]
    )
    deltas, reply = await collect(model, ask("long answer"))
    assert deltas == ["first ", "half ", "second half"]
    assert [p.data for p in reply.parts] == [{"text": "first half second half"}]
    assert reply.finish_reason == "STOP"
    assert len(fake.requests) == 2
    assert "continuationToken" not in fake.requests[0]
    assert fake.requests[1]["continuationToken"] == token
    assert reply.usage.total_tokens == 14 + 15  # each request's usage counts


def _normalised(body):
    """The typed path's SDK converter names the schema field in snake case (proto3 JSON
    accepts both); everything else must be the same."""
    text = json.dumps(body, sort_keys=True)
    return json.loads(text.replace('"parameters_json_schema"', '"parametersJsonSchema"'))


async def test_both_paths_send_the_same_request_and_read_the_same_reply(fake):
    history = (
        Content(MessageRole.USER, (Part.of_text("please get_user_teams"),)),
        Content(
            MessageRole.MODEL,
            (
                Part({"text": "thinking", "thought": True}),
                Part(
                    {
                        "functionCall": {"name": "get_user_teams", "args": {"limit": 3}},
                        "thoughtSignature": signature_for("get_user_teams"),
                    }
                ),
            ),
        ),
        Content(MessageRole.TOOL, (Part.of_function_response("get_user_teams", {"teams": []}),)),
    )
    fake.issued_signatures["get_user_teams"] = signature_for("get_user_teams")
    request = ModelRequest(system_instruction="Be brief.", contents=history, tools=TOOLS)
    results = []
    for typed in (False, True):
        fake.script.append(
            Reply(
                thought="hmm",
                chunks=["You have ", "no teams."],
                calls=[{"name": "get_credit_balance", "args": {}}],
                usage=(30, 7),
            )
        )
        m = GeminiLanguageModel(api_key=API_KEY, base_url=fake.url, typed_events=typed)
        try:
            results.append(await collect(m, request))
        finally:
            await m.close()
    (light_deltas, light), (typed_deltas, typed) = results
    assert light_deltas == typed_deltas == ["You have ", "no teams."]
    assert [p.data for p in light.parts] == [p.data for p in typed.parts]
    assert light.parts[-1].thought_signature == signature_for("get_credit_balance")
    assert (light.usage, light.finish_reason) == (typed.usage, typed.finish_reason)
    assert _normalised(fake.requests[0]) == _normalised(fake.requests[1])


async def test_the_light_path_builds_no_sdk_response_model_per_event(fake, monkeypatch):
    from google.genai import types

    built = 0
    original = types.GenerateContentResponse._from_response.__func__

    def counting(cls, *, response, kwargs):  # type: ignore[no-untyped-def]
        nonlocal built
        built += 1
        return original(cls, response=response, kwargs=kwargs)

    monkeypatch.setattr(types.GenerateContentResponse, "_from_response", classmethod(counting))
    fake.script.append(Reply(chunks=["a", "b", "c"]))
    m = GeminiLanguageModel(api_key=API_KEY, base_url=fake.url)  # the default
    try:
        deltas, _ = await collect(m, ask("hi"))
    finally:
        await m.close()
    assert deltas == ["a", "b", "c"]
    assert built == 0
    fake.script.append(Reply(chunks=["a", "b", "c"]))
    m = GeminiLanguageModel(api_key=API_KEY, base_url=fake.url, typed_events=True)
    try:
        await collect(m, ask("hi"))
    finally:
        await m.close()
    assert built == 4  # the typed path: one per event (3 chunks + the final one)


async def test_both_paths_ask_for_structured_output_the_same_way(fake):
    schema = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}
    for typed in (False, True):
        fake.script.append(Json('{"title": "Credits question"}'))
        m = GeminiLanguageModel(api_key=API_KEY, base_url=fake.url, typed_events=typed)
        try:
            answer = await m.generate_json(system_instruction="t", prompt="p", schema=schema)
        finally:
            await m.close()
        assert answer == {"title": "Credits question"}
    assert fake.paths[0] == fake.paths[1]
    assert _normalised(fake.requests[0]) == _normalised(fake.requests[1])


async def test_an_error_event_mid_stream_ends_the_turn_unavailable(model, fake):
    fake.script.append(Reply(chunks=["one ", "two ", "three"], error_after=2))
    deltas = []
    with pytest.raises(ModelUnavailable, match="500"):
        async for event in model.stream(ask("hi")):
            deltas.append(event.text)
    assert deltas == ["one ", "two "]
