"""CPU to read one streamed Gemini event, each way the adapter could (ADR 0077).

    .venv/bin/python -m bench.gemini_events [--events 1500] [--rounds 5]

Starts the fake Gemini (tests/fixtures/fake_gemini.py) in its own process with no delay and has
it echo a message of ``--events`` words (one streamed event each); then reads that stream in
this process, ``--rounds`` times each way, and prints the best process CPU time (utime+stime)
per event: the floor (aiohttp + orjson), the SDK's streamed request, the adapter's light path
(the default) and its typed path (``generate_content_stream``). Also the SDK's per-event decode
alone, for the fake's minimal event and for one shaped like Gemini's (usage, model version and
response id on every event). Loopback only, about 20 seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import orjson
from google.genai import models, types

from adapters.gemini.language_model import GeminiLanguageModel
from application.assistant.ports import Content, ModelRequest, TextDelta
from bench.http_api import ROOT, free_port
from domain.assistant.conversation import MessageRole, Part
from tests.fixtures.fake_gemini import API_KEY

MODEL = "gemini-bench"
MINIMAL_EVENT = {
    "candidates": [{"content": {"role": "model", "parts": [{"text": "word12 "}]}, "index": 0}]
}
GEMINI_LIKE_EVENT = {
    **MINIMAL_EVENT,
    "usageMetadata": {
        "promptTokenCount": 812,
        "candidatesTokenCount": 14,
        "totalTokenCount": 826,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 812}],
        "thoughtsTokenCount": 40,
    },
    "modelVersion": "gemini-2.5-flash",
    "responseId": "aBcDeFgHiJkLmNoPqRsTuV",
}


def sdk_decode_us(event: dict[str, Any], n: int = 3000) -> float:
    """What the SDK's typed stream does to one event once it has its text (models.py)."""
    raw = json.dumps(event)
    config = {"config": {"response_schema": None, "response_json_schema": None}}
    started = time.process_time()
    for _ in range(n):
        data = json.loads(json.dumps(json.loads(raw)))
        data = models._GenerateContentResponse_from_mldev(data, None, None)
        response = types.GenerateContentResponse._from_response(response=data, kwargs=config)
        response.sdk_http_response = types.HttpResponse(headers={"content-type": "x"})
    return (time.process_time() - started) / n * 1e6


def wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the fake did not start")


async def measure(base: str, events: int, rounds: int) -> list[tuple[str, float]]:
    text = " ".join(f"word{i}" for i in range(events))
    body = {"contents": [{"role": "user", "parts": [{"text": text}]}]}
    request = ModelRequest(
        system_instruction="x", contents=(Content(MessageRole.USER, (Part.of_text(text),)),)
    )
    light = GeminiLanguageModel(api_key=API_KEY, model=MODEL, base_url=base)
    typed = GeminiLanguageModel(api_key=API_KEY, model=MODEL, base_url=base, typed_events=True)
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), trust_env=False)
    path = f"models/{MODEL}:streamGenerateContent?alt=sse"

    async def floor() -> int:
        n = 0
        async with session.post(
            f"{base}/v1beta/{path}", json=body, headers={"x-goog-api-key": API_KEY}
        ) as response:
            async for line in response.content:
                if line.startswith(b"data: "):
                    orjson.loads(line[6:])
                    n += 1
        return n

    async def sdk_streamed_request() -> int:
        api: Any = light._sdk().aio._api_client
        n = 0
        async for event in await api.async_request_streamed("post", path, body, None):
            orjson.loads(event.body)
            n += 1
        return n

    def adapter(model: GeminiLanguageModel) -> Callable[[], Awaitable[int]]:
        async def read() -> int:
            n = 0
            async for event in model.stream(request):
                n += isinstance(event, TextDelta)
            return n

        return read

    ways: list[tuple[str, Callable[[], Awaitable[int]]]] = [
        ("aiohttp read + orjson (floor)", floor),
        ("SDK async_request_streamed + orjson", sdk_streamed_request),
        ("adapter, light path (default)", adapter(light)),
        ("adapter, typed path (generate_content_stream)", adapter(typed)),
    ]
    results = []
    try:
        for name, read in ways:
            await read()  # connect, warm up
            best = float("inf")
            for _ in range(rounds):
                started = time.process_time()
                n = await read()
                best = min(best, (time.process_time() - started) / n * 1e6)
            results.append((name, best))
    finally:
        await light.close()
        await typed.close()
        await session.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=5)
    # ``make bench`` passes its arguments (e.g. ``--duration 5``) to every script: not ours.
    options, _ = parser.parse_known_args()
    port = free_port()
    fake = subprocess.Popen(
        [sys.executable, "-m", "tests.fixtures.fake_gemini", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        base = f"http://127.0.0.1:{port}"
        results = asyncio.run(measure(base, options.events, options.rounds))
    finally:
        fake.terminate()
        fake.wait()
    results.append(("SDK decode alone, the fake's minimal event", sdk_decode_us(MINIMAL_EVENT)))
    results.append(("SDK decode alone, a Gemini-like event", sdk_decode_us(GEMINI_LIKE_EVENT)))
    print("| reading one streamed event | CPU µs |\n| --- | ---: |")
    for name, us in results:
        print(f"| {name} | {us:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
